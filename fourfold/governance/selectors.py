"""Reads about governance: proposals, the live tally, the decision log, the facilitator."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from fourfold.coops.models import Cooperative
from fourfold.coops.selectors import active_members_by_coop, coop_today
from fourfold.governance.models import FacilitatorDuty, Proposal, Proxy, Vote
from fourfold.lib.money import from_minor


def proposals(*, coop: Cooperative, status: str | None = None) -> QuerySet[Proposal]:
    items = Proposal.objects.filter(coop=coop)
    if status:
        items = items.filter(status=status)
    votes = Vote.objects.select_related("member").order_by("member__username")
    return (
        items.select_related("coop", "opened_by", "subject")
        .prefetch_related(Prefetch("votes", votes))
        .annotate(vote_count=Count("votes", distinct=True))
        .order_by("-opened_at", "-pk")
    )


@dataclass(frozen=True)
class Tally:
    """Who voted how on one proposal, counting a proxy's vote for the absent member who named
    them. ``counted`` maps each member whose vote counts to the vote that counts for them;
    ``proxied`` maps a proxy holder to the usernames of the absent members they voted for."""

    eligible: int
    voted: int
    by_proxy: int
    positions: dict[str, int]
    counted: dict[int, Vote] = field(default_factory=dict)
    proxied: dict[int, list[str]] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "eligible": self.eligible,
            "voted": self.voted,
            "by_proxy": self.by_proxy,
            "positions": self.positions,
            "counted": self.counted,
        }


def _proxy_counts(proxy: Proxy, proposal: Proposal, on: date) -> bool:
    return (proxy.proposal_id is None or proxy.proposal_id == proposal.pk) and (
        proxy.until is None or proxy.until >= on
    )


def tallies(*, proposals: Iterable[Proposal], now: datetime | None = None) -> dict[int, Tally]:
    """The tally of each proposal, by id, in a fixed number of queries however many there
    are: the active members and the live proxies of their co-ops, and (unless prefetched
    already) their votes. A closed proposal keeps the count it was decided on."""
    now = now or timezone.now()
    items = list(proposals)
    if not items:
        return {}
    # Votes prefetched by the caller are used as they are; others are read in one query (and
    # not cached on the caller's objects, which would then go stale at the next vote).
    votes_of: dict[int, list[Vote]] = {
        p.pk: list(p.votes.all())
        for p in items
        if "votes" in getattr(p, "_prefetched_objects_cache", {})
    }
    unread = [p.pk for p in items if p.pk not in votes_of]
    if unread:
        votes_of.update({pk: [] for pk in unread})
        for vote in Vote.objects.filter(proposal_id__in=unread):
            votes_of[vote.proposal_id].append(vote)
    coop_ids = {p.coop_id for p in items}
    active = active_members_by_coop(coop_ids=coop_ids)
    eligible_of = {coop_id: set(members) for coop_id, members in active.items()}
    proxies_of: dict[int, list[Proxy]] = {coop_id: [] for coop_id in coop_ids}
    live = Proxy.objects.filter(coop_id__in=coop_ids, revoked_at__isnull=True)
    for proxy in live.select_related("giver"):
        proxies_of[proxy.coop_id].append(proxy)
    result = {}
    for proposal in items:
        on = coop_today(proposal.coop, now=now)
        eligible = set(eligible_of[proposal.coop_id])
        if proposal.kind == Proposal.Kind.REMOVE_MEMBER:
            eligible.discard(proposal.subject_id)
        votes = {v.member_id: v for v in votes_of[proposal.pk] if v.member_id in eligible}
        counted = dict(votes)
        proxied: dict[int, list[str]] = {}
        for proxy in proxies_of[proposal.coop_id]:
            if (
                _proxy_counts(proxy, proposal, on)
                and proxy.giver_id in eligible
                and proxy.giver_id not in votes
                and proxy.holder_id in votes
            ):
                counted[proxy.giver_id] = votes[proxy.holder_id]
                proxied.setdefault(proxy.holder_id, []).append(proxy.giver.username)
        positions = {p: 0 for p in Vote.Position.values}
        for vote in counted.values():
            if vote.position:
                positions[vote.position] += 1
        figures: dict[str, Any] = {
            "eligible": len(eligible),
            "voted": len(counted),
            "by_proxy": len(counted) - len(votes),
            "positions": positions,
        }
        if proposal.status != Proposal.Status.OPEN:
            # A closed proposal keeps the count it was decided on: members who joined or left
            # since change nothing.
            figures.update({k: proposal.result[k] for k in figures if k in proposal.result})
        result[proposal.pk] = Tally(**figures, counted=counted, proxied=proxied)
    return result


def proposal_for_coop(*, coop: Cooperative, pk: int) -> Proposal | None:
    return proposals(coop=coop).filter(pk=pk).first()


def decision_log(*, coop: Cooperative) -> QuerySet[Proposal]:
    """Closed proposals, newest first, each with its outcome and (rule changes) before/after."""
    return (
        proposals(coop=coop).filter(~Q(status=Proposal.Status.OPEN)).order_by("-closed_at", "-pk")
    )


def facilitator_of(*, coop: Cooperative, on: date) -> FacilitatorDuty | None:
    return (
        FacilitatorDuty.objects.filter(coop=coop, month=on.replace(day=1))
        .select_related("member")
        .first()
    )


def _spent_minor() -> Sum:
    """What the live expenses drawing on a spending approval add up to (a reversed, declined
    or lapsed expense gives its part back; one waiting for consent holds it), in minor units."""
    live = Q(expenses__outcome__isnull=True) | Q(expenses__outcome__outcome="posted")
    return Sum(
        "expenses__amount_minor",
        filter=Q(expenses__kind="expense", expenses__reversed_by__isnull=True) & live,
        default=0,
    )


def approval_left(approval: Proposal) -> Decimal:
    """What a passed spending proposal still approves: its amount less what is spent of it."""
    spent = Proposal.objects.filter(pk=approval.pk).aggregate(spent=_spent_minor())["spent"]
    return approval.approved_amount - from_minor(spent, approval.coop.currency)


def approvals_open(*, coop: Cooperative) -> list[tuple[Proposal, Decimal]]:
    """Passed spending proposals with some of their amount left, newest first: one query."""
    passed = (
        Proposal.objects.filter(
            coop=coop, kind=Proposal.Kind.SPENDING, status=Proposal.Status.PASSED
        )
        .annotate(spent=_spent_minor())
        .order_by("-closed_at", "-pk")
    )
    return [
        (proposal, left)
        for proposal in passed
        if (left := proposal.approved_amount - from_minor(proposal.spent, coop.currency)) > 0
    ]


def budgets_adopted(*, coop: Cooperative) -> list[Proposal]:
    """The operating budgets the members passed, oldest first: each is in force from the month
    it passed (``result["from"]``) until the next one."""
    return list(
        Proposal.objects.filter(
            coop=coop, kind=Proposal.Kind.BUDGET, status=Proposal.Status.PASSED
        ).order_by("closed_at", "pk")
    )


def budget_in_force(budgets: list[Proposal], month: date) -> Proposal | None:
    """Of ``budgets_adopted``, the one in force in the month starting ``month``."""
    current = None
    for budget in budgets:
        if budget.result.get("from", "") <= month.isoformat():
            current = budget
    return current
