"""The four principles audited over a co-op's books, rotation and decisions.

Every threshold is a named constant here, so the audit can be read and argued with."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from itertools import pairwise

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fourfold.consumption.models import Allocation
from fourfold.coops.models import Cooperative, Membership
from fourfold.coops.vocabulary import service_or_good
from fourfold.governance.models import Proposal
from fourfold.insights.selectors import MemberRoles, member_roles
from fourfold.ledger.models import Transaction
from fourfold.ledger.selectors import WINDOW_WEEKS, arrears, window
from fourfold.lib.money import format_money
from fourfold.production.models import Batch, Shift

ALL_FOUR_HOLDS = Decimal("0.6")  # share of members active in all four roles
ALL_FOUR_AT_RISK = Decimal("0.3")
CONCENTRATION = Decimal("0.5")  # a quarter of the members doing over half the work
CONSISTENCY_HOLDS = Decimal("0.9")
CONSISTENCY_AT_RISK = Decimal("0.7")
ONE_FUNDER = Decimal("0.5")  # one member paying over half of the money in


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
    # One query for both: the decisions taken in the window (flat), and the entries flagged as
    # breaking a principle whose proposal is still open.
    proposals = list(
        Proposal.objects.filter(coop=coop)
        .filter(
            Q(closed_at__date__gte=start, closed_at__date__lte=end)
            | Q(
                kind=Proposal.Kind.REVERSAL,
                status=Proposal.Status.OPEN,
                change__has_key="principle",
            )
        )
        .select_related("opened_by")
        .order_by("opened_at", "pk")
    )
    closed = [p for p in proposals if p.closed_at is not None]
    flags = [p for p in proposals if p.status == Proposal.Status.OPEN]
    audit = [
        _with_arrears(coop, _self_funded(coop, start, end, members_ever)),
        _no_paid_staff(coop),
        _flat(coop, closed, len(active_ids)),
        _consistent(coop, due, first_batch_due),
        _members_only(coop, members_ever, end),
        _all_four(coop, roles, first_batch_due),
    ]
    return _with_flags(audit, flags)


def _with_flags(audit: list[PrincipleStatus], flags: list[Proposal]) -> list[PrincipleStatus]:
    """A principle a member flagged an entry as breaking is at risk while the members decide
    whether to reverse it (broken stays broken), and says which entry, who flagged it and why.
    ``flags``: the open proposals to reverse a flagged entry, oldest first."""
    by_principle: dict[str, list[Proposal]] = {}
    for flag in flags:
        by_principle.setdefault(flag.change["principle"], []).append(flag)
    return [
        _flagged(item, by_principle[item.name]) if item.name in by_principle else item
        for item in audit
    ]


def _flagged(item: PrincipleStatus, flags: list[Proposal]) -> PrincipleStatus:
    first = flags[0]
    values = {
        "entry": first.change["transaction"],
        "who": first.opened_by.username if first.opened_by is not None else _("a former member"),
        "reason": first.change.get("reason", ""),
        "proposal": first.pk,
    }
    figure = _(
        "entry #%(entry)d flagged by %(who)s: %(reason)s; proposal #%(proposal)d decides"
    ) % (values)
    if len(flags) > 1:
        figure += ngettext(" (and %(n)d more flag)", " (and %(n)d more flags)", len(flags) - 1) % {
            "n": len(flags) - 1
        }
    if item.status == "broken":
        return replace(item, figure=f"{item.figure}; {figure}")
    return PrincipleStatus(
        item.name,
        "at_risk",
        figure,
        _("Vote on proposal #%(proposal)d: if it passes, entry #%(entry)d is reversed.") % values,
    )


def _self_funded(coop, start, end, members_ever) -> PrincipleStatus:
    money_in = (
        Transaction.objects.posted()
        .filter(
            coop=coop,
            occurred_on__gte=start,
            occurred_on__lte=end,
            kind__in=[
                Transaction.Kind.CONTRIBUTION,
                Transaction.Kind.EXPENSE,
                Transaction.Kind.DEPOSIT,
            ],
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


def _with_arrears(coop: Cooperative, item: PrincipleStatus) -> PrincipleStatus:
    """Members owing beyond the owing limit put self-funding at risk: the others carry their
    share. Counted and summed, never named: the audit may be read beyond the members."""
    owing = arrears(coop=coop)
    if owing is None or not owing.owing:
        return item
    figure = ngettext(
        "%(n)d member owes more than the %(limit)s limit, %(total)s in all",
        "%(n)d members owe more than the %(limit)s limit, %(total)s in all",
        len(owing.owing),
    ) % {
        "n": len(owing.owing),
        "limit": format_money(owing.limit, coop.currency),
        "total": format_money(owing.total, coop.currency),
    }
    if item.status in ("broken", "at_risk"):
        return replace(item, figure=f"{item.figure}; {figure}")
    return PrincipleStatus(
        item.name,
        "at_risk",
        figure,
        _("Those beyond the limit settle up; members see who on the ledger."),
    )


def _no_paid_staff(coop) -> PrincipleStatus:
    from fourfold.ledger.principle_words import paid_work_words

    # An expense its member declared is not paid labour is shown to everyone with the
    # declaration, and any member can flag it; the audit counts what nobody vouched for.
    expenses = list(
        Transaction.objects.posted()
        .filter(coop=coop, kind=Transaction.Kind.EXPENSE, reversed_by__isnull=True)
        .exclude(declared="no_paid_staff")
        .only("description", "supplier")
    )
    ever = Transaction.objects.filter(coop=coop, kind=Transaction.Kind.EXPENSE)
    if not expenses and not ever.exists():
        return _not_yet("no_paid_staff", _("Measured once the first expense is recorded."))
    suspicious = [t for t in expenses if paid_work_words(t.description, t.supplier)]
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


def _flat(coop, closed: list[Proposal], active_count) -> PrincipleStatus:
    """``closed``: the proposals decided in the window."""
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


def _first_due(coop: Cooperative) -> str:
    return service_or_good(
        coop,
        _("Measured once the first batch is due."),
        _("Measured once the first session is due."),
    )


def _consistent(coop: Cooperative, batches, first_batch_due) -> PrincipleStatus:
    """``batches``: (status, made, planned) of the batches due in the window, by date."""
    if not first_batch_due:
        return _not_yet("consistent_production", _first_due(coop))
    if not batches:
        return PrincipleStatus(
            "consistent_production",
            "at_risk",
            service_or_good(coop, _("no batch in %(w)d weeks"), _("no session in %(w)d weeks"))
            % {"w": WINDOW_WEEKS},
            service_or_good(
                coop, _("Plan batches from the cadence."), _("Plan sessions from the cadence.")
            ),
        )
    on_target = sum(
        1
        for s, made, planned in batches
        if s == Batch.Status.MADE and made is not None and made >= planned
    )
    ratio = Decimal(on_target) / len(batches)
    figure = service_or_good(
        coop,
        ngettext(
            "%(ok)d of %(n)d batch made on its day at target",
            "%(ok)d of %(n)d batches made on their day at target",
            len(batches),
        ),
        ngettext(
            "%(ok)d of %(n)d session held on its day at target",
            "%(ok)d of %(n)d sessions held on their day at target",
            len(batches),
        ),
    ) % {
        "ok": on_target,
        "n": len(batches),
    }
    missed_in_a_row = any(a[0] == b[0] == Batch.Status.MISSED for a, b in pairwise(batches))
    if missed_in_a_row or ratio < CONSISTENCY_AT_RISK:
        return PrincipleStatus(
            "consistent_production",
            "broken",
            figure
            + (
                service_or_good(
                    coop, _("; 2 batches missed in a row"), _("; 2 sessions missed in a row")
                )
                if missed_in_a_row
                else ""
            ),
            _("Find out what stops production; swap shifts early."),
        )
    if ratio < CONSISTENCY_HOLDS:
        return PrincipleStatus(
            "consistent_production",
            "at_risk",
            figure,
            service_or_good(
                coop,
                _("Record every batch; make the target or change it by proposal."),
                _("Record every session; give the target or change it by proposal."),
            ),
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


def _all_four(
    coop: Cooperative, roles: list[MemberRoles], first_batch_due: bool
) -> PrincipleStatus:
    if not roles:
        return PrincipleStatus("all_four_roles", "broken", _("no active members"))
    if not first_batch_due:
        # Nobody can have produced or consumed before the first batch.
        return _not_yet("all_four_roles", _first_due(coop))
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
