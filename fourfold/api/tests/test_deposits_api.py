"""The buy-in rule passed through the API, a newcomer's deposit paid and shown apart from the
balance, its return on leaving, and the members beyond the owing limit."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from fourfold.accounts.models import User

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
AT = datetime(2031, 5, 14, 10, tzinfo=NEW_YORK)
LEDGER = "/api/v1/coops/home/ledger"


def _rule(personas, api_client, change: dict) -> None:
    with time_machine.travel(AT - timedelta(days=1), tick=False):
        alice, bob = api_client(personas.alice), api_client(personas.bob)
        opened = alice.post(
            "/api/v1/coops/home/proposals",
            {"kind": "rule_change", "title": "A rule", "change": change},
        )
        assert opened.status_code == 201, opened.json()
        pk = opened.json()["id"]
        for client in (alice, bob):
            voted = client.post(f"/api/v1/coops/home/proposals/{pk}/votes", {"position": "agree"})
            assert voted.status_code == 201, voted.json()


def _newcomer(personas, api_client) -> User:
    dee = User.objects.create_user(username="dee", email="dee@example.org", password="x")
    with time_machine.travel(AT, tick=False):
        invited = api_client(personas.alice).post("/api/v1/coops/home/invitations")
        assert invited.status_code == 201, invited.json()
        joined = api_client(dee).post(f"/api/v1/invitations/{invited.json()['code']}/accept")
        assert joined.status_code in (200, 201), joined.json()
    return dee


def test_a_deposit_is_asked_paid_shown_apart_and_returned_on_leaving(personas, api_client):
    _rule(personas, api_client, {"buy_in": "50"})
    dee = _newcomer(personas, api_client)
    with time_machine.travel(AT, tick=False):
        client = api_client(dee)
        mine = client.get(f"{LEDGER}/deposit").json()
        assert mine["buy_in"] == "50.00" and mine["asked"] == "50.00" and mine["due"] == "50.00"
        too_much = client.post(f"{LEDGER}/deposits", {"amount": "80.00"})
        assert too_much.status_code == 400 and "50.00" in too_much.json()["detail"]
        paid = client.post(f"{LEDGER}/deposits", {}, HTTP_IDEMPOTENCY_KEY="dee-deposit")
        assert paid.status_code == 201, paid.json()
        assert paid.json()["kind"] == "deposit" and paid.json()["amount"] == "50.00"
        again = client.post(f"{LEDGER}/deposits", {}, HTTP_IDEMPOTENCY_KEY="dee-deposit")
        assert again["Idempotent-Replayed"] == "true" and again.json()["id"] == paid.json()["id"]
        assert client.post(f"{LEDGER}/deposits", {}).status_code == 409
        balances = {row["username"]: row for row in client.get(f"{LEDGER}/balances").json()}
        assert (balances["dee"]["balance"], balances["dee"]["deposit"]) == ("0.00", "50.00")
        pool = client.get(f"{LEDGER}/pool").json()
        assert (pool["pool"], pool["deposits"], pool["members_total"]) == ("50.00", "50.00", "0.00")
        assert client.get(f"{LEDGER}/deposit").json()["on_leaving"]["paid_out"] == "50.00"
        assert client.post("/api/v1/coops/home/membership/leave").status_code == 200
        alice = api_client(personas.alice)
        back = alice.get(f"{LEDGER}/transactions", {"kind": "deposit_return"}).json()
        assert [(t["payer"], t["payee"], t["status"]) for t in back] == [("pool", "dee", "pending")]
        confirmed = api_client(personas.bob).post(f"{LEDGER}/transactions/{back[0]['id']}/confirm")
        assert confirmed.status_code == 200, confirmed.json()
        assert alice.get(f"{LEDGER}/pool").json()["deposits"] == "0.00"


def test_the_members_beyond_the_owing_limit(personas, api_client):
    with time_machine.travel(AT - timedelta(days=2), tick=False):
        alice = api_client(personas.alice)
        assert alice.get(f"{LEDGER}/arrears").json() == {
            "currency": "USD",
            "limit": None,
            "count": 0,
            "total": "0.00",
            "members": [],
        }
        spent = alice.post(
            f"{LEDGER}/transactions",
            {
                "kind": "expense",
                "amount": "40.00",
                "category": "ingredients",
                "supplier": "Dairy",
                "split": {"alice": 1, "bob": 1},
            },
        )
        assert spent.status_code == 201, spent.json()
    refused = None
    with time_machine.travel(AT - timedelta(days=2), tick=False):
        refused = api_client(personas.alice).post(
            "/api/v1/coops/home/proposals",
            {"kind": "rule_change", "title": "A limit", "change": {"owing_limit": "-1"}},
        )
    assert refused.status_code == 400 and "Owing limit" in refused.json()["detail"]
    _rule(personas, api_client, {"owing_limit": "15"})
    with time_machine.travel(AT, tick=False):
        assert api_client(personas.bob).get(f"{LEDGER}/arrears").json() == {
            "currency": "USD",
            "limit": "15.00",
            "count": 1,
            "total": "20.00",
            "members": [{"username": "bob", "owed": "20.00"}],
        }
