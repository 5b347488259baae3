"""Ending early by proposal, as the API shows it (#14): a spread expense says when and how the
members ended it and by which proposal; so does a regular cost."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

pytestmark = pytest.mark.django_db

HOME = "/api/v1/coops/home"
# A fixed today, years from the real one.
TODAY = datetime(2031, 3, 10, 12, tzinfo=ZoneInfo("America/New_York"))
STAND = {
    "kind": "expense",
    "amount": "240.00",
    "category": "equipment",
    "supplier": "Hardware store",
    "description": "A stand",
    "spread": {"batches": 12},
}
RENT = {
    "amount": "800.00",
    "category": "space",
    "description": "Kitchen rent",
    "supplier": "Main Street Hall",
    "payer": "bob",
    "cadence": "monthly on the 1st",
    "starts": "2031-04-01",
}


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


def _passed(api_client, personas, change: dict) -> int:
    """A proposal both members open and agree to: it closes at once and applies itself."""
    opened = api_client(personas.alice).post(f"{HOME}/proposals", {"title": "", **change})
    assert opened.status_code == 201, opened.json()
    number = opened.json()["id"]
    for member in (personas.alice, personas.bob):
        voted = api_client(member).post(f"{HOME}/proposals/{number}/votes", {"position": "agree"})
        assert voted.status_code in (200, 201), voted.json()
    return number


@pytest.mark.parametrize(("rest", "remaining"), [("next_batch", "240.00"), ("write_off", "0.00")])
def test_a_spread_says_it_was_ended_early_by_which_proposal(api_client, personas, rest, remaining):
    client = api_client(personas.alice)
    created = client.post(f"{HOME}/ledger/transactions", STAND)
    assert created.status_code == 201, created.json()
    assert created.json()["spread"]["ended"] is None
    entry = created.json()["id"]

    proposal = _passed(
        api_client,
        personas,
        {"kind": "spread_end", "change": {"transaction": entry, "rest": rest}},
    )

    spread = client.get(f"{HOME}/ledger/transactions/{entry}").json()["spread"]
    assert spread["ended"] == {"on": "2031-03-10", "rest": rest, "proposal": proposal}
    # Sent to the next batch, the rest waits for it; written off, nothing is left to charge.
    assert spread["remaining"] == remaining
    listed = client.get(f"{HOME}/ledger/transactions").json()
    assert next(row for row in listed if row["id"] == entry)["spread"]["ended"]["rest"] == rest


def test_a_regular_cost_says_the_members_ended_it(api_client, personas):
    rent = api_client(personas.alice).post(f"{HOME}/ledger/recurring", RENT).json()
    assert (rent["ended_by"], rent["ended_by_proposal"]) == (None, None)

    proposal = _passed(
        api_client, personas, {"kind": "recurring_end", "change": {"recurring": rent["id"]}}
    )

    [listed] = api_client(personas.bob).get(f"{HOME}/ledger/recurring").json()
    assert listed["ended_at"] is not None and listed["next_period"] is None
    assert (listed["ended_by"], listed["ended_by_proposal"]) == (None, proposal)


def test_a_regular_cost_its_payer_ended_names_them_and_no_proposal(api_client, personas):
    rent = api_client(personas.alice).post(f"{HOME}/ledger/recurring", RENT).json()
    ended = api_client(personas.bob).post(f"{HOME}/ledger/recurring/{rent['id']}/end").json()
    assert (ended["ended_by"], ended["ended_by_proposal"]) == ("bob", None)


def test_the_openapi_document_describes_the_endings(api_client, personas):
    schemas = api_client(personas.alice).get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert set(schemas["SpreadEndedOut"]["properties"]) == {"on", "rest", "proposal"}
    assert "ended" in schemas["SpreadOut"]["properties"]
    assert {"ended_by", "ended_by_proposal"} <= set(schemas["RecurringOut"]["properties"])
