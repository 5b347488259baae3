"""Words that read like outside money or pay for work: 422 principle_check, then recorded with
the member's declaration; a breach by structure stays a 403."""

import pytest

from fourfold.ledger.models import Transaction

pytestmark = pytest.mark.django_db

LEDGER = "/api/v1/coops/home/ledger"
HOURLY = {"kind": "expense", "amount": "30", "category": "other", "description": "hourly pay"}


def test_words_of_pay_for_work_are_answered_422_with_the_principle_and_the_words(
    api_client, personas
):
    response = api_client(personas.alice).post(f"{LEDGER}/transactions", HOURLY)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "principle_check"
    assert body["principle"] == "no_paid_staff"
    assert body["words"] == ["hourly pay"]
    assert "“hourly pay”" in body["detail"]
    assert not Transaction.objects.exists()


def test_sent_again_declared_it_is_recorded_with_the_declaration(api_client, personas):
    client = api_client(personas.alice)
    response = client.post(f"{LEDGER}/transactions", {**HOURLY, "declare": "no_paid_staff"})
    assert response.status_code == 201
    assert response.json()["declared"] == "no_paid_staff"
    assert response.json()["declaration"] == "alice declared: this is not paid labour"
    [row] = [
        row
        for row in client.get("/api/v1/coops/home/activity").json()
        if row["action"] == "ledger.expense"
    ]
    assert "alice declared: this is not paid labour" in row["summary"]


def test_a_pay_in_that_reads_like_outside_money_is_asked_about(api_client, personas):
    client = api_client(personas.alice)
    pay_in = {"kind": "contribution", "amount": "20", "source": "GoFundMe"}
    asked = client.post(f"{LEDGER}/transactions", pay_in)
    assert (asked.status_code, asked.json()["principle"]) == (422, "self_funded")
    assert asked.json()["words"] == ["GoFundMe"]
    declared = client.post(f"{LEDGER}/transactions", {**pay_in, "declare": "self_funded"})
    assert declared.status_code == 201
    assert declared.json()["declaration"] == "alice declared: this is members' own money"


def test_a_member_as_supplier_stays_a_403(api_client, personas):
    response = api_client(personas.alice).post(
        f"{LEDGER}/transactions",
        {
            "kind": "expense",
            "amount": "8",
            "category": "ingredients",
            "supplier": "Bob",
            "declare": "no_paid_staff",
        },
    )
    assert response.status_code == 403
    assert response.json()["code"] == "principle_violation"
    assert response.json()["principle"] == "no_paid_staff"


def test_a_declaration_is_one_of_the_two_principles(api_client, personas):
    response = api_client(personas.alice).post(
        f"{LEDGER}/transactions", {**HOURLY, "declare": "flat"}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert response.json()["errors"][0]["field"] == "declare"
