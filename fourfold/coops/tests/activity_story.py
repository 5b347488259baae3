"""A co-op's first hour, through the services as its members would live it: the activity tests
of the selector, the API and the page read it back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import time_machine

from fourfold.accounts.models import User
from fourfold.coops.models import AuditEvent, Cooperative
from fourfold.coops.services import CoopFields, coop_found, invitation_create
from fourfold.governance.models import Proposal
from fourfold.testing import MembershipFactory, UserFactory
from fourfold.workflows import decisions as decisions_flow
from fourfold.workflows import membership as membership_flow
from fourfold.workflows import money as money_flow

# Monday 1 June 2026, 13:00 in Somerville: each step of the story a minute after the last.
STORY_START = datetime(2026, 6, 1, 17, 0, tzinfo=UTC)

# (action, actor, summary), oldest first.
STORY = [
    ("coop.founded", "dee", "dee founded the co-op"),
    ("invitation.created", "dee", "dee created an invitation link"),
    ("membership.joined", "eli", "eli accepted an invitation to join"),
    ("ledger.contribution", "eli", "eli recorded a contribution of $20.00"),
    ("governance.opened", "dee", "dee proposed a general decision (#{proposal})"),
    ("governance.voted", "eli", "eli agreed to proposal #{proposal}"),
]


@dataclass
class Story:
    coop: Cooperative
    dee: User
    eli: User
    proposal: Proposal


def coop_fields(slug: str = "somerville") -> CoopFields:
    return CoopFields(
        slug=slug,
        name="Somerville Yogurt Cooperative",
        product="yogurt",
        unit="quart",
        cadence="FREQ=WEEKLY;BYDAY=SU",
        target_quantity=20,
        producers_per_batch=2,
        currency="USD",
        commercial_unit_price=Decimal("6.50"),
        diy_minutes_per_unit=Decimal("30"),
        timezone="America/New_York",
    )


def tell_the_story(slug: str = "somerville") -> Story:
    """Dee founds the co-op and invites Eli; Eli joins and pays in; Dee opens a proposal and
    Eli votes for it (not everyone has voted, so it stays open)."""
    dee = UserFactory(username="dee")
    eli = UserFactory(username="eli")
    with time_machine.travel(STORY_START, tick=False) as clock:
        coop = coop_found(founder=dee, fields=coop_fields(slug))
        clock.shift(timedelta(minutes=1))
        invitation = invitation_create(coop=coop, by=dee)
        clock.shift(timedelta(minutes=1))
        membership_flow.invitation_accept(code=invitation.code, user=eli)
        clock.shift(timedelta(minutes=1))
        money_flow.entry_record(coop=coop, entered_by=eli, kind="contribution", amount="20.00")
        clock.shift(timedelta(minutes=1))
        proposal = decisions_flow.proposal_open(
            coop=coop, by=dee, kind="general", title="Try maple syrup"
        )
        clock.shift(timedelta(minutes=1))
        # A third member, so that Eli's vote does not close the proposal by itself.
        MembershipFactory(coop=coop, user__username="carol")
        decisions_flow.vote_cast(proposal=proposal, member=eli, position="agree")
    return Story(coop=coop, dee=dee, eli=eli, proposal=proposal)


def expected(story: Story) -> list[tuple[str, str, str]]:
    """The story's rows as the activity shows them, newest first."""
    return [
        (action, actor, summary.format(proposal=story.proposal.pk))
        for action, actor, summary in reversed(STORY)
    ]


def more_events(coop: Cooperative, actor: User, count: int) -> None:
    """``count`` rows more, each a contribution of its own, a minute apart after the story."""
    AuditEvent.objects.bulk_create(
        AuditEvent(
            coop=coop,
            actor=actor,
            action="ledger.contribution",
            data={"transaction": 1000 + index, "amount": "5.00"},
            at=STORY_START + timedelta(hours=1, minutes=index),
        )
        for index in range(count)
    )
