"""POST …/ledger/transactions/{id}/flag: any member flags an entry as breaking a principle,
which opens a proposal to reverse it."""

from __future__ import annotations

import typing

import pytest

from fourfold.api.routers.flags import FlagIn
from fourfold.governance.models import Proposal
from fourfold.governance.rules import FLAG_PRINCIPLES
from fourfold.ledger import services
from fourfold.ledger.models import Transaction

pytestmark = pytest.mark.django_db

LEDGER = "/api/v1/coops/home/ledger"
REASON = "Alice's 'help' was Eli's wages for his shift."


@pytest.fixture
def expense(personas):
    return services.expense_post(
        coop=personas.coop,
        payer=personas.alice,
        amount="25.00",
        category="other",
        supplier="Eli",
        description="help",
        entered_by=personas.alice,
        split={personas.alice: 1, personas.bob: 1},
    )


def flag_url(entry) -> str:
    return f"{LEDGER}/transactions/{entry.pk}/flag"


def test_a_member_flags_an_entry_and_gets_the_proposal(api_client, personas, expense):
    response = api_client(personas.bob).post(
        flag_url(expense), {"principle": "no_paid_staff", "reason": REASON}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "reversal"
    assert body["title"] == f"Reverse entry #{expense.pk}"
    assert body["status"] == "open"
    assert body["closes_at"]
    assert body["opened_by"] == "bob"
    assert body["change"] == {
        "transaction": expense.pk,
        "principle": "no_paid_staff",
        "reason": REASON,
    }
    assert Proposal.objects.get(pk=body["id"]).kind == Proposal.Kind.REVERSAL
    health = api_client(personas.alice).get("/api/v1/coops/home/health").json()
    flagged = {p["name"]: p for p in health["principles"]}["no_paid_staff"]
    assert flagged["status"] == "at_risk"
    assert f"entry #{expense.pk} flagged by bob" in flagged["figure"]


def test_the_proposal_passes_and_the_entry_is_reversed(api_client, personas, expense):
    proposal = api_client(personas.bob).post(
        flag_url(expense), {"principle": "no_paid_staff", "reason": REASON}
    )
    votes = f"/api/v1/coops/home/proposals/{proposal.json()['id']}/votes"
    for member in (personas.alice, personas.bob):
        assert api_client(member).post(votes, {"position": "agree"}).status_code == 201
    assert Transaction.objects.filter(reverses=expense).count() == 1
    balances = api_client(personas.alice).get(f"{LEDGER}/balances").json()
    assert {row["username"]: row["balance"] for row in balances} == {
        "alice": "0.00",
        "bob": "0.00",
    }


def test_an_entry_of_another_coop_is_not_found(api_client, personas):
    elsewhere = services.contribution_post(
        coop=personas.other_coop, payer=personas.outsider, amount="5", entered_by=personas.outsider
    )
    payload = {"principle": "self_funded", "reason": "a grant"}
    # Through this co-op's address: no such entry here.
    response = api_client(personas.bob).post(flag_url(elsewhere), payload)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    # Through the other co-op's address: no such co-op, for a member of another one.
    response = api_client(personas.bob).post(
        f"/api/v1/coops/elsewhere/ledger/transactions/{elsewhere.pk}/flag", payload
    )
    assert response.status_code == 404
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"principle": "flat", "reason": REASON}, "principle"),
        ({"reason": REASON}, "principle"),
        ({"principle": "no_paid_staff"}, "reason"),
        ({"principle": "no_paid_staff", "reason": ""}, "reason"),
        ({"principle": "no_paid_staff", "reason": "   "}, "reason"),
        ({"principle": "no_paid_staff", "reason": "x" * 501}, "reason"),
        ({"principle": "no_paid_staff", "reason": REASON, "amount": "1"}, "amount"),
    ],
)
def test_bad_input_is_refused_in_the_usual_shape(api_client, personas, expense, payload, field):
    response = api_client(personas.bob).post(flag_url(expense), payload)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert [error["field"] for error in body["errors"]] == [field]
    assert not Proposal.objects.exists()


def test_an_entry_already_being_decided_is_a_conflict(api_client, personas, expense):
    payload = {"principle": "no_paid_staff", "reason": REASON}
    assert api_client(personas.bob).post(flag_url(expense), payload).status_code == 201
    response = api_client(personas.alice).post(flag_url(expense), payload)
    assert response.status_code == 409
    assert "already decides" in response.json()["detail"]


def test_a_reversal_is_proposed_through_the_proposals_too(api_client, personas, expense):
    response = api_client(personas.bob).post(
        "/api/v1/coops/home/proposals",
        {"kind": "reversal", "change": {"transaction": expense.pk}},
    )
    assert response.status_code == 201, response.content
    assert response.json()["title"] == f"Reverse entry #{expense.pk}"
    missing = api_client(personas.bob).post(
        "/api/v1/coops/home/proposals", {"kind": "general", "body": "no title"}
    )
    assert missing.status_code == 400
    assert missing.json()["field"] == "title"


def test_the_document_lists_the_flag_and_its_principles(api_client):
    document = api_client().get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/coops/{slug}/ledger/transactions/{transaction_id}/flag"]
    assert set(operation["post"]["responses"]) >= {"201", "404", "409", "422"}
    schema = document["components"]["schemas"]["FlagIn"]
    assert set(schema["properties"]["principle"]["enum"]) == set(FLAG_PRINCIPLES)
    assert set(schema["required"]) == {"principle", "reason"}


def test_the_schema_names_the_principles_governance_takes():
    principle = typing.get_type_hints(FlagIn)["principle"]
    assert set(typing.get_args(principle)) == set(FLAG_PRINCIPLES)
