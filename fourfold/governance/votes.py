"""Votes and proxies on an open proposal, and the tally so far."""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fourfold.accounts.models import User
from fourfold.coops.audit import audit_record
from fourfold.coops.models import Cooperative
from fourfold.coops.selectors import coop_today, is_active_member
from fourfold.coops.services import member_require_active
from fourfold.errors import Conflict, Invalid, NotFound
from fourfold.governance import selectors
from fourfold.governance.models import Proposal, Proxy, Vote
from fourfold.lib.dates import date_within_reach


def vote_cast(
    *,
    proposal: Proposal,
    member: User,
    position: str = "",
    reason: str = "",
    ranking: list | None = None,
    now: datetime | None = None,
) -> Vote:
    """Vote, or change your vote, until the proposal closes. One vote per member. The last
    vote closing it at once is ``workflows.decisions.vote_cast``'s."""
    now = now or timezone.now()
    coop = proposal.coop
    member_require_active(coop=coop, user=member, action=_("vote"), principle="flat")
    if ranking and proposal.kind != Proposal.Kind.CHOICE:
        raise Invalid(
            _("Only a choice between options is ranked; vote agree, abstain, disagree or block."),
            field="ranking",
        )
    if proposal.kind == Proposal.Kind.CHOICE:
        ranking = [str(o) for o in (ranking or [])]
        if not ranking or len(set(ranking)) != len(ranking) or set(ranking) - set(proposal.options):
            raise Invalid(_("Rank some of the options, each once."), field="ranking")
        position = ""
    else:
        if position not in Vote.Position.values:
            raise Invalid(_("Choose agree, abstain, disagree or block."), field="position")
        ranking = []
    if proposal.kind == Proposal.Kind.REMOVE_MEMBER and proposal.subject_id == member.pk:
        # Else one block from the member concerned would decide it, every time.
        raise Conflict(_("The members decide your removal without your vote."))
    try:
        with transaction.atomic():
            locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
            if locked.status != Proposal.Status.OPEN or locked.closes_at <= now:
                raise Conflict(_("This proposal is closed."))
            vote, _created = Vote.objects.update_or_create(
                proposal=locked,
                member=member,
                defaults={
                    "position": position,
                    "ranking": ranking,
                    "reason": reason[:1000],
                    "cast_at": now,
                },
            )
            audit_record(
                coop=coop,
                actor=member,
                action="governance.voted",
                at=now,
                proposal=locked.pk,
                position=position,
            )
    except IntegrityError:
        # Two first votes raced; the constraint kept one row. Apply this one to it.
        vote = Vote.objects.get(proposal=proposal, member=member)
        vote.position, vote.ranking, vote.reason, vote.cast_at = (
            position,
            ranking,
            reason[:1000],
            now,
        )
        vote.save()
    return vote


def proxy_grant(
    *,
    coop: Cooperative,
    giver: User,
    holder: User,
    proposal: Proposal | None = None,
    until: date | None = None,
) -> Proxy:
    """Let ``holder`` vote for you on ``proposal`` (or on all, until ``until``)."""
    member_require_active(coop=coop, user=giver, action=_("name a proxy"), principle="flat")
    if not is_active_member(coop=coop, user=holder):
        raise Invalid(_("Your proxy must be an active member."), field="holder")
    if giver == holder:
        raise Invalid(_("Name another member."), field="holder")
    if proposal is None and until is None:
        raise Invalid(_("Name a proposal or a last day."), field="until")
    if until is not None:
        today = coop_today(coop)
        if until < today:
            raise Invalid(_("The last day is already past; choose today or later."), field="until")
        try:
            date_within_reach(until, today=today)
        except ValueError as error:
            raise Invalid(str(error), field="until") from error
    try:
        with transaction.atomic():
            proxy = Proxy.objects.create(
                coop=coop,
                giver=giver,
                holder=holder,
                proposal=proposal,
                until=until,
                created_at=timezone.now(),
            )
            audit_record(
                coop=coop,
                actor=giver,
                action="governance.proxy_given",
                at=proxy.created_at,
                holder=holder.pk,
                proposal=proposal.pk if proposal else None,
                until=until.isoformat() if until else None,
            )
            return proxy
    except IntegrityError as error:
        raise Conflict(
            _(
                "A member holds one proxy at a time, and gives one at a time; "
                "revoke the other first."
            )
        ) from error


def proxy_revoke(*, coop: Cooperative, giver: User) -> None:
    now = timezone.now()
    with transaction.atomic():
        updated = Proxy.objects.filter(coop=coop, giver=giver, revoked_at__isnull=True).update(
            revoked_at=now
        )
        if not updated:
            raise NotFound(_("You have no proxy to revoke."))
        audit_record(coop=coop, actor=giver, action="governance.proxy_revoked", at=now)


def tally(proposal: Proposal, now: datetime | None = None) -> dict:
    """Who voted how, counting a proxy's vote for the absent member who named them (one
    proposal's batched tally: ``selectors.tallies`` counts many at once)."""
    return selectors.tallies(proposals=[proposal], now=now)[proposal.pk].as_dict()


def everyone_voted(proposal: Proposal) -> bool:
    counts = tally(proposal)
    return counts["eligible"] > 0 and counts["voted"] >= counts["eligible"]
