"""The word lists held to a corpus of entries as neighbours write them: no ordinary entry is
ever stopped, and nine in ten of those that bring in outside money or pay for work are."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from fourfold.errors import PrincipleViolation
from fourfold.workflows import money as money_flow

pytestmark = pytest.mark.django_db

C, E, T = "contribution", "expense", "transfer"

# (kind, what the member wrote): for a contribution its description or source, for an
# expense its supplier and description, for a transfer its description.
INNOCENT: list[tuple[str, dict[str, str]]] = [
    (C, {"description": "March share"}),
    (C, {"description": "my share for the Grant Street kitchen"}),
    (C, {"description": "monthly share from my wages"}),
    (C, {"description": "top-up from my savings"}),
    (C, {"source": "salary", "description": "April share"}),
    (C, {"description": "paying back what I owe the pool"}),
    (C, {"description": "my half of the new fridge"}),
    (C, {"description": "cash at the Thursday meeting"}),
    (C, {"description": "benefit payment came in, putting my share in"}),
    (C, {"description": "sold my old bike, putting 20 in"}),
    (C, {"description": "for the jars fund"}),
    (C, {"source": "bank transfer", "description": "May"}),
    (C, {"description": "share for the Grant Road pickup"}),
    (E, {"supplier": "Restaurant Staff Supply Co", "description": "cheesecloth"}),
    (E, {"supplier": "the charity shop on Mill Lane", "description": "charity shop jars"}),
    (E, {"supplier": "Grant Street Dairy", "description": "24 quarts of milk"}),
    (E, {"supplier": "Hilltop Farm", "description": "eggs from the neighbours' hens"}),
    (E, {"supplier": "Lidl", "description": "oven cleaner and sponges"}),
    (E, {"supplier": "St Mary's Church Hall", "description": "hall hire for 3 hours"}),
    (E, {"supplier": "Hertz", "description": "van hire for 2 days"}),
    (E, {"supplier": "Screwfix", "description": "contractor bags for the compost"}),
    (E, {"supplier": "Tipton Farm Shop", "description": "yogurt cultures"}),
    (E, {"supplier": "Grant & Sons Hardware", "description": "thermometer and a ladle"}),
    (E, {"supplier": "Labour Club", "description": "room hire for the AGM"}),
    (E, {"supplier": "British Heart Foundation shop", "description": "second-hand stock pot"}),
    (E, {"supplier": "Donato's Deli", "description": "starter culture"}),
    (E, {"supplier": "City council", "description": "market stall permit"}),
    (E, {"supplier": "Booker Wholesale", "description": "milk and the delivery charge"}),
    (E, {"supplier": "Mill Lane Goat Farm", "description": "nanny goat milk"}),
    (E, {"supplier": "Staffordshire Cheese Supplies", "description": "rennet"}),
    (E, {"supplier": "Council recycling centre", "description": "tip fee for the old fridge"}),
    (E, {"supplier": "KitchenAid spares", "description": "new paddle for the mixer"}),
    (E, {"supplier": "Farmers' market", "description": "honey from the Benefit Street stall"}),
    (E, {"supplier": "Lidl", "description": "paid for cleaning supplies and jar labels"}),
    (E, {"supplier": "Oxfam", "description": "jars from the charity shop"}),
    (E, {"supplier": "Raised Beds Ltd", "description": "raised bed for the herbs"}),
    (E, {"supplier": "Donation Street Bakery", "description": "sourdough starter"}),
    (E, {"supplier": "Village hall", "description": "hall hire at the hourly rate"}),
    (E, {"supplier": "Lidl", "description": "cleaner for the fridge"}),
    (T, {"description": "settling up"}),
    (T, {"description": "my half of the cheesecloth"}),
    (T, {"description": "paying you back for the milk"}),
    (T, {"description": "for the jars you bought at the charity shop"}),
    (T, {"description": "Grant Street rent, my share"}),
    (T, {"description": "evening out after the staff supply order"}),
]

GUILTY: list[tuple[str, dict[str, str]]] = [
    (C, {"description": "bake sale proceeds"}),
    (C, {"source": "GoFundMe"}),
    (C, {"description": "raffle"}),
    (C, {"description": "donation from the church"}),
    (C, {"description": "grant from the council"}),
    (C, {"description": "tips from the market stall"}),
    (C, {"description": "tip jar at the open day"}),
    (C, {"description": "collection at the street party"}),
    (C, {"description": "benefit night at the Fox"}),
    (C, {"description": "Kickstarter backers"}),
    (C, {"description": "money from my mum for the co-op"}),
    (C, {"description": "matched by my employer"}),
    (C, {"description": "sponsorship from the dairy"}),
    (C, {"description": "proceeds from selling yogurt at the farmers market"}),
    (C, {"description": "sold 20 pots to neighbours"}),
    (C, {"description": "charity money for the kitchen"}),
    (C, {"description": "lottery funding"}),
    (C, {"description": "quiz night takings"}),
    (C, {"description": "crowdfunder for the new fridge"}),
    (C, {"description": "paid in on behalf of my neighbour"}),
    (C, {"source": "grant"}),
    (E, {"description": "hourly pay"}),
    (E, {"description": "payment to ana for 3 hours of work"}),
    (E, {"description": "Paid Joe for making the yogurt"}),
    (E, {"supplier": "Kwik Fit", "description": "tip for the mechanic"}),
    (E, {"description": "babysitter during the AGM"}),
    (E, {"supplier": "Sparky Ltd", "description": "electrician's call-out fee"}),
    (E, {"supplier": "Dave", "description": "labour for fitting the sink"}),
    (E, {"description": "wages for the helper"}),
    (E, {"description": "thank-you payment to Maria for all her help"}),
    (E, {"supplier": "bob", "description": "cheese"}),
    (E, {"supplier": "pool", "description": "jars"}),
    (E, {"description": "cash for the lad who helped unload"}),
    (E, {"supplier": "Fresh Events", "description": "day rate for the caterer"}),
    (E, {"description": "paid her to clean the kitchen"}),
    (E, {"description": "stipend for the treasurer"}),
    (E, {"description": "flour for the bake sale"}),
    (E, {"description": "raffle prizes"}),
    (E, {"supplier": "our cleaner", "description": "kitchen deep clean"}),
    (E, {"category": "wages", "description": "Sunday"}),
    (T, {"description": "for babysitting"}),
    (T, {"description": "for covering my shift"}),
    (T, {"description": "for 2 hours of cleaning"}),
    (T, {"description": "passing on the donation from my neighbour"}),
    (T, {"description": "raffle money"}),
]


def _stopped(personas, kind: str, written: dict[str, str]) -> bool:
    """Whether the ledger refuses or asks about the entry (rolled back either way)."""
    fields: dict[str, Any] = {"kind": kind, "amount": "12.00", **written}
    if kind == E:
        fields.setdefault("category", "supplies")
    if kind == T:
        fields["payee"] = "bob"
    try:
        with transaction.atomic():
            money_flow.entry_record(coop=personas.coop, entered_by=personas.alice, **fields)
            transaction.set_rollback(True)
    except PrincipleViolation:
        return True
    return False


def test_the_corpus_has_enough_of_each():
    assert len(INNOCENT) >= 30 and len(GUILTY) >= 30
    assert {kind for kind, _written in INNOCENT} == {C, E, T}
    assert {kind for kind, _written in GUILTY} == {C, E, T}


def test_no_innocent_entry_is_stopped_and_nine_in_ten_of_the_others_are(personas):
    challenged = [written for kind, written in INNOCENT if _stopped(personas, kind, written)]
    missed = [written for kind, written in GUILTY if not _stopped(personas, kind, written)]
    caught = len(GUILTY) - len(missed)
    print(
        f"corpus: {len(INNOCENT)} innocent, {len(challenged)} challenged; "
        f"{len(GUILTY)} guilty, {caught} caught ({caught / len(GUILTY):.0%}); missed {missed}"
    )
    assert challenged == []
    assert caught >= 0.9 * len(GUILTY)
