"""The minimum API contract of DESIGN.md ("API payloads"), taken literally, as an outside test
suite would: everything is built through HTTP calls to /api/v1 from an empty database. No
factories, no services, no persona fixtures; only ``django.test.Client``."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

API = "/api/v1"
PASSWORD = "a-long-enough-passphrase-42"
COOP = {
    "slug": "yogurt",
    "name": "Yogurt Cooperative",
    "product": "yogurt",
    "unit": "quart",
    "cadence": "FREQ=WEEKLY;BYDAY=SU",
    "target_quantity": 20,
    "producers_per_batch": 2,
    "currency": "USD",
    "commercial_unit_price": "6.50",
    "diy_minutes_per_unit": "30",
}
HOME = f"{API}/coops/{COOP['slug']}"
LEDGER = f"{HOME}/ledger"
PRINCIPLES = {
    "self_funded",
    "no_paid_staff",
    "flat",
    "consistent_production",
    "members_only",
    "all_four_roles",
}
POSITIONS = ("agree", "abstain", "disagree", "block")


class Api:
    """JSON over HTTP, with ``Authorization: Bearer <token>`` once a token is known."""

    def __init__(self, token: str | None = None):
        self.client = Client()
        self.token = token

    def _headers(self) -> dict:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}

    def get(self, path, params=None):
        return self.client.get(path, params, **self._headers())

    def post(self, path, payload=None):
        return self.client.post(
            path, json.dumps(payload or {}), content_type="application/json", **self._headers()
        )

    def put(self, path, payload=None):
        return self.client.put(
            path, json.dumps(payload or {}), content_type="application/json", **self._headers()
        )


def assert_error(response, *statuses: int, code: str | None = None) -> dict:
    """An error is JSON ``{"detail", "code"}`` with a 4xx status."""
    assert 400 <= response.status_code < 500, (response.status_code, response.content)
    if statuses:
        assert response.status_code in statuses, (response.status_code, response.content)
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["detail"], body
    assert isinstance(body["code"], str) and body["code"], body
    if code is not None:
        assert body["code"] == code, body
    return body


def sign_up(username: str) -> Api:
    anonymous = Api()
    response = anonymous.post(
        f"{API}/auth/signup",
        {"username": username, "email": f"{username}@example.org", "password": PASSWORD},
    )
    assert response.status_code == 201, response.content
    response = anonymous.post(f"{API}/auth/token", {"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.content
    return Api(response.json()["token"])


def found_coop(founder: Api) -> dict:
    response = founder.post(f"{API}/coops", COOP)
    assert response.status_code == 201, response.content
    return response.json()


def invite(member: Api) -> str:
    response = member.post(f"{HOME}/invitations")
    assert response.status_code in (200, 201), response.content
    return response.json()["code"]


def join(inviter: Api, newcomer: Api) -> dict:
    response = newcomer.post(f"{API}/invitations/{invite(inviter)}/accept")
    assert response.status_code in (200, 201), response.content
    return response.json()


def coop_of(*usernames: str) -> dict[str, Api]:
    """The first signs up and founds the co-op; each other signs up and accepts an invitation."""
    members = {name: sign_up(name) for name in usernames}
    founder = members[usernames[0]]
    found_coop(founder)
    for name in usernames[1:]:
        join(founder, members[name])
    return members


def balances(client: Api) -> dict[str, str]:
    response = client.get(f"{LEDGER}/balances")
    assert response.status_code == 200, response.content
    return {row["username"]: row["balance"] for row in response.json()}


def post_transaction(client: Api, payload: dict) -> dict:
    response = client.post(f"{LEDGER}/transactions", payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert isinstance(body["id"], int)
    return body


def cultures(client: Api) -> dict:
    """Dee pays 45.00 for cultures, split among Dee, Eli and Flo."""
    return post_transaction(
        client,
        {
            "kind": "expense",
            "amount": "45.00",
            "payer": "dee",
            "category": "ingredients",
            "split": ["dee", "eli", "flo"],
            "description": "cultures",
        },
    )


def jars(client: Api) -> dict:
    """Eli pays 10.00 of jars, split among all three."""
    return post_transaction(
        client,
        {
            "kind": "expense",
            "amount": "10.00",
            "payer": "eli",
            "category": "supplies",
            "split": ["dee", "eli", "flo"],
            "description": "jars",
        },
    )


def total(figures) -> Decimal:
    return sum((Decimal(figure) for figure in figures), Decimal("0.00"))


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

    # Recorded as the transfers it names, the plan settles the co-op.
    for transfer in transfers:
        post_transaction(
            dee,
            {
                "kind": "transfer",
                "amount": transfer["amount"],
                "payer": transfer["from"],
                "payee": transfer["to"],
            },
        )
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

    reversed_ = dee.post(f"{LEDGER}/transactions/{posted['id']}/reverse")
    assert reversed_.status_code in (200, 201)
    assert isinstance(reversed_.json()["id"], int)
    assert reversed_.json()["id"] != posted["id"]
    assert balances(dee) == {"dee": "30.00", "eli": "-15.00", "flo": "-15.00"}

    transfer = post_transaction(
        members["flo"], {"kind": "transfer", "amount": "15.00", "payer": "flo", "payee": "dee"}
    )
    assert balances(dee) == {"dee": "15.00", "eli": "-15.00", "flo": "0.00"}
    assert dee.post(f"{LEDGER}/transactions/{transfer['id']}/reverse").status_code in (200, 201)
    assert balances(dee) == {"dee": "30.00", "eli": "-15.00", "flo": "-15.00"}

    assert_error(dee.post(f"{LEDGER}/transactions/{posted['id']}/reverse"))  # already reversed
    assert_error(dee.post(f"{LEDGER}/transactions/999999/reverse"), 404)


# 5. Production and consumption


def test_planning_making_allocating_reserving_and_availability(time_machine):
    time_machine.move_to(datetime(2026, 3, 4, 12, tzinfo=UTC), tick=False)  # a Wednesday
    members = coop_of("dee", "eli", "flo")
    for name, client in members.items():
        share = client.put(f"{HOME}/subscriptions/me", {"units": 4})
        assert share.status_code == 200, share.content
        assert (share.json()["username"], share.json()["units"]) == (name, 4)

    planned = members["dee"].post(f"{HOME}/batches/plan", {"weeks": 4})
    assert planned.status_code in (200, 201), planned.content
    listed = members["dee"].get(f"{HOME}/batches")
    assert listed.status_code == 200
    batches = listed.json()
    sundays = [date(2026, 3, 8) + timedelta(weeks=n) for n in range(4)]
    assert [batch["date"] for batch in batches] == [day.isoformat() for day in sundays]
    for batch in batches:
        assert isinstance(batch["id"], int)
        assert (batch["status"], batch["planned_quantity"], batch["made_quantity"]) == (
            "planned",
            20,
            None,
        )
        assert len(batch["producers"]) == 2
        assert set(batch["producers"]) <= set(members)
    first, second, last = batches[0], batches[1], batches[-1]

    # Eli asks for more of the first batch than the standing share: 4 + 10 + 4 = 18 asked.
    reserved = members["eli"].post(f"{HOME}/reservations", {"batch": first["id"], "units": 10})
    assert reserved.status_code == 201, reserved.content
    assert reserved.json()["units"] == 10

    time_machine.move_to(datetime(2026, 3, 8, 18, tzinfo=UTC), tick=False)  # its Sunday
    producer = members[first["producers"][0]]
    made = producer.post(f"{HOME}/batches/{first['id']}/made", {"quantity": 12, "hours": "3.5"})
    assert made.status_code in (200, 201), made.content
    assert (made.json()["status"], made.json()["made_quantity"]) == ("made", 12)

    detail = members["flo"].get(f"{HOME}/batches/{first['id']}")
    assert detail.status_code == 200
    allocations = detail.json()["allocations"]
    assert allocations
    assert {row["username"] for row in allocations} <= set(members)
    assert all(row["units"] >= 0 for row in allocations)
    given = {row["username"]: row["units"] for row in allocations}
    assert given.get("dee", 0) <= 4 and given.get("eli", 0) <= 10 and given.get("flo", 0) <= 4
    assert sum(given.values()) <= 12

    assert_error(
        members["flo"].post(f"{HOME}/reservations", {"batch": first["id"], "units": 1})
    )  # already made
    later = members["flo"].post(f"{HOME}/reservations", {"batch": second["id"], "units": 0})
    assert later.status_code == 201, later.content
    assert (later.json()["batch"], later.json()["units"]) == (second["id"], 0)

    away_name = last["producers"][0]
    away = members[away_name].post(
        f"{HOME}/availability", {"start": last["date"], "end": last["date"]}
    )
    assert away.status_code == 201, away.content
    assert (away.json()["start"], away.json()["end"]) == (last["date"], last["date"])
    members["dee"].post(f"{HOME}/batches/plan", {"weeks": 4})
    replanned = members["dee"].get(f"{HOME}/batches/{last['id']}").json()
    assert away_name not in replanned["producers"]
    assert len(replanned["producers"]) == 2

    assert_error(
        members["dee"].post(f"{HOME}/availability", {"start": "2026-04-10", "end": "2026-04-01"})
    )


def test_a_batch_still_ahead_cannot_be_recorded_as_made(time_machine):
    time_machine.move_to(datetime(2026, 3, 4, 12, tzinfo=UTC), tick=False)
    members = coop_of("dee", "eli", "flo")
    members["dee"].post(f"{HOME}/batches/plan", {"weeks": 1})
    batch = members["dee"].get(f"{HOME}/batches").json()[0]
    producer = members[batch["producers"][0]]
    early = producer.post(f"{HOME}/batches/{batch['id']}/made", {"quantity": 20, "hours": "3"})
    assert_error(early)
    assert members["dee"].get(f"{HOME}/batches/{batch['id']}").json()["status"] == "planned"


# 6. Governance


def test_proposals_take_every_position_and_refuse_any_other():
    members = coop_of("dee", "eli", "flo", "gus", "hal")
    opened = members["dee"].post(
        f"{HOME}/proposals", {"kind": "general", "title": "Try a Greek-style batch"}
    )
    assert opened.status_code == 201, opened.content
    proposal = opened.json()
    assert isinstance(proposal["id"], int)
    assert (proposal["kind"], proposal["title"]) == ("general", "Try a Greek-style batch")
    votes = f"{HOME}/proposals/{proposal['id']}/votes"

    # Four of five vote, one position each: the proposal stays open for Hal.
    for name, position in zip(("dee", "eli", "flo", "gus"), POSITIONS, strict=True):
        cast = members[name].post(votes, {"position": position})
        assert cast.status_code in (200, 201), (position, cast.content)
        assert cast.json()["position"] == position
    listed = members["hal"].get(votes)
    assert listed.status_code == 200
    assert {(v["username"], v["position"]) for v in listed.json()} == {
        ("dee", "agree"),
        ("eli", "abstain"),
        ("flo", "disagree"),
        ("gus", "block"),
    }

    assert_error(members["hal"].post(votes, {"position": "maybe"}))
    assert_error(members["hal"].post(f"{HOME}/proposals/999999/votes", {"position": "agree"}), 404)
    assert_error(members["dee"].post(f"{HOME}/proposals", {"kind": "coup", "title": "Me"}))


# 7. Health, roles, members


def test_health_roles_and_members_answer():
    members = coop_of("dee", "eli", "flo")
    eli = members["eli"]
    health = eli.get(f"{HOME}/health")
    assert health.status_code == 200
    principles = health.json()["principles"]
    assert len(principles) == 6
    assert {p["name"] for p in principles} == PRINCIPLES
    for principle in principles:
        assert principle["status"] in {"holds", "at_risk", "broken", "not_yet"}
        assert "figure" in principle

    roles = eli.get(f"{HOME}/roles")
    assert roles.status_code == 200
    assert isinstance(roles.json(), list)
    listed = eli.get(f"{HOME}/members")
    assert listed.status_code == 200
    assert {m["username"] for m in listed.json()} == {"dee", "eli", "flo"}


# 8. Errors


def test_errors_are_json_with_detail_and_code():
    dee = sign_up("dee")
    found_coop(dee)
    outsider = sign_up("zed")

    assert_error(Api().get(f"{HOME}/health"), 401)
    assert_error(dee.get(f"{API}/coops/no-such-coop/health"), 404)
    for path in ("health", "roles", "members", "batches", "ledger/balances", "proposals"):
        assert_error(outsider.get(f"{HOME}/{path}"), 403, 404)
    not_json = dee.client.post(
        f"{LEDGER}/transactions",
        "{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {dee.token}",
    )
    assert_error(not_json)
    assert_error(dee.post(f"{LEDGER}/transactions", {"kind": "expense"}))  # no amount
    assert_error(dee.post(f"{HOME}/batches/plan", {"weeks": 0}))
    assert_error(dee.put(f"{HOME}/subscriptions/me", {"units": -1}))
