"""Decisions that reach other domains: a passed proposal applies itself (governance), and
what it changed follows: the batches follow new production rules (production), a member
removed by vote stops consuming and producing (consumption, production)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from fourfold.accounts.models import User
from fourfold.coops.models import Membership
from fourfold.coops.selectors import coop_today
from fourfold.governance import closing as governance_closing
from fourfold.governance import services as governance
from fourfold.governance import votes as governance_votes
from fourfold.governance.models import Proposal, Vote
from fourfold.workflows import production as production_flow
from fourfold.workflows.membership import roles_follow
from fourfold.workflows.tasks import schedule_close

PRODUCTION_RULES = {"target_quantity", "producers_per_batch", "cadence"}


def _follow(proposal: Proposal, now: datetime) -> None:
    if proposal.status != Proposal.Status.PASSED:
        return
    coop = proposal.coop
    if proposal.kind == Proposal.Kind.RULE_CHANGE:
        if set(proposal.result.get("after", {})) & PRODUCTION_RULES:
            production_flow.batches_follow_rules(coop=coop, today=coop_today(coop, now=now))
    elif proposal.kind == Proposal.Kind.REMOVE_MEMBER:
        removed = Membership.objects.filter(
            coop=coop, user=proposal.subject, status=Membership.Status.LEFT, removed_at=now
        ).exists()
        if removed and proposal.subject is not None:
            roles_follow(coop=coop, member=proposal.subject, status=Membership.Status.LEFT)


def proposal_close(*, proposal: Proposal, now: datetime | None = None) -> Proposal:
    """Close a proposal (governance) and let what passed take effect in the other domains."""
    now = now or timezone.now()
    with transaction.atomic():
        # Closing twice does nothing the second time, here too: the row lock makes two closers
        # queue, and only the one that finds it open lets it take effect.
        was_open = (
            Proposal.objects.select_for_update()
            .filter(pk=proposal.pk, status=Proposal.Status.OPEN)
            .exists()
        )
        proposal = governance_closing.proposal_close(proposal=proposal, now=now)
        if was_open:
            _follow(proposal, now)
    return proposal


def close_due_proposals(*, now: datetime | None = None) -> list[Proposal]:
    """Close every open proposal whose deadline has passed. Safe to run again and again."""
    now = now or timezone.now()
    due = Proposal.objects.filter(status=Proposal.Status.OPEN, closes_at__lte=now)
    return [proposal_close(proposal=p, now=now) for p in due.order_by("closes_at", "pk")]


def vote_cast(*, proposal: Proposal, member: User, now: datetime | None = None, **fields) -> Vote:
    """Vote (governance); the last vote of everyone who can vote closes the proposal at once."""
    now = now or timezone.now()
    vote = governance_votes.vote_cast(proposal=proposal, member=member, now=now, **fields)
    # Fresh from the database: the caller's object may carry votes prefetched before this one.
    fresh = Proposal.objects.select_related("coop").get(pk=proposal.pk)
    if governance_votes.everyone_voted(fresh):
        proposal_close(proposal=fresh, now=now)
    return vote


def proposal_open(**fields) -> Proposal:
    """``governance.services.proposal_open`` (same arguments), its closing task queued."""
    with transaction.atomic():
        proposal = governance.proposal_open(**fields)
        schedule_close(proposal.closes_at)
    return proposal
