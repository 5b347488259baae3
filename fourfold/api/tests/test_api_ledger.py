import csv
import io

import pytest

from fourfold.ledger.models import Leg, Transaction
from fourfold.testing import MembershipFactory

pytestmark = pytest.mark.django_db

LEDGER = "/api/v1/coops/home/ledger"


@pytest.fixture
def carol(personas):
    return MembershipFactory(coop=personas.coop, user__username="carol").user


def test_an_expense_split_among_members_moves_their_balances(api_client, personas, carol):
    client = api_client(personas.alice)
    response = client.post(
        f"{LEDGER}/transactions",
        {
            "kind": "expense",
            "amount": "45.00",
            "payer": "alice",
            "category": "ingredients",
            "split": ["alice", "bob", "carol"],
            "description": "cultures",
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["amount"], body["payer"], body["entered_by"]) == (
        "expense",
        "45.00",
        "alice",
        "alice",
    )
    assert isinstance(body["id"], int)
    balances = {row["username"]: row["balance"] for row in client.get(f"{LEDGER}/balances").json()}
    assert balances == {"alice": "30.00", "bob": "-15.00", "carol": "-15.00"}


def test_weights_split_by_units(api_client, personas):
    client = api_client(personas.bob)
    client.post(
        f"{LEDGER}/transactions",
        {
            "kind": "expense",
            "amount": "20.00",
            "category": "ingredients",
            "split": {"alice": "1", "bob": "3"},
        },
    )
    balances = {row["username"]: row["balance"] for row in client.get(f"{LEDGER}/balances").json()}
    assert balances == {"alice": "-5.00", "bob": "5.00"}


def test_a_labour_expense_is_a_principle_violation_and_writes_nothing(api_client, personas):
    response = api_client(personas.alice).post(
        f"{LEDGER}/transactions", {"kind": "expense", "amount": "100", "category": "wages"}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "principle_violation"
    assert response.json()["principle"] == "no_paid_staff"
    assert "no paid staff" in response.json()["detail"]
    assert not Transaction.objects.exists()


def test_a_contribution_from_an_outsider_is_a_principle_violation(api_client, personas):
    response = api_client(personas.alice).post(
        f"{LEDGER}/transactions", {"kind": "contribution", "amount": "100", "payer": "outsider"}
    )
    assert response.status_code == 403
    assert response.json()["principle"] == "self_funded"
    assert not Leg.objects.exists()


def test_a_donation_is_refused(api_client, personas):
    response = api_client(personas.alice).post(
        f"{LEDGER}/transactions", {"kind": "contribution", "amount": "100", "category": "donation"}
    )
    assert response.status_code == 403
    assert response.json()["principle"] == "self_funded"


def test_an_amount_sent_as_a_json_number_is_refused(api_client, personas):
    response = api_client(personas.alice).post(
        f"{LEDGER}/transactions", {"kind": "contribution", "amount": 12.5}
    )
    assert response.status_code in {400, 422}


def test_the_same_idempotency_key_posts_once(api_client, personas):
    client = api_client(personas.alice)
    payload = {"kind": "contribution", "amount": "20.00"}
    first = client.post(f"{LEDGER}/transactions", payload, HTTP_IDEMPOTENCY_KEY="abc")
    second = client.post(f"{LEDGER}/transactions", payload, HTTP_IDEMPOTENCY_KEY="abc")
    assert first.json()["id"] == second.json()["id"]
    assert second["Idempotent-Replayed"] == "true"
    assert Transaction.objects.count() == 1
    other = client.post(
        f"{LEDGER}/transactions", {**payload, "amount": "21.00"}, HTTP_IDEMPOTENCY_KEY="abc"
    )
    assert other.status_code == 409


def test_reversing_restores_balances_and_twice_is_refused(api_client, personas):
    client = api_client(personas.alice)
    posted = client.post(
        f"{LEDGER}/transactions", {"kind": "transfer", "amount": "7.00", "payee": "bob"}
    ).json()
    assert (posted["status"], posted["awaiting"], posted["legs"]) == ("pending", ["bob"], [])
    confirmed = api_client(personas.bob).post(f"{LEDGER}/transactions/{posted['id']}/confirm")
    assert confirmed.status_code == 200
    assert (confirmed.json()["status"], confirmed.json()["awaiting"]) == ("posted", [])
    # Alice's own entry, but it names Bob: reversing it waits for him.
    request = client.post(f"{LEDGER}/transactions/{posted['id']}/reverse", {"reason": "oops"})
    assert request.status_code == 201
    assert request.json()["kind"] == "reversal_request"
    assert (request.json()["status"], request.json()["awaiting"]) == ("pending", ["bob"])
    assert request.json()["reversal_of"] == posted["id"]
    declined = api_client(personas.bob).post(
        f"{LEDGER}/transactions/{request.json()['id']}/decline", {"reason": "it was right"}
    )
    assert declined.json()["status"] == "declined"
    assert "it was right" in declined.json()["status_reason"]
    assert {row["balance"] for row in client.get(f"{LEDGER}/balances").json()} == {
        "7.00",
        "-7.00",
    }
    again = client.post(f"{LEDGER}/transactions/{posted['id']}/reverse")
    api_client(personas.bob).post(f"{LEDGER}/transactions/{again.json()['id']}/confirm")
    response = client.get(f"{LEDGER}/transactions?kind=reversal")
    [reversal] = response.json()
    assert reversal["reverses"] == posted["id"]
    assert {row["balance"] for row in client.get(f"{LEDGER}/balances").json()} == {"0.00"}
    assert client.post(f"{LEDGER}/transactions/{posted['id']}/reverse").status_code == 409
    assert (
        client.get(f"{LEDGER}/transactions/{posted['id']}").json()["reversed_by"] == reversal["id"]
    )


def test_your_own_entry_naming_nobody_else_is_reversed_at_once(api_client, personas):
    client = api_client(personas.alice)
    posted = client.post(f"{LEDGER}/transactions", {"kind": "contribution", "amount": "7"}).json()
    assert posted["status"] == "posted"
    response = client.post(
        f"{LEDGER}/transactions/{posted['id']}/reverse", {"reason": "wrong person"}
    )
    assert response.status_code == 201
    assert response.json()["reverses"] == posted["id"]
    assert response.json()["status"] == "posted"
    assert {row["balance"] for row in client.get(f"{LEDGER}/balances").json()} == {"0.00"}
    assert client.post(f"{LEDGER}/transactions/{posted['id']}/reverse").status_code == 409


def test_settlement_plan_and_recording_it(api_client, personas, carol):
    client = api_client(carol)
    entered = client.post(
        f"{LEDGER}/transactions",
        {
            "kind": "expense",
            "amount": "10.00",
            "payer": "alice",
            "category": "supplies",
            "split": ["alice", "bob", "carol"],
        },
    ).json()
    alice = api_client(personas.alice)
    alice.post(f"{LEDGER}/transactions/{entered['id']}/confirm")
    plan = client.get(f"{LEDGER}/settlement").json()
    assert {(t["from"], t["to"]) for t in plan["transfers"]} == {
        ("bob", "alice"),
        ("carol", "alice"),
    }
    assert sorted(t["amount"] for t in plan["transfers"]) == ["3.33", "3.33"] or sorted(
        t["amount"] for t in plan["transfers"]
    ) == ["3.33", "3.34"]
    # Each records their own part; it moves once Alice confirms it reached her.
    assert alice.post(f"{LEDGER}/settlement").status_code == 409
    paid = [
        client.post(f"{LEDGER}/settlement"),
        api_client(personas.bob).post(f"{LEDGER}/settlement"),
    ]
    assert [r.status_code for r in paid] == [201, 201]
    transfers = [t for r in paid for t in r.json()["transfers"]]
    assert [(t["payer"], t["payee"], t["status"]) for t in transfers] == [
        ("carol", "alice", "pending"),
        ("bob", "alice", "pending"),
    ]
    waiting = alice.get(f"{LEDGER}/waiting").json()
    assert [t["id"] for t in waiting] == [t["id"] for t in transfers]
    for transfer in transfers:
        alice.post(f"{LEDGER}/transactions/{transfer['id']}/confirm")
    assert {row["balance"] for row in client.get(f"{LEDGER}/balances").json()} == {"0.00"}
    assert client.get(f"{LEDGER}/settlement").json()["transfers"] == []


def test_transactions_are_filtered_and_paginated(api_client, personas):
    client = api_client(personas.alice)
    for amount in ("1", "2", "3"):
        client.post(f"{LEDGER}/transactions", {"kind": "contribution", "amount": amount})
    client.post(
        f"{LEDGER}/transactions",
        {"kind": "expense", "amount": "4", "payer": "bob", "category": "space"},
    )
    page = client.get(f"{LEDGER}/transactions?kind=contribution&limit=2")
    assert [t["amount"] for t in page.json()] == ["3.00", "2.00"]
    assert page["X-Total-Count"] == "3"
    assert [t["kind"] for t in client.get(f"{LEDGER}/transactions?member=bob").json()] == [
        "expense"
    ]
    assert client.get(f"{LEDGER}/transactions?member=nobody").status_code == 404


def test_statement_has_a_running_balance(api_client, personas):
    client = api_client(personas.alice)
    client.post(f"{LEDGER}/transactions", {"kind": "contribution", "amount": "20"})
    to_bob = client.post(
        f"{LEDGER}/transactions", {"kind": "transfer", "amount": "5", "payee": "bob"}
    ).json()
    # Waiting for Bob, the transfer is no line of the statement yet.
    assert len(client.get(f"{LEDGER}/statement").json()) == 1
    api_client(personas.bob).post(f"{LEDGER}/transactions/{to_bob['id']}/confirm")
    lines = client.get(f"{LEDGER}/statement").json()
    assert [(line["amount"], line["balance"]) for line in lines] == [
        ("5.00", "25.00"),
        ("20.00", "20.00"),
    ]


def test_csv_exports(api_client, personas):
    client = api_client(personas.alice)
    client.post(
        f"{LEDGER}/transactions",
        {"kind": "contribution", "amount": "20", "description": "pay-in, with comma"},
    )
    rows = list(
        csv.DictReader(io.StringIO(client.get(f"{LEDGER}/transactions.csv").content.decode()))
    )
    assert {row["account"] for row in rows} == {"alice", "pool"}
    assert rows[0]["description"] == "pay-in, with comma"
    balances = list(
        csv.DictReader(io.StringIO(client.get(f"{LEDGER}/balances.csv").content.decode()))
    )
    assert {(row["username"], row["balance"]) for row in balances} == {
        ("alice", "20.00"),
        ("bob", "0.00"),
    }


def test_the_pool_summary_shows_the_books_balance(api_client, personas):
    client = api_client(personas.alice)
    client.post(f"{LEDGER}/transactions", {"kind": "contribution", "amount": "20"})
    from_the_pool = client.post(
        f"{LEDGER}/transactions",
        {"kind": "expense", "amount": "5", "payer": "pool", "category": "equipment"},
    ).json()
    assert from_the_pool["awaiting"] == ["a second member"]
    assert client.get(f"{LEDGER}/pool").json()["pool"] == "20.00"
    # Alice entered it: only another member can be the pool's second pair of eyes.
    assert client.post(f"{LEDGER}/transactions/{from_the_pool['id']}/confirm").status_code == 409
    api_client(personas.bob).post(f"{LEDGER}/transactions/{from_the_pool['id']}/confirm")
    assert client.get(f"{LEDGER}/pool").json() == {
        "currency": "USD",
        "pool": "15.00",
        "unallocated": "5.00",
        "deposits": "0.00",
        "members_total": "20.00",
    }


@pytest.mark.parametrize("count", [3, 30])
def test_listing_transactions_costs_the_same_queries_at_any_size(
    api_client, personas, count, django_assert_max_num_queries
):
    client = api_client(personas.alice)
    for _ in range(count):
        client.post(
            f"{LEDGER}/transactions",
            {"kind": "expense", "amount": "3", "category": "supplies", "split": ["alice", "bob"]},
        )
    with django_assert_max_num_queries(6):
        assert len(client.get(f"{LEDGER}/transactions").json()) == 2 * count


def test_an_expense_above_the_limit_names_the_spending_proposal_it_draws_on(api_client, personas):
    from fourfold.workflows import decisions as decisions_flow

    personas.coop.spending_limit = "100"
    personas.coop.save()
    client = api_client(personas.alice)
    payload = {"kind": "expense", "amount": "120.00", "category": "equipment", "split": ["bob"]}
    refused = client.post(f"{LEDGER}/transactions", payload)
    assert refused.status_code == 403
    assert refused.json()["code"] == "principle_violation"
    pot = decisions_flow.proposal_open(
        coop=personas.coop, by=personas.bob, kind="spending", title="Big pot", amount="120"
    )
    for member in (personas.alice, personas.bob):
        decisions_flow.vote_cast(proposal=pot, member=member, position="agree")
    posted = client.post(f"{LEDGER}/transactions", {**payload, "proposal": pot.pk})
    assert posted.status_code == 201
    assert posted.json()["approval"] == pot.pk
    again = client.post(f"{LEDGER}/transactions", {**payload, "proposal": pot.pk})
    assert again.status_code == 403
    assert "$0.00 of it is left" in again.json()["detail"]


def test_an_entry_shows_its_history_who_entered_confirmed_and_reversed_it(api_client, personas):
    alice, bob = api_client(personas.alice), api_client(personas.bob)
    entry = alice.post(
        f"{LEDGER}/transactions", {"kind": "transfer", "amount": "4.00", "payee": "bob"}
    ).json()
    bob.post(f"{LEDGER}/transactions/{entry['id']}/confirm")
    request = bob.post(f"{LEDGER}/transactions/{entry['id']}/reverse", {"reason": "cash back"})
    alice.post(f"{LEDGER}/transactions/{request.json()['id']}/confirm")
    history = alice.get(f"{LEDGER}/transactions/{entry['id']}").json()["history"]
    assert [(row["actor"], row["action"]) for row in history] == [
        ("alice", "ledger.transfer"),
        ("bob", "ledger.confirmed"),
        ("bob", "ledger.posted"),
        ("bob", "ledger.reversal_requested"),
        ("alice", "ledger.confirmed"),
        ("bob", "ledger.reversal"),
    ]
    assert history[0]["summary"] == "alice recorded a transfer of $4.00, waiting for bob"
