"""Reads about governance: proposals, the live tally, the decision log, the facilitator."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from fourfold.coops.models import Cooperative
from fourfold.governance.models import FacilitatorDuty, Proposal, Vote
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
    """What the live expenses drawing on a spending approval add up to (a reversed expense
    gives its part back), in minor units."""
    return Sum(
        "expenses__amount_minor",
        filter=Q(expenses__kind="expense", expenses__reversed_by__isnull=True),
        default=0,
    )


def approval_left(approval: Proposal) -> Decimal:
    """What a passed spending proposal still approves: its amount less what is spent of it."""
    spent = Proposal.objects.filter(pk=approval.pk).aggregate(spent=_spent_minor())["spent"]
    return approval.amount - from_minor(spent, approval.coop.currency)


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
        if (left := proposal.amount - from_minor(proposal.spent, coop.currency)) > 0
    ]
