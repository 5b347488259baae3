"""The contract suite's client and steps: HTTP calls to /api/v1 through ``django.test.Client``
only, as an outside test suite would make them."""

from __future__ import annotations

import json
from decimal import Decimal

from django.test import Client

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


def confirm(client: Api, entry: dict) -> dict:
    """The member an entry names says yes to it: only then does its money move."""
    assert entry["status"] == "pending", entry
    response = client.post(f"{LEDGER}/transactions/{entry['id']}/confirm")
    assert response.status_code == 200, response.content
    return response.json()


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
