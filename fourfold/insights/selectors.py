"""Each member's four roles over the window: producer, funder, manager, consumer.

Every threshold is a named constant here, so the reading can be argued with."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from django.db.models import Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fourfold.consumption.models import Allocation
from fourfold.coops.models import Cooperative, Membership
from fourfold.coops.vocabulary import service_or_good
from fourfold.governance.models import FacilitatorDuty, Proposal, Vote
from fourfold.ledger.selectors import FUNDER_DEBT_WEEKS, WINDOW_WEEKS, window
from fourfold.ledger.selectors import member_money as _money
from fourfold.lib.money import format_money
from fourfold.production.models import Batch, Shift

ACTIVE_PRODUCER_SHARE = Decimal("0.75")  # done at least 75 % of one's fair share of shifts
ACTIVE_CONSUMER_SHARE = Decimal("0.5")  # took a share of at least half the batches made
ACTIVE_VOTER_SHARE = Decimal("0.5")  # voted on at least half the proposals


@dataclass(frozen=True)
class Role:
    status: str  # active / light / absent
    figure: str
    # False when the window asked nothing of the role (no decision to vote on): it then does
    # not count against anyone's four roles.
    counts: bool = True


@dataclass(frozen=True)
class MemberRoles:
    user_id: int
    shifts_done: int
    username: str
    producer: Role
    funder: Role
    manager: Role
    consumer: Role

    @property
    def all_four(self) -> bool:
        return all(
            r.status == "active" or not r.counts
            for r in (self.producer, self.funder, self.manager, self.consumer)
        )


def _grade(value: Decimal, active_at: Decimal) -> str:
    if value >= active_at:
        return "active"
    return "light" if value > 0 else "absent"


def member_roles(*, coop: Cooperative, today: date | None = None) -> list[MemberRoles]:
    """Each active member's part in each role over the rolling window. A fixed number of
    queries, whatever the number of members."""
    start, end = window(coop, today)
    members = list(
        Membership.objects.filter(coop=coop, status=Membership.Status.ACTIVE)
        .select_related("user")
        .order_by("user__username")
    )
    ids = [m.user_id for m in members]
    done = Counter(
        Shift.objects.filter(
            batch__coop=coop,
            batch__date__gte=start,
            batch__date__lte=end,
            done=True,
            member_id__in=ids,
        ).values_list("member_id", flat=True)
    )
    total_done = sum(done.values())
    from fourfold.consumption.selectors import share_weights
    from fourfold.production.selectors import rotation_weights

    weights = rotation_weights(members=[m.user for m in members], shares=share_weights(coop=coop))
    weight_sum = sum(weights.values()) or 1
    made = Batch.objects.filter(
        coop=coop, date__gte=start, date__lte=end, status=Batch.Status.MADE
    ).count()
    took = Counter(
        dict(
            Allocation.objects.filter(
                batch__coop=coop,
                batch__date__gte=start,
                batch__date__lte=end,
                units__gt=0,
                member_id__in=ids,
            )
            .values("member_id")
            .annotate(n=Sum("units"))
            .values_list("member_id", "n")
        )
    )
    batches_taken = Counter(
        Allocation.objects.filter(
            batch__coop=coop,
            batch__date__gte=start,
            batch__date__lte=end,
            units__gt=0,
            member_id__in=ids,
        ).values_list("member_id", flat=True)
    )
    # The decisions taken in the window, and those still open: each member is asked only
    # about the decisions they could vote on (closed after they joined, not about their own
    # admission or removal), and about an open one once they have voted — never held to a
    # vote whose deadline has not come.
    decided = list(
        Proposal.objects.filter(
            Q(closed_at__date__gte=start, closed_at__date__lte=end)
            | Q(status=Proposal.Status.OPEN),
            coop=coop,
        ).values_list("pk", "subject_id", "closed_at")
    )
    votes = set(
        Vote.objects.filter(
            proposal_id__in=[pk for pk, _subject, _closed in decided], member_id__in=ids
        ).values_list("proposal_id", "member_id")
    )
    facilitated = set(
        FacilitatorDuty.objects.filter(
            coop=coop, month__gte=start.replace(day=1), month__lte=end
        ).values_list("member_id", flat=True)
    )
    paid, charged, balance = _money(coop, ids, start, end)
    rows = []
    for membership in members:
        uid = membership.user_id
        fair = Fraction(total_done) * weights.get(uid, Fraction(0)) / weight_sum
        produced = Decimal(done[uid]) / Decimal(float(fair)) if fair else Decimal(0)
        producer = Role(
            _grade(produced, ACTIVE_PRODUCER_SHARE)
            if fair
            else ("active" if done[uid] else "absent"),
            ngettext(
                "%(done)d shift done, fair share %(fair).1f",
                "%(done)d shifts done, fair share %(fair).1f",
                done[uid],
            )
            % {"done": done[uid], "fair": float(fair)},
        )
        consumed = (Decimal(batches_taken[uid]) / made) if made else Decimal(0)
        consumer = Role(
            _grade(consumed, ACTIVE_CONSUMER_SHARE),
            service_or_good(
                coop,
                ngettext(
                    "%(units)d %(unit)s from %(n)d of %(made)d batch",
                    "%(units)d %(unit)s from %(n)d of %(made)d batches",
                    made,
                ),
                ngettext(
                    "%(units)d %(unit)s from %(n)d of %(made)d session",
                    "%(units)d %(unit)s from %(n)d of %(made)d sessions",
                    made,
                ),
            )
            % {
                "units": took[uid],
                "unit": coop.unit_for(took[uid]),
                "n": batches_taken[uid],
                "made": made,
            },
        )
        asked = [
            pk
            for pk, subject, closed in decided
            if (pk, uid) in votes
            or (
                closed is not None
                and subject != uid
                and closed.astimezone(coop.zone).date() >= membership.joined_on
            )
        ]
        proposals = len(asked)
        voted = sum(1 for pk in asked if (pk, uid) in votes)
        share_voted = Decimal(voted) / proposals if proposals else Decimal(0)
        manager_status = _grade(share_voted, ACTIVE_VOTER_SHARE)
        # Facilitating a month counts one step up: absent becomes light, light active.
        if uid in facilitated and manager_status == "absent":
            manager_status = "light"
        elif uid in facilitated and manager_status == "light":
            manager_status = "active"
        fac = _(", facilitated") if uid in facilitated else ""
        if proposals:
            manager = Role(
                manager_status,
                ngettext(
                    "voted on %(v)d of %(n)d decision%(fac)s",
                    "voted on %(v)d of %(n)d decisions%(fac)s",
                    proposals,
                )
                % {"v": voted, "n": proposals, "fac": fac},
            )
        else:
            manager = Role(
                "active" if uid in facilitated else "light",
                _("no decision to vote on in %(w)d weeks%(fac)s") % {"w": WINDOW_WEEKS, "fac": fac},
                counts=False,
            )
        weekly_cost = charged[uid] / WINDOW_WEEKS
        overdue = balance[uid] < -(weekly_cost * FUNDER_DEBT_WEEKS) and balance[uid] < 0
        if paid[uid] > 0 and not overdue:
            funder_status = "active"
        elif paid[uid] > 0 or (balance[uid] >= 0 and charged[uid] > 0):
            funder_status = "light"
        else:
            funder_status = "absent"
        funder = Role(
            funder_status,
            _("paid %(paid)s and charged %(charged)s in %(w)d weeks; balance now %(bal)s")
            % {
                "paid": format_money(paid[uid], coop.currency),
                "charged": format_money(charged[uid], coop.currency),
                "w": WINDOW_WEEKS,
                "bal": format_money(balance[uid], coop.currency),
            },
        )
        rows.append(
            MemberRoles(
                user_id=uid,
                shifts_done=done[uid],
                username=membership.user.username,
                producer=producer,
                funder=funder,
                manager=manager,
                consumer=consumer,
            )
        )
    return rows
