"""Planning batches on the co-op's cadence and assigning their shifts in fair turns."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fourfold.accounts.models import User
from fourfold.coops.audit import audit_record
from fourfold.coops.models import Cooperative, Membership
from fourfold.coops.selectors import MEMBER_STATUSES, coop_today
from fourfold.coops.services import member_require_active
from fourfold.errors import Invalid
from fourfold.lib import rotation
from fourfold.lib.dates import format_day, parse_cadence
from fourfold.production import selectors
from fourfold.production.models import Batch, Shift, Swap, Unavailability

MAX_PLANNING_WEEKS = 104


@dataclass(frozen=True)
class OpenPlace:
    batch: Batch
    places: int
    away: int
    producing: int
    at_fair_share: int

    @property
    def reason(self) -> str:
        places = ngettext(
            "%(n)d place open on %(date)s", "%(n)d places open on %(date)s", self.places
        ) % {"n": self.places, "date": format_day(self.batch.date)}
        away = ngettext("%(n)d member away", "%(n)d members away", self.away) % {"n": self.away}
        return _(
            "%(places)s: %(away)s, %(share)d at their fair share, %(producing)d already "
            "producing that day."
        ) % {
            "places": places,
            "away": away,
            "share": self.at_fair_share,
            "producing": self.producing,
        }


@dataclass
class PlanResult:
    created: list[Batch] = field(default_factory=list)
    assigned: int = 0
    changed: int = 0
    open_places: list[OpenPlace] = field(default_factory=list)
    back_to_back: int = 0


def cadence_dates(coop: Cooperative, start: date, end: date) -> list[date]:
    """The cadence's production days from ``start`` to ``end`` (inclusive), in the co-op's zone.

    The rule's phase (every other Sunday: which Sundays?) is anchored on the founding date.
    """
    # Before the founding (a co-op importing its history) the phase starts at ``start``.
    founded = min(coop.founded_at.astimezone(coop.zone).date(), start)
    rule = parse_cadence(coop.cadence, tz=coop.timezone).replace(
        dtstart=datetime.combine(founded, time(12), tzinfo=coop.zone)
    )
    first = datetime.combine(start, time(0), tzinfo=coop.zone)
    last = datetime.combine(end, time(23, 59), tzinfo=coop.zone)
    return [moment.date() for moment in rule.between(first, last, inc=True)]


def batches_plan(
    *,
    coop: Cooperative,
    weeks: int,
    by: User | None,
    shares: Mapping[int, int],
    today: date | None = None,
) -> PlanResult:
    """Plan the next ``weeks`` of batches and assign their producers by the fair rotation.

    Idempotent: an existing batch is never duplicated, and a shift that is done, inside the lock
    window or offered for a swap never moves. Other future shifts may move when availability,
    membership or fairness asks for it.
    """
    if isinstance(weeks, bool) or not 1 <= int(weeks) <= MAX_PLANNING_WEEKS:
        raise Invalid(
            _("Plan between 1 and %(max)d weeks ahead.") % {"max": MAX_PLANNING_WEEKS},
            field="weeks",
        )
    if by is not None:
        member_require_active(coop=coop, user=by, action=_("plan production"))
    today = today or coop_today(coop)
    # The next N weeks are today and the 7N - 1 days after it: from a Sunday, four weeks of
    # Sundays are four batches, not five.
    horizon = today + timedelta(weeks=int(weeks), days=-1)
    result = PlanResult()
    with transaction.atomic():
        # One planner at a time per co-op: the co-op row is the lock. The rules are read from
        # the locked row: a rule change may have passed since the caller loaded the co-op.
        coop = Cooperative.objects.select_for_update().get(pk=coop.pk)
        existing = set(
            Batch.objects.filter(coop=coop, date__gte=today, date__lte=horizon).values_list(
                "date", flat=True
            )
        )
        for day in cadence_dates(coop, today, horizon):
            if day in existing:
                continue
            result.created.append(_batch_new(coop, day))
        shifts_assign(coop, today, result, shares)
        audit_record(
            coop=coop,
            actor=by,
            action="production.planned",
            weeks=int(weeks),
            created=len(result.created),
            assigned=result.assigned,
            open=sum(place.places for place in result.open_places),
        )
    return result


def _batch_new(coop: Cooperative, day: date) -> Batch:
    """A batch planned at the co-op's target, with its producer places still open."""
    batch = Batch.objects.create(coop=coop, date=day, planned_quantity=coop.target_quantity)
    Shift.objects.bulk_create(
        [Shift(batch=batch, slot=slot) for slot in range(coop.producers_per_batch)]
    )
    return batch


def batches_follow_rules(
    *, coop: Cooperative, today: date, bought_for: Collection[int], shares: Mapping[int, int]
) -> PlanResult:
    """After the members change the target, the producers per batch or the cadence, the
    batches still planned follow the new rules: new target, as many producer places as the
    rule says (places are added, or the emptiest removed outside the lock window), no batch
    left on a day the cadence no longer has unless something was already bought for it, and
    the rotation re-dealt for what changed. ``bought_for``: the batches something was bought
    for (the ledger's; ``workflows.production.batches_follow_rules`` passes them)."""
    result = PlanResult()
    with transaction.atomic():
        coop = Cooperative.objects.select_for_update().get(pk=coop.pk)
        lock_until = today + timedelta(days=coop.lock_window_days)
        planned = Batch.objects.filter(coop=coop, date__gte=today, status=Batch.Status.PLANNED)
        last = planned.order_by("-date").values_list("date", flat=True).first()
        if last is None:
            return result
        # Inside the lock window the plan stands: members count on those days and shifts.
        on_cadence = set(cadence_dates(coop, lock_until, last))
        off_cadence = [
            b.pk
            for b in planned
            if b.date >= lock_until and b.date not in on_cadence and b.pk not in bought_for
        ]
        Batch.objects.filter(pk__in=off_cadence).delete()
        planned.exclude(planned_quantity=coop.target_quantity).update(
            planned_quantity=coop.target_quantity
        )
        existing = set(planned.values_list("date", flat=True))
        result.created += [_batch_new(coop, day) for day in sorted(on_cadence - existing)]
        for batch in planned.prefetch_related("shifts"):
            shifts = sorted(batch.shifts.all(), key=lambda shift: shift.slot)
            missing = coop.producers_per_batch - len(shifts)
            if missing > 0:
                first = shifts[-1].slot + 1 if shifts else 0
                Shift.objects.bulk_create(
                    [Shift(batch=batch, slot=first + n) for n in range(missing)]
                )
            elif missing < 0 and batch.date >= lock_until:
                on_offer = set(
                    Swap.objects.filter(
                        shift__batch=batch, status__in=[Swap.Status.OPEN, Swap.Status.TAKEN]
                    ).values_list("shift_id", flat=True)
                )
                # Empty places go first, then the last dealt; a shift on offer stays.
                removable = sorted(
                    (shift for shift in shifts if shift.pk not in on_offer),
                    key=lambda shift: (shift.member_id is not None, -shift.slot),
                )
                Shift.objects.filter(pk__in=[s.pk for s in removable[:-missing]]).delete()
        shifts_assign(coop, today, result, shares)
        audit_record(
            coop=coop,
            actor=None,
            action="production.rules_followed",
            removed=len(off_cadence),
            created=len(result.created),
        )
    return result


def shifts_assign(
    coop: Cooperative, today: date, result: PlanResult, shares: Mapping[int, int]
) -> None:
    lock_until = today + timedelta(days=coop.lock_window_days)
    history_start = today - timedelta(weeks=selectors.HISTORY_WEEKS)
    batches = list(Batch.objects.filter(coop=coop, date__gte=history_start).order_by("date"))
    index = {batch.pk: i for i, batch in enumerate(batches)}
    producers = selectors.active_producers(coop=coop)
    producer_ids = {user.pk for user in producers}
    belonging = set(
        Membership.objects.filter(coop=coop, status__in=MEMBER_STATUSES).values_list(
            "user_id", flat=True
        )
    )
    shifts = list(
        Shift.objects.select_for_update()
        .filter(batch__in=batches)
        .select_related("batch")
        .order_by("batch__date", "slot")
    )
    # A shift on offer, or already taken in a swap, is the members' own arrangement: the
    # planner never undoes it.
    offered = set(
        Swap.objects.filter(
            shift__in=shifts, status__in=[Swap.Status.OPEN, Swap.Status.TAKEN]
        ).values_list("shift_id", flat=True)
    )
    fixed: dict[int, set[int]] = {}
    slots: list[rotation.Slot] = []
    previous: dict[int, int] = {}
    for shift in shifts:
        b = index[shift.batch_id]
        past = shift.batch.date < today
        if past:
            if shift.done and shift.member_id:
                fixed.setdefault(b, set()).add(shift.member_id)
            continue
        if shift.done and shift.member_id:
            # Made today: counts like the history (a made batch's status is no longer planned).
            fixed.setdefault(b, set()).add(shift.member_id)
            continue
        if shift.batch.status != Batch.Status.PLANNED:
            continue
        locked = shift.batch.date < lock_until or shift.pk in offered
        # Only members produce: a lock keeps a member's place, never a former member's.
        if locked and shift.member_id in belonging:
            fixed.setdefault(b, set()).add(shift.member_id)
            continue
        slots.append(rotation.Slot(key=shift.pk, batch=b))
        if shift.member_id in producer_ids:
            previous[shift.pk] = shift.member_id
    window_days = {batch.date: index[batch.pk] for batch in batches if batch.date >= today}
    unavailable: dict[int, set[int]] = {}
    for spell in Unavailability.objects.filter(
        coop=coop, member_id__in=producer_ids, end__gte=today
    ):
        for day, b in window_days.items():
            if spell.start <= day <= spell.end:
                unavailable.setdefault(spell.member_id, set()).add(b)
    year_ago = today - timedelta(weeks=52)
    long_run = dict(
        Shift.objects.filter(
            batch__coop=coop,
            batch__date__gte=year_ago,
            batch__date__lt=today,
            done=True,
            member_id__in=producer_ids,
        )
        .values("member_id")
        .annotate(n=Count("id"))
        .values_list("member_id", "n")
    )
    problem = rotation.Problem(
        batch_count=len(batches),
        members=[user.pk for user in producers],
        weights=selectors.rotation_weights(members=producers, shares=shares),
        fixed={b: frozenset(members) for b, members in fixed.items()},
        slots=slots,
        unavailable={m: frozenset(days) for m, days in unavailable.items()},
        previous=previous,
        long_run=long_run,
    )
    plan = rotation.solve(problem)
    by_pk = {shift.pk: shift for shift in shifts}
    changed = [
        by_pk[key] for key, member in plan.assignment.items() if by_pk[key].member_id != member
    ]
    # Clear first, then fill: two members trading places in one batch must not collide on the
    # one-member-per-batch constraint half-way.
    Shift.objects.filter(pk__in=[s.pk for s in changed]).update(member=None)
    for shift in changed:
        shift.member_id = plan.assignment[shift.pk]
    Shift.objects.bulk_update([s for s in changed if s.member_id], ["member"])
    result.changed = len(changed)
    result.assigned = sum(1 for member in plan.assignment.values() if member)
    result.back_to_back = plan.back_to_back
    open_by_batch: dict[int, int] = {}
    for slot in slots:
        if plan.assignment[slot.key] is None:
            open_by_batch[slot.batch] = open_by_batch.get(slot.batch, 0) + 1
    for b, places in sorted(open_by_batch.items()):
        reasons = rotation.open_reasons(problem, plan, b)
        result.open_places.append(
            OpenPlace(
                batch=batches[b],
                places=places,
                away=reasons["away"],
                producing=reasons["producing"],
                at_fair_share=reasons["at_fair_share"],
            )
        )


def replan_after_membership_change(
    *, coop: Cooperative, shares: Mapping[int, int], today: date | None = None
) -> None:
    """Give the future unlocked shifts of members who paused or left to others."""
    today = today or coop_today(coop)
    with transaction.atomic():
        Cooperative.objects.select_for_update().filter(pk=coop.pk).first()
        result = PlanResult()
        shifts_assign(coop, today, result, shares)
        audit_record(
            coop=coop,
            actor=None,
            action="production.replanned",
            assigned=result.assigned,
            changed=result.changed,
        )
