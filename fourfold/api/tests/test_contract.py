"""The minimum API contract of DESIGN.md ("API payloads"), taken literally, as an outside test
suite would: everything is built through HTTP calls to /api/v1 from an empty database. No
factories, no services, no persona fixtures; only ``django.test.Client``."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fourfold.api.tests.contract import (
    API,
    COOP,
    HOME,
    LEDGER,
    PASSWORD,
    Api,
    assert_error,
    balances,
    confirm,
    coop_of,
    cultures,
    found_coop,
    jars,
    post_transaction,
    sign_up,
    total,
)

pytestmark = pytest.mark.django_db


# 1. Accounts and tokens


def test_signing_up_and_a_bearer_token_open_the_api():
    anonymous = Api()
    signed_up = anonymous.post(
        f"{API}/auth/signup",
        {"username": "dee", "email": "dee@example.org", "password": PASSWORD},
    )
    assert signed_up.status_code == 201
    assert signed_up.json()["username"] == "dee"

    assert_error(anonymous.get(f"{API}/coops"), 401)
    wrong = anonymous.post(f"{API}/auth/token", {"username": "dee", "password": "not it"})
    assert_error(wrong, 401)
    assert "token" not in wrong.json()

    issued = anonymous.post(f"{API}/auth/token", {"username": "dee", "password": PASSWORD})
    assert issued.status_code == 200
    token = issued.json()["token"]
    assert isinstance(token, str) and token

    assert_error(Api("not-a-token").get(f"{API}/coops"), 401)
    mine = Api(token).get(f"{API}/coops")
    assert mine.status_code == 200
    assert mine.json() == []


def test_signing_up_twice_with_one_username_is_refused_as_json():
    sign_up("dee")
    again = Api().post(
        f"{API}/auth/signup",
        {"username": "dee", "email": "other@example.org", "password": PASSWORD},
    )
    assert_error(again)


# 2. Co-ops


def test_founding_a_coop_with_the_contract_fields_lists_it_for_its_members_only():
    dee = sign_up("dee")
    outsider = sign_up("zed")
    created = found_coop(dee)
    assert {key: created[key] for key in COOP} == COOP

    listed = dee.get(f"{API}/coops")
    assert listed.status_code == 200
    assert [coop["slug"] for coop in listed.json()] == ["yogurt"]
    assert listed.json()[0]["name"] == "Yogurt Cooperative"
    assert outsider.get(f"{API}/coops").json() == []

    assert_error(dee.post(f"{API}/coops", COOP))  # the slug is taken
    assert_error(outsider.get(f"{HOME}/members"), 403, 404)


# 3. Invitations


def test_accepting_an_invitation_makes_an_active_member_by_default():
    dee = sign_up("dee")
    eli = sign_up("eli")
    found_coop(dee)

    response = dee.post(f"{HOME}/invitations")
    assert response.status_code in (200, 201)
    code = response.json()["code"]
    assert isinstance(code, str) and code

    accepted = eli.post(f"{API}/invitations/{code}/accept")
    assert accepted.status_code in (200, 201)
    membership = accepted.json()
    assert (membership["username"], membership["status"], membership["coop"]) == (
        "eli",
        "active",
        "yogurt",
    )
    assert [coop["slug"] for coop in eli.get(f"{API}/coops").json()] == ["yogurt"]
    members = eli.get(f"{HOME}/members")
    assert members.status_code == 200
    assert {(m["username"], m["status"]) for m in members.json()} == {
        ("dee", "active"),
        ("eli", "active"),
    }

    assert_error(sign_up("flo").post(f"{API}/invitations/{code}/accept"))  # spent
    assert_error(eli.post(f"{API}/invitations/no-such-code/accept"), 404)


# 4. The ledger's worked example


def test_the_ledger_worked_example_from_design():
    members = coop_of("dee", "eli", "flo")
    dee, flo = members["dee"], members["flo"]

    cultures(dee)
    assert balances(dee) == {"dee": "30.00", "eli": "-15.00", "flo": "-15.00"}

    jars(members["eli"])
    after_jars = balances(dee)
    # Each one's part of the jars, read off the change in their balance (Eli also paid 10.00).
    parts = {
        "dee": Decimal("30.00") - Decimal(after_jars["dee"]),
        "eli": Decimal("-15.00") + Decimal("10.00") - Decimal(after_jars["eli"]),
        "flo": Decimal("-15.00") - Decimal(after_jars["flo"]),
    }
    assert sorted(parts.values()) == [Decimal("3.33"), Decimal("3.33"), Decimal("3.34")]
    assert after_jars["dee"] in {"26.67", "26.66"}
    assert total(after_jars.values()) == Decimal("0.00")

    transfer = post_transaction(
        flo, {"kind": "transfer", "amount": "15.00", "payer": "flo", "payee": "dee"}
    )
    assert transfer["kind"] == "transfer"
    # It names Dee as receiving: nothing moves until she says it reached her.
    assert (transfer["status"], transfer["awaiting"]) == ("pending", ["dee"])
    assert balances(dee) == after_jars
    assert confirm(dee, transfer)["status"] == "posted"
    after_transfer = balances(dee)
    assert Decimal(after_transfer["flo"]) - Decimal(after_jars["flo"]) == Decimal("15.00")
    assert Decimal(after_transfer["dee"]) - Decimal(after_jars["dee"]) == Decimal("-15.00")
    assert after_transfer["eli"] == after_jars["eli"]
    assert total(after_transfer.values()) == Decimal("0.00")


def test_the_settlement_plan_zeroes_every_balance_when_applied():
    members = coop_of("dee", "eli", "flo")
    dee = members["dee"]
    cultures(dee)
    jars(members["eli"])
    before = balances(dee)

    response = dee.get(f"{LEDGER}/settlement")
    assert response.status_code == 200
    transfers = response.json()["transfers"]
    assert transfers
    after = {name: Decimal(balance) for name, balance in before.items()}
    for transfer in transfers:
        assert set(transfer) >= {"from", "to", "amount"}
        assert Decimal(transfer["amount"]) > 0
        after[transfer["from"]] += Decimal(transfer["amount"])
        after[transfer["to"]] -= Decimal(transfer["amount"])
    assert set(after.values()) == {Decimal("0.00")}

    # Recorded as the transfers it names, each by its payer and confirmed by its receiver,
    # the plan settles the co-op.
    for transfer in transfers:
        entry = post_transaction(
            members[transfer["from"]],
            {"kind": "transfer", "amount": transfer["amount"], "payee": transfer["to"]},
        )
        confirm(members[transfer["to"]], entry)
    assert set(balances(dee).values()) == {"0.00"}
    assert dee.get(f"{LEDGER}/settlement").json()["transfers"] == []


def test_a_wages_expense_is_a_principle_violation():
    members = coop_of("dee", "eli", "flo")
    dee = members["dee"]
    cultures(dee)
    response = dee.post(
        f"{LEDGER}/transactions",
        {
            "kind": "expense",
            "amount": "40.00",
            "payer": "dee",
            "category": "wages",
            "split": ["dee", "eli", "flo"],
        },
    )
    body = assert_error(response, code="principle_violation")
    assert body.get("principle") == "no_paid_staff" or "paid staff" in str(body["detail"]).lower()
    assert balances(dee) == {"dee": "30.00", "eli": "-15.00", "flo": "-15.00"}


def test_reversing_a_transaction_restores_the_balances():
    members = coop_of("dee", "eli", "flo")
    dee, eli = members["dee"], members["eli"]
    cultures(dee)
    posted = jars(eli)
    assert balances(dee) != {"dee": "30.00", "eli": "-15.00", "flo": "-15.00"}

    # Eli's entry: Dee's reversal asks Eli first.
    requested = dee.post(f"{LEDGER}/transactions/{posted['id']}/reverse")
    assert requested.status_code in (200, 201)
    assert isinstance(requested.json()["id"], int)
    assert requested.json()["id"] != posted["id"]
    assert requested.json()["awaiting"] == ["eli"]
    confirm(eli, requested.json())
    assert balances(dee) == {"dee": "30.00", "eli": "-15.00", "flo": "-15.00"}

    transfer = post_transaction(
        members["flo"], {"kind": "transfer", "amount": "15.00", "payer": "flo", "payee": "dee"}
    )
    confirm(dee, transfer)
    assert balances(dee) == {"dee": "15.00", "eli": "-15.00", "flo": "0.00"}
    undo = dee.post(f"{LEDGER}/transactions/{transfer['id']}/reverse")
    assert undo.status_code in (200, 201)
    confirm(members["flo"], undo.json())
    assert balances(dee) == {"dee": "30.00", "eli": "-15.00", "flo": "-15.00"}

    assert_error(dee.post(f"{LEDGER}/transactions/{posted['id']}/reverse"))  # already reversed
    assert_error(dee.post(f"{LEDGER}/transactions/999999/reverse"), 404)
