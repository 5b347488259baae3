"""What the co-op sees at a glance: each member's four roles, the principles audit, and what
doing it together saves against buying commercially or making alone.

Every threshold is a named constant here, so the audit can be read and argued with."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fourfold.consumption.models import Allocation
from fourfold.coops.models import Cooperative, Membership
from fourfold.coops.selectors import coop_today
from fourfold.governance.models import FacilitatorDuty, Proposal, Vote
from fourfold.ledger import selectors as ledger_selectors
from fourfold.ledger.models import Transaction
from fourfold.ledger.selectors import FUNDER_DEBT_WEEKS, WINDOW_WEEKS, window
from fourfold.ledger.selectors import member_money as _money
from fourfold.lib.money import format_money, from_minor, quantize
from fourfold.production.models import Batch, Shift

ACTIVE_PRODUCER_SHARE = Decimal("0.75")  # done at least 75 % of one's fair share of shifts
ACTIVE_CONSUMER_SHARE = Decimal("0.5")  # took a share of at least half the batches made
ACTIVE_VOTER_SHARE = Decimal("0.5")  # voted on at least half the proposals
ALL_FOUR_HOLDS = Decimal("0.6")  # share of members active in all four roles
ALL_FOUR_AT_RISK = Decimal("0.3")
CONCENTRATION = Decimal("0.5")  # a quarter of the members doing over half the work
CONSISTENCY_HOLDS = Decimal("0.9")
CONSISTENCY_AT_RISK = Decimal("0.7")
ONE_FUNDER = Decimal("0.5")  # one member paying over half of the money in


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
            ngettext(
                "%(units)d %(unit)s from %(n)d of %(made)d batch",
                "%(units)d %(unit)s from %(n)d of %(made)d batches",
                made,
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


@dataclass(frozen=True)
class PrincipleStatus:
    name: str
    status: str  # holds / at_risk / broken / not_yet
    figure: str
    fix: str = ""


# A principle with nothing to measure yet (a new co-op) is neither kept nor broken: it reads
# "not measured yet", and its figure says what will measure it.
STATUSES = ("holds", "at_risk", "broken", "not_yet")


def _not_yet(name: str, figure: str) -> PrincipleStatus:
    return PrincipleStatus(name, "not_yet", figure)


def _batches_due(coop: Cooperative, today: date):
    """The batches whose day has come: before today, or today's once recorded. A batch
    planned for today is not late yet; its producers may still be at the stove."""
    return Batch.objects.filter(coop=coop).filter(
        Q(date__lt=today) | Q(date=today) & ~Q(status=Batch.Status.PLANNED)
    )


def principles_audit(
    *, coop: Cooperative, today: date | None = None, roles: list[MemberRoles] | None = None
) -> list[PrincipleStatus]:
    """Each principle of DESIGN.md as holds / at risk / broken, with the figure behind it;
    not yet measured while the co-op has no history to measure it by."""
    start, end = window(coop, today)
    roles = roles if roles is not None else member_roles(coop=coop, today=today)
    active_ids = {r.user_id for r in roles}
    members_ever = set(Membership.objects.filter(coop=coop).values_list("user_id", flat=True))
    due = list(
        _batches_due(coop, end)
        .filter(date__gte=start)
        .order_by("date")
        .values_list("status", "made_quantity", "planned_quantity")
    )
    # Asked of the database only when the window has no batch due.
    first_batch_due = bool(due) or _batches_due(coop, end).exists()
    return [
        _self_funded(coop, start, end, members_ever),
        _no_paid_staff(coop),
        _flat(coop, start, end, len(active_ids)),
        _consistent(due, first_batch_due),
        _members_only(coop, members_ever, end),
        _all_four(roles, first_batch_due),
    ]


def _self_funded(coop, start, end, members_ever) -> PrincipleStatus:
    money_in = (
        Transaction.objects.posted()
        .filter(
            coop=coop,
            occurred_on__gte=start,
            occurred_on__lte=end,
            kind__in=[Transaction.Kind.CONTRIBUTION, Transaction.Kind.EXPENSE],
            reversed_by__isnull=True,
        )
        .exclude(payer__isnull=True)
    )
    outsiders = money_in.exclude(payer_id__in=members_ever).count()
    if outsiders:
        return PrincipleStatus(
            "self_funded",
            "broken",
            ngettext(
                "%(n)d payment from a non-member", "%(n)d payments from non-members", outsiders
            )
            % {"n": outsiders},
            _("Reverse them; only members fund the co-op."),
        )
    by_payer = dict(
        money_in.values("payer_id").annotate(s=Sum("amount_minor")).values_list("payer_id", "s")
    )
    if (
        not by_payer
        and not Transaction.objects.filter(
            coop=coop, kind__in=[Transaction.Kind.CONTRIBUTION, Transaction.Kind.EXPENSE]
        ).exists()
    ):
        return _not_yet("self_funded", _("Measured once the first money is recorded."))
    total = sum(by_payer.values())
    if total and max(by_payer.values()) > ONE_FUNDER * total and len(members_ever) > 2:
        share = Decimal(max(by_payer.values())) / total
        return PrincipleStatus(
            "self_funded",
            "at_risk",
            _("one member paid %(share).0f %% of the money in over %(w)d weeks")
            % {"share": share * 100, "w": WINDOW_WEEKS},
            _("Take turns buying supplies, or pay in to the pool together."),
        )
    paid_in = money_in.count()
    if not paid_in:
        return PrincipleStatus(
            "self_funded", "holds", _("no money came in over %(w)d weeks") % {"w": WINDOW_WEEKS}
        )
    return PrincipleStatus(
        "self_funded",
        "holds",
        ngettext(
            "the one payment in %(w)d weeks came from a member",
            "all %(n)d payments in %(w)d weeks came from members",
            paid_in,
        )
        % {"n": paid_in, "w": WINDOW_WEEKS},
    )


def _no_paid_staff(coop) -> PrincipleStatus:
    from fourfold.ledger.principles import LABOUR

    expenses = list(
        Transaction.objects.posted()
        .filter(coop=coop, kind=Transaction.Kind.EXPENSE, reversed_by__isnull=True)
        .only("description", "supplier")
    )
    ever = Transaction.objects.filter(coop=coop, kind=Transaction.Kind.EXPENSE)
    if not expenses and not ever.exists():
        return _not_yet("no_paid_staff", _("Measured once the first expense is recorded."))
    suspicious = [
        t for t in expenses if LABOUR.search(t.description or "") or LABOUR.search(t.supplier or "")
    ]
    if suspicious:
        return PrincipleStatus(
            "no_paid_staff",
            "broken",
            ngettext(
                "%(n)d expense looks like pay for work",
                "%(n)d expenses look like pay for work",
                len(suspicious),
            )
            % {"n": len(suspicious)},
            _("Reverse them: members produce in turns, unpaid."),
        )
    return PrincipleStatus("no_paid_staff", "holds", _("no expense pays anyone for labour"))


def _flat(coop, start, end, active_count) -> PrincipleStatus:
    closed = list(
        Proposal.objects.filter(coop=coop, closed_at__date__gte=start, closed_at__date__lte=end)
    )
    if not closed and not Proposal.objects.filter(coop=coop, closed_at__isnull=False).exists():
        return _not_yet("flat", _("Measured once the members take their first decision."))
    if not closed:
        return PrincipleStatus(
            "flat",
            "holds",
            _("no decision in %(w)d weeks; rules change only by proposal") % {"w": WINDOW_WEEKS},
        )
    turnout = [
        Decimal(p.result.get("voted", 0)) / max(1, p.result.get("eligible", 1)) for p in closed
    ]
    average = sum(turnout) / len(turnout)
    quorum = Decimal(coop.quorum_percent) / 100
    openers = Counter(p.opened_by_id for p in closed)
    figure = ngettext(
        "%(n)d decision, average turnout %(t).0f %%",
        "%(n)d decisions, average turnout %(t).0f %%",
        len(closed),
    ) % {
        "n": len(closed),
        "t": average * 100,
    }
    if average < quorum:
        return PrincipleStatus(
            "flat",
            "at_risk",
            figure,
            _("Turnout is below the quorum: name proxies, or nudge votes."),
        )
    if len(closed) >= 4 and openers.most_common(1)[0][1] > len(closed) * CONCENTRATION:
        return PrincipleStatus(
            "flat",
            "at_risk",
            _("one member opened %(n)d of %(all)d proposals")
            % {"n": openers.most_common(1)[0][1], "all": len(closed)},
            _("Proposals are everyone's: others can bring them too."),
        )
    return PrincipleStatus("flat", "holds", figure)


def _consistent(batches, first_batch_due) -> PrincipleStatus:
    """``batches``: (status, made, planned) of the batches due in the window, by date."""
    if not first_batch_due:
        return _not_yet("consistent_production", _("Measured once the first batch is due."))
    if not batches:
        return PrincipleStatus(
            "consistent_production",
            "at_risk",
            _("no batch in %(w)d weeks") % {"w": WINDOW_WEEKS},
            _("Plan batches from the cadence."),
        )
    on_target = sum(
        1
        for s, made, planned in batches
        if s == Batch.Status.MADE and made is not None and made >= planned
    )
    ratio = Decimal(on_target) / len(batches)
    figure = ngettext(
        "%(ok)d of %(n)d batch made on its day at target",
        "%(ok)d of %(n)d batches made on their day at target",
        len(batches),
    ) % {
        "ok": on_target,
        "n": len(batches),
    }
    missed_in_a_row = any(a[0] == b[0] == Batch.Status.MISSED for a, b in pairwise(batches))
    if missed_in_a_row or ratio < CONSISTENCY_AT_RISK:
        return PrincipleStatus(
            "consistent_production",
            "broken",
            figure + (_("; 2 batches missed in a row") if missed_in_a_row else ""),
            _("Find out what stops production; swap shifts early."),
        )
    if ratio < CONSISTENCY_HOLDS:
        return PrincipleStatus(
            "consistent_production",
            "at_risk",
            figure,
            _("Record every batch; make the target or change it by proposal."),
        )
    return PrincipleStatus("consistent_production", "holds", figure)


def _members_only(coop, members_ever, today) -> PrincipleStatus:
    outside = ~Q(member_id__in=members_ever)
    shifts = Shift.objects.filter(batch__coop=coop, member__isnull=False).aggregate(
        dealt=Count("pk"), outside=Count("pk", filter=outside)
    )
    shares = Allocation.objects.filter(batch__coop=coop).aggregate(
        taken=Count("pk"), outside=Count("pk", filter=outside)
    )
    if not shifts["dealt"] and not shares["taken"]:
        return _not_yet(
            "members_only", _("Measured once the first shift is dealt or share handed out.")
        )
    outside_shifts, outside_takers = shifts["outside"], shares["outside"]
    if outside_shifts or outside_takers:
        return PrincipleStatus(
            "members_only",
            "broken",
            _("%(s)d shifts and %(a)d shares outside the membership")
            % {"s": outside_shifts, "a": outside_takers},
        )
    inactive_ahead = (
        Shift.objects.filter(batch__coop=coop, batch__date__gte=today, member__isnull=False)
        .exclude(
            member__memberships__coop=coop, member__memberships__status=Membership.Status.ACTIVE
        )
        .count()
    )
    if inactive_ahead:
        return PrincipleStatus(
            "members_only",
            "at_risk",
            ngettext(
                "%(n)d coming shift held by a paused or former member",
                "%(n)d coming shifts held by paused or former members",
                inactive_ahead,
            )
            % {"n": inactive_ahead},
            _("Re-plan the rotation."),
        )
    return PrincipleStatus("members_only", "holds", _("every producer and consumer is a member"))


def _all_four(roles: list[MemberRoles], first_batch_due: bool) -> PrincipleStatus:
    if not roles:
        return PrincipleStatus("all_four_roles", "broken", _("no active members"))
    if not first_batch_due:
        # Nobody can have produced or consumed before the first batch.
        return _not_yet("all_four_roles", _("Measured once the first batch is due."))
    share = Decimal(sum(1 for r in roles if r.all_four)) / len(roles)
    figure = ngettext(
        "%(n)d of %(all)d member active in all four roles",
        "%(n)d of %(all)d members active in all four roles",
        len(roles),
    ) % {
        "n": sum(1 for r in roles if r.all_four),
        "all": len(roles),
    }
    producing = sorted((r.shifts_done for r in roles), reverse=True)
    quarter = max(1, len(roles) // 4)
    total = sum(producing)
    if total and sum(producing[:quarter]) > CONCENTRATION * total and len(roles) >= 4:
        return PrincipleStatus(
            "all_four_roles",
            "at_risk",
            _("%(q)d of %(n)d members produced %(p).0f %% of the last %(w)d weeks' shifts")
            % {
                "q": quarter,
                "n": len(roles),
                "p": sum(producing[:quarter]) * 100 / total,
                "w": WINDOW_WEEKS,
            },
            _("Share the production: the rotation follows standing shares."),
        )
    if share >= ALL_FOUR_HOLDS:
        return PrincipleStatus("all_four_roles", "holds", figure)
    lacking = Counter(
        role
        for r in roles
        for role, v in (
            ("producer", r.producer),
            ("funder", r.funder),
            ("manager", r.manager),
            ("consumer", r.consumer),
        )
        if v.status != "active" and v.counts
    )
    hint = _("most often missing: %(role)s") % {"role": lacking.most_common(1)[0][0]}
    return PrincipleStatus(
        "all_four_roles",
        "at_risk" if share >= ALL_FOUR_AT_RISK else "broken",
        f"{figure}; {hint}",
        _("Invite those missing a role to take it up."),
    )


@dataclass(frozen=True)
class MonthEconomics:
    month: date
    units: int
    cost: Decimal
    hours: Decimal
    currency: str

    @property
    def cost_per_unit(self) -> Decimal | None:
        return quantize(self.cost / self.units, self.currency) if self.units else None


@dataclass
class Economics:
    months: list[MonthEconomics] = field(default_factory=list)
    cost_per_unit: Decimal | None = None
    commercial_unit_price: Decimal = Decimal(0)
    money_saved_per_member_month: Decimal | None = None
    minutes_per_unit: Decimal | None = None
    diy_minutes_per_unit: Decimal = Decimal(0)
    hours_saved_per_member_month: Decimal | None = None


def economics(*, coop: Cooperative, months: int = 12, today: date | None = None) -> Economics:
    """Cost per unit against the commercial price, member hours per unit against making alone:
    per month and over the period, in a fixed number of queries."""
    today = today or coop_today(coop)
    start = today.replace(day=1)
    for _step in range(months - 1):  # back whole calendar months
        start = (start - timedelta(days=1)).replace(day=1)
    units_by_month: dict[date, int] = defaultdict(int)
    hours_by_month: dict[date, Decimal] = defaultdict(Decimal)
    for day, made, hours in Batch.objects.filter(
        coop=coop, date__gte=start, date__lte=today, status=Batch.Status.MADE
    ).values_list("date", "made_quantity", "hours_spent"):
        units_by_month[day.replace(day=1)] += made or 0
        hours_by_month[day.replace(day=1)] += hours or 0
    cost_by_month: dict[date, Decimal] = defaultdict(Decimal)
    for day, minor in (
        ledger_selectors.charge_legs(coop=coop)
        .filter(transaction__batch__date__gte=start, transaction__batch__date__lte=today)
        .values_list("transaction__batch__date", "amount_minor")
    ):
        cost_by_month[day.replace(day=1)] += from_minor(minor, coop.currency)
    rows = [
        MonthEconomics(
            month=m,
            units=units_by_month[m],
            cost=cost_by_month[m],
            hours=hours_by_month[m],
            currency=coop.currency,
        )
        for m in sorted(set(units_by_month) | set(cost_by_month))
    ]
    result = Economics(
        months=rows,
        commercial_unit_price=coop.commercial_unit_price,
        diy_minutes_per_unit=coop.diy_minutes_per_unit,
    )
    units = sum(r.units for r in rows)
    if not units:
        return result
    cost = sum((r.cost for r in rows), Decimal(0))
    hours = sum((r.hours for r in rows), Decimal(0))
    members = max(1, Membership.objects.filter(coop=coop, status=Membership.Status.ACTIVE).count())
    span = max(1, len(rows))
    result.cost_per_unit = quantize(cost / units, coop.currency)
    saved = (coop.commercial_unit_price - cost / units) * units
    result.money_saved_per_member_month = quantize(saved / members / span, coop.currency)
    result.minutes_per_unit = (hours * 60 / units).quantize(Decimal("0.1"))
    hours_saved = (coop.diy_minutes_per_unit * units / 60) - hours
    result.hours_saved_per_member_month = (hours_saved / members / span).quantize(Decimal("0.1"))
    return result
