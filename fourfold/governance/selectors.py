"""Reads about governance: proposals, the live tally, the decision log, the facilitator."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet

from fourfold.coops.models import Cooperative
from fourfold.governance.models import FacilitatorDuty, Proposal, Vote


def proposals(*, coop: Cooperative, status: str | None = None) -> QuerySet[Proposal]:
    items = Proposal.objects.filter(coop=coop)
    if status:
        items = items.filter(status=status)
    votes = Vote.objects.select_related("member").order_by("member__username")
    return (
        items.select_related("opened_by", "subject")
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
