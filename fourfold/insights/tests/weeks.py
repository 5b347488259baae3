"""A member's week with one of everything in it, built as members would have: for the week's
tests here and on its API and page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from fourfold.accounts.models import User
from fourfold.consumption import services as consumption
from fourfold.consumption.models import Allocation, Reservation
from fourfold.coops.models import Cooperative
from fourfold.governance.models import Proposal
from fourfold.ledger.models import Transaction
from fourfold.production import swaps
from fourfold.production.models import Batch, Shift
from fourfold.testing import MembershipFactory, Personas
from fourfold.workflows import decisions as decisions_flow
from fourfold.workflows import money as money_flow

# A Wednesday morning in New York (the factories' zone): the week runs Wed 17 to Tue 23 June.
NOW = "2026-06-17T14:30:00+00:00"
TODAY = date(2026, 6, 17)


@dataclass
class AliceWeek:
    coop: Cooperative
    alice: User
    bob: User
    shift: Shift  # Sunday's, Alice's, with Bob
    swap_batch: Batch  # Saturday's, whose shift Bob offers
    take_batch: Batch  # Sunday's: Alice takes her standing share of it
    made: Batch  # last Sunday's, Alice's share not collected yet
    entry: Transaction  # Bob's transfer from Alice, waiting for her
    proposal: Proposal  # open, Alice has not voted


def planned(coop: Cooperative, day: date, *producers: User) -> Batch:
    batch = Batch.objects.create(coop=coop, date=day, planned_quantity=coop.target_quantity)
    for slot, member in enumerate(producers):
        Shift.objects.create(batch=batch, slot=slot, member=member)
    return batch


def made(coop: Cooperative, day: date, shares: dict[User, int]) -> Batch:
    batch = Batch.objects.create(
        coop=coop,
        date=day,
        planned_quantity=coop.target_quantity,
        made_quantity=coop.target_quantity,
        status=Batch.Status.MADE,
    )
    for member, units in shares.items():
        Allocation.objects.create(batch=batch, member=member, requested=units, units=units)
    return batch


def alice_week(personas: Personas) -> AliceWeek:
    """Alice's week in Home Co-op holds one item of each kind; beside them are things that
    are not hers (Bob's share to collect, a vote she cast), not this week's (a shift the
    Sunday after, a share collected) or not her co-op's (Elsewhere's shift on offer)."""
    coop, alice, bob = personas.coop, personas.alice, personas.bob
    carol = MembershipFactory(coop=coop, user__username="carol").user
    consumption.share_set(coop=coop, member=alice, units=2)
    consumption.share_set(coop=coop, member=bob, units=1)
    swap_batch = planned(coop, TODAY + timedelta(days=3), bob, carol)
    Reservation.objects.create(batch=swap_batch, member=alice, units=0, updated_at=timezone.now())
    swaps.swap_offer(shift=swap_batch.shifts.get(member=bob), by=bob)
    take_batch = planned(coop, TODAY + timedelta(days=4), alice, bob)
    planned(coop, TODAY + timedelta(days=11), alice, carol)
    last_sunday = made(coop, TODAY - timedelta(days=3), {alice: 2, bob: 1})
    collected = made(coop, TODAY - timedelta(days=2), {alice: 1})
    Allocation.objects.filter(batch=collected).update(collected_at=timezone.now())
    made(coop, TODAY - timedelta(days=10), {alice: 2})  # its pick-up days are over
    money_flow.expense_post(
        coop=coop,
        payer=bob,
        amount="20.00",
        category="ingredients",
        supplier="Valley Farm",
        description="milk",
        entered_by=bob,
        split={alice: Decimal(1), bob: Decimal(1)},
    )
    entry = money_flow.entry_record(
        coop=coop,
        entered_by=bob,
        kind="transfer",
        amount="5.00",
        payer="alice",
        payee="bob",
        description="jars",
    )
    proposal = decisions_flow.proposal_open(
        coop=coop, by=bob, kind="general", title="Buy a second pot"
    )
    voted = decisions_flow.proposal_open(coop=coop, by=bob, kind="general", title="Add vanilla")
    decisions_flow.vote_cast(proposal=voted, member=alice, position="agree")
    elsewhere = personas.other_coop
    stranger = MembershipFactory(coop=elsewhere, user__username="stranger").user
    theirs = planned(elsewhere, TODAY + timedelta(days=2), personas.outsider, stranger)
    swaps.swap_offer(shift=theirs.shifts.get(member=stranger), by=stranger)
    decisions_flow.proposal_open(coop=elsewhere, by=stranger, kind="general", title="Elsewhere")
    return AliceWeek(
        coop=coop,
        alice=alice,
        bob=bob,
        shift=take_batch.shifts.get(member=alice),
        swap_batch=swap_batch,
        take_batch=take_batch,
        made=last_sunday,
        entry=entry,
        proposal=proposal,
    )


# The fixtures the week's tests share: ``travel`` to NOW, and Alice's week built there.
@pytest.fixture
def travel():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def scene(travel, personas):
    return alice_week(personas)
