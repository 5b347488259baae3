"""The monthly facilitator, in turn among the active members."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

from django.db import transaction

from fourfold.coops.audit import audit_record
from fourfold.coops.models import Cooperative
from fourfold.coops.selectors import active_members, coop_today
from fourfold.governance.models import FacilitatorDuty


def facilitators_plan(
    *, coop: Cooperative, months: int = 6, today: date | None = None
) -> list[FacilitatorDuty]:
    """Who facilitates each coming month, by the same fair rotation as shifts (one place a
    month, equal weights). Months already given keep their facilitator."""
    from fourfold.lib import rotation

    today = today or coop_today(coop)
    first = today.replace(day=1)
    wanted = []
    month = first
    for _i in range(months):
        wanted.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    history_start = (first - timedelta(days=365)).replace(day=1)
    members = list(active_members(coop=coop).values_list("pk", flat=True))
    if not members:
        return []
    with transaction.atomic():
        existing = {
            d.month: d
            for d in FacilitatorDuty.objects.select_for_update().filter(
                coop=coop, month__gte=history_start
            )
        }
        months_all = sorted(set(existing) | set(wanted))
        index = {m: i for i, m in enumerate(months_all)}
        fixed = {index[m]: frozenset({d.member_id}) for m, d in existing.items()}
        slots = [rotation.Slot(key=m, batch=index[m]) for m in wanted if m not in existing]
        plan = rotation.solve(
            rotation.Problem(
                batch_count=len(months_all),
                members=members,
                weights={m: Fraction(1) for m in members},
                fixed=fixed,
                slots=slots,
            )
        )
        given = FacilitatorDuty.objects.bulk_create(
            [
                FacilitatorDuty(coop=coop, month=m, member_id=member)
                for m, member in plan.assignment.items()
                if member is not None
            ]
        )
        if given:
            audit_record(
                coop=coop,
                actor=None,
                action="governance.facilitators_planned",
                months={d.month.isoformat(): d.member_id for d in given},
            )
    return list(
        FacilitatorDuty.objects.filter(coop=coop, month__in=wanted).select_related("member")
    )
