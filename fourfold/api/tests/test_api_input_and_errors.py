"""The API's contract at its edges: what input it takes (numbers for quantities, decimal
strings for money, no unknown fields), how money leaves it, and that every error, wherever it
arises, is JSON ``{"detail", "code"}`` and documented."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fourfold.coops.models import Cooperative, Membership
from fourfold.ledger.models import Transaction
from fourfold.testing import MembershipFactory

pytestmark = pytest.mark.django_db

HOME = "/api/v1/coops/home"
LEDGER = f"{HOME}/ledger"
FOUNDED = datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def in_march(personas, time_machine):
    """The home co-op was founded on 1 March 2026; today is 4 March."""
    Cooperative.objects.filter(pk=personas.coop.pk).update(founded_at=FOUNDED)
    time_machine.move_to(datetime(2026, 3, 4, 12, tzinfo=UTC), tick=False)


def contribute(client, **fields):
    return client.post(
        f"{LEDGER}/transactions", {"kind": "contribution", "amount": "10.00", **fields}
    )


def open_proposal(client, **fields):
    response = client.post(f"{HOME}/proposals", {"title": "A proposal", **fields})
    assert response.status_code == 201, response.content
    return response.json()


# Validation errors read as sentences.


def test_a_validation_error_names_each_field_in_one_sentence(api_client, personas):
    response = api_client(personas.alice).post(f"{HOME}/batches/plan", {"weeks": "many"})

    assert response.status_code == 422
    assert response.json() == {
        "detail": "weeks: enter a whole number",
        "code": "invalid",
        "errors": [{"field": "weeks", "message": "enter a whole number"}],
    }


def test_a_field_that_may_take_two_forms_is_named_once(api_client, personas):
    response = api_client(personas.alice).post(
        f"{LEDGER}/transactions",
        {"kind": "expense", "amount": "5.00", "category": "supplies", "split": 7},
    )

    assert response.status_code == 422
    body = response.json()
    assert [error["field"] for error in body["errors"]] == ["split"]
    assert isinstance(body["detail"], str) and body["detail"].startswith("split: ")


def test_money_sent_as_a_json_number_is_refused_in_words(api_client, personas):
    response = contribute(api_client(personas.alice), amount=10.5)

    assert response.status_code == 422
    assert response.json()["detail"] == 'amount: send money as a decimal string, e.g. "12.50"'
    assert not Transaction.objects.exists()


def test_split_weights_may_be_json_numbers(api_client, personas):
    response = api_client(personas.alice).post(
        f"{LEDGER}/transactions",
        {
            "kind": "expense",
            "amount": "20.00",
            "category": "ingredients",
            "split": {"alice": 1, "bob": 3},
        },
    )

    assert response.status_code == 201, response.content
    balances = {
        row["username"]: row["balance"]
        for row in api_client(personas.alice).get(f"{LEDGER}/balances").json()
    }
    assert balances == {"alice": "15.00", "bob": "-15.00"}


# Money is parsed as a person means it.


# Full-width and Arabic-Indic digits spelt as escapes: they look like 10 and 50.
@pytest.mark.parametrize(
    "amount", ["5_000", "1e1", "\uff11\uff10", "\u0665\u0660", "10.", ".5", "+10", "0x10"]
)
def test_an_amount_no_person_would_write_is_refused_and_nothing_is_booked(
    api_client, personas, amount
):
    response = contribute(api_client(personas.alice), amount=amount)

    assert response.status_code == 400, response.content
    assert response.json()["field"] == "amount"
    assert not Transaction.objects.exists()


def test_a_currency_other_than_the_co_ops_is_refused(api_client, personas):
    client = api_client(personas.alice)

    refused = contribute(client, currency="EUR")
    accepted = contribute(client, currency="usd")

    assert refused.status_code == 400
    assert refused.json()["field"] == "currency"
    assert accepted.status_code == 201
    assert Transaction.objects.count() == 1


@pytest.mark.parametrize(
    "path, payload, unknown",
    [
        (
            f"{LEDGER}/transactions",
            {"kind": "contribution", "amount": "1", "ammount": "1"},
            "ammount",
        ),
        (f"{HOME}/batches/plan", {"weeks": 2, "force": True}, "force"),
        (f"{HOME}/proposals", {"kind": "general", "title": "Picnic", "tittle": "P"}, "tittle"),
        ("/api/v1/coops", {"slug": "x", "extra": 1}, "extra"),
    ],
)
def test_an_unknown_field_is_refused_not_ignored(api_client, personas, path, payload, unknown):
    response = api_client(personas.alice).post(path, payload)

    assert response.status_code == 422
    assert {"field": unknown, "message": "not a field of this request; leave it out"} in (
        response.json()["errors"]
    )
    assert not Transaction.objects.exists()


def test_every_request_body_in_the_document_refuses_unknown_fields(client):
    document = client.get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    bodies = [
        operation["requestBody"]["content"]["application/json"]["schema"]
        for item in document["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict)
        # A JSON body, that is: a file upload (a receipt) is multipart, with no fields to add.
        and "application/json" in operation.get("requestBody", {}).get("content", {})
    ]

    assert len(bodies) > 10
    for body in bodies:
        ref = body.get("$ref") or next(s["$ref"] for s in body["anyOf"] if "$ref" in s)
        name = ref.rsplit("/", 1)[1]
        assert schemas[name].get("additionalProperties") is False, name


# Money leaves as a plain decimal string with the currency's decimals.


@pytest.mark.parametrize("amount, shown", [("240", "240.00"), ("500", "500.00"), ("99.5", "99.50")])
def test_a_spending_proposal_shows_its_amount_with_the_currencys_decimals(
    api_client, personas, amount, shown
):
    client = api_client(personas.alice)
    proposal = open_proposal(client, kind="spending", amount=amount)

    assert proposal["amount"] == shown
    assert client.get(f"{HOME}/proposals/{proposal['id']}").json()["amount"] == shown


def test_a_rule_change_shows_money_rules_with_the_currencys_decimals(api_client, personas):
    proposal = open_proposal(
        api_client(personas.alice),
        kind="rule_change",
        change={"spending_limit": "150", "commercial_unit_price": "7.5"},
    )

    assert proposal["change"] == {"spending_limit": "150.00", "commercial_unit_price": "7.50"}
    assert proposal["result"]["was"]["commercial_unit_price"] == "6.50"


def test_a_spending_approval_finer_than_a_cent_is_refused(api_client, personas):
    response = api_client(personas.alice).post(
        f"{HOME}/proposals", {"kind": "spending", "title": "Pots", "amount": "99.999"}
    )

    assert response.status_code == 400
    assert response.json()["field"] == "amount"


# Nonsense is refused, not stored.


def test_money_dated_before_the_co_op_was_founded_is_refused(api_client, personas):
    client = api_client(personas.alice)

    before = contribute(client, occurred_on="2026-02-28")
    on_the_day = contribute(client, occurred_on="2026-03-01")

    assert before.status_code == 400
    assert before.json()["field"] == "occurred_on"
    assert "2026-03-01" in before.json()["detail"]
    assert on_the_day.status_code == 201


def test_money_dated_ahead_is_refused(api_client, personas):
    response = contribute(api_client(personas.alice), occurred_on="2026-03-05")

    assert response.status_code == 400
    assert response.json()["field"] == "occurred_on"


def test_a_split_on_a_contribution_is_refused(api_client, personas):
    response = contribute(api_client(personas.alice), split=["alice", "bob"])

    assert response.status_code == 400
    assert response.json()["field"] == "split"
    assert not Transaction.objects.exists()


@pytest.mark.parametrize("split", [["bob", "bob"], ["bob", "Bob"], {"bob": "1", "BOB": "2"}])
def test_a_member_named_twice_in_a_split_is_refused(api_client, personas, split):
    response = api_client(personas.alice).post(
        f"{LEDGER}/transactions",
        {"kind": "expense", "amount": "9.00", "category": "supplies", "split": split},
    )

    assert response.status_code == 400
    assert response.json()["field"] == "split"
    assert "bob" in response.json()["detail"]
    assert not Transaction.objects.exists()


@pytest.mark.parametrize("body", ["[]", "5", '"undo"', "null"])
def test_a_reversal_body_that_is_not_an_object_is_refused(api_client, personas, body):
    client = api_client(personas.alice)
    posted = contribute(client).json()

    response = client.post(f"{LEDGER}/transactions/{posted['id']}/reverse", body)

    if body == "null":
        # No body at all, in JSON's words: the reason is optional.
        assert response.status_code == 201
        return
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "invalid"
    assert Transaction.objects.count() == 1


def test_a_proxy_until_a_past_day_is_refused(api_client, personas):
    response = api_client(personas.alice).post(
        f"{HOME}/proxies", {"holder": "bob", "until": "2026-03-03"}
    )

    assert response.status_code == 400
    assert response.json()["field"] == "until"


def test_a_proxy_until_today_is_taken(api_client, personas):
    response = api_client(personas.alice).post(
        f"{HOME}/proxies", {"holder": "bob", "until": "2026-03-04"}
    )

    assert response.status_code == 201


@pytest.mark.parametrize(
    "options", [["Tuesday", "x" * 201], [f"Day {n}" for n in range(21)]], ids=["long", "many"]
)
def test_options_are_bounded_in_count_and_length(api_client, personas, options):
    response = api_client(personas.alice).post(
        f"{HOME}/proposals", {"kind": "choice", "title": "Which day?", "options": options}
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"].startswith("options")


def test_a_ranking_on_a_proposal_that_is_not_a_choice_is_refused(api_client, personas):
    client = api_client(personas.alice)
    proposal = open_proposal(client, kind="general")

    response = client.post(
        f"{HOME}/proposals/{proposal['id']}/votes", {"position": "agree", "ranking": ["yes"]}
    )

    assert response.status_code == 400
    assert response.json()["field"] == "ranking"
    assert client.get(f"{HOME}/proposals/{proposal['id']}/votes").json() == []


# Every error is JSON and documented.


def test_a_body_over_the_size_limit_is_a_json_413(api_client, personas, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = contribute(api_client(personas.alice), description="x" * 2000)

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "too_large"
    assert not Transaction.objects.exists()


def test_a_method_an_address_does_not_take_is_a_json_405(api_client, personas):
    client = api_client(personas.alice)

    response = client.generic(
        "PATCH", f"{LEDGER}/transactions", "{}", HTTP_AUTHORIZATION=f"Bearer {client.token}"
    )

    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "method_not_allowed"
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}


def test_an_over_long_address_is_refused_in_json(api_client, personas):
    response = api_client(personas.alice).get(f"{LEDGER}/transactions", {"member": "a" * 5000})

    assert response.status_code == 400
    assert response.json()["code"] == "uri_too_long"


def test_an_over_long_header_is_refused_in_json(api_client, personas):
    response = api_client(personas.alice).get(f"{LEDGER}/transactions", HTTP_X_NOTE="n" * 5000)

    assert response.status_code == 400
    assert response.json()["code"] == "header_too_large"


def test_the_document_lists_the_errors_every_operation_may_answer(client):
    document = client.get("/api/v1/openapi.json").json()
    share_set = document["paths"]["/api/v1/coops/{slug}/subscriptions/me"]["put"]

    assert {"409", "413", "503"} <= set(share_set["responses"])
    for item in document["paths"].values():
        for operation in item.values():
            documented = set(operation["responses"])
            assert {"400", "413", "422", "503"} <= documented, operation["operationId"]
    assert "405" in document["info"]["description"]


def test_setting_a_share_while_paused_is_the_documented_409(api_client, personas):
    Membership.objects.filter(user=personas.alice).update(status=Membership.Status.PAUSED)

    response = api_client(personas.alice).put(f"{HOME}/subscriptions/me", {"units": 2})

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"


# A paused member's share reads as paused.


def test_a_paused_members_share_reads_as_paused(api_client, personas):
    carol = MembershipFactory(coop=personas.coop, user__username="carol").user
    for member in (personas.alice, carol):
        assert api_client(member).put(f"{HOME}/subscriptions/me", {"units": 2}).status_code == 200
    Membership.objects.filter(user=carol).update(status=Membership.Status.PAUSED)

    listed = api_client(personas.alice).get(f"{HOME}/subscriptions").json()
    shares = {share["username"]: share for share in listed}
    mine = api_client(carol).get(f"{HOME}/subscriptions/me").json()

    assert shares["carol"]["paused"] is True
    assert shares["alice"]["paused"] is False
    assert (mine["units"], mine["paused"]) == (2, True)
