"""GET …/ledger/budget, a budget proposed and passed through the API, and its refusal."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
AT = datetime(2031, 5, 14, 10, tzinfo=NEW_YORK)


def _adopt(personas, api_client):
    with time_machine.travel(AT - timedelta(days=1), tick=False):
        # Tokens issued at the instant the test travels to: they expire like real ones.
        alice, bob = api_client(personas.alice), api_client(personas.bob)
        opened = alice.post(
            "/api/v1/coops/home/proposals",
            {
                "kind": "budget",
                "title": "May's budget",
                "change": {"period": "month", "lines": [{"category": "supplies", "amount": "40"}]},
            },
        )
        assert opened.status_code == 201, opened.json()
        pk = opened.json()["id"]
        for client in (alice, bob):
            voted = client.post(f"/api/v1/coops/home/proposals/{pk}/votes", {"position": "agree"})
            assert voted.status_code == 201, voted.json()


def test_the_budget_passes_applies_and_reports(personas, api_client):
    _adopt(personas, api_client)
    with time_machine.travel(AT, tick=False):
        alice = api_client(personas.alice)
        spent = alice.post(
            "/api/v1/coops/home/ledger/transactions",
            {"kind": "expense", "amount": "15.50", "category": "supplies", "supplier": "Shop"},
        )
        assert spent.status_code == 201, spent.json()
        refused = alice.post(
            "/api/v1/coops/home/ledger/transactions",
            {"kind": "expense", "amount": "24.51", "category": "supplies", "supplier": "Shop"},
        )
        answer = alice.get("/api/v1/coops/home/ledger/budget")
        april = alice.get("/api/v1/coops/home/ledger/budget?month=2031-04")
    assert refused.status_code == 403, refused.json()
    assert refused.json()["code"] == "principle_violation"
    assert "24.50 of it is left" in refused.json()["detail"]
    body = answer.json()
    assert answer.status_code == 200
    assert body["period"] == "2031-05"
    assert body["lines"] == [
        {"category": "supplies", "amount": "40.00", "spent": "15.50", "remaining": "24.50"}
    ]
    assert body["currency"] == "USD"
    assert april.json()["period"] == "2031-04" and april.json()["lines"] == []


@pytest.mark.parametrize("month", ["2031-13", "may", "2031-5"])
def test_a_month_it_cannot_read_is_a_400(personas, api_client, month):
    answer = api_client(personas.alice).get(f"/api/v1/coops/home/ledger/budget?month={month}")
    assert answer.status_code in (400, 422)
    assert "detail" in answer.json()


def test_another_co_ops_budget_is_a_404(personas, api_client):
    assert api_client(personas.outsider).get("/api/v1/coops/home/ledger/budget").status_code == 404


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([], "at least one line"),
        ([{"category": "supplies", "amount": "-5"}], ""),
        ([{"category": "supplies", "amount": "0"}], ""),
        (
            [
                {"category": "supplies", "amount": "5"},
                {"category": "Supplies", "amount": "6"},
            ],
            "has two lines",
        ),
        ([{"category": "moonbeams", "amount": "5"}], ""),
    ],
)
def test_a_budget_the_rules_refuse_is_refused_by_name(personas, api_client, lines, message):
    with time_machine.travel(AT, tick=False):
        answer = api_client(personas.alice).post(
            "/api/v1/coops/home/proposals",
            {"kind": "budget", "title": "Budget", "change": {"period": "month", "lines": lines}},
        )
    # A rule refused, as every Invalid is in this API: 400 naming the field (422 is kept
    # for a body that does not fit the schema).
    assert answer.status_code == 400, answer.json()
    assert answer.json()["field"] == "change"
    assert message in str(answer.json())
