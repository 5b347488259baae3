"""Principle 3, "Flat": no member has a power another lacks, and founding the co-op gives none.

Every co-op action is found by walking the routes — the API's OpenAPI document and Django's
URL patterns, with the walks of ``api/tests/test_tenant_isolation.py`` — so an action added
later is covered the day it is added. Each one is tried by two active members in the same
state: alice, who founded the co-op, and bob, who did not. Both must get the same answer,
down to the status code.

Alice and bob are made interchangeable but for the founding: everything the walk acts on
(a proposal, a batch and its shifts, a transaction, a swap, days away) is made by carol and
dan while alice and bob are not yet members, so neither of them holds a shift, owns an item
or has voted. Each call runs in a transaction that is rolled back, so bob meets exactly the
state alice met.

A page's POST carries what its own form would send, filled in the way a member would (read
from the pages as dan, a fourth member), so an action gets past its form to the service where
a founder's power would hide; an action no page has a form for is posted empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.test import Client

from fourfold.api.tests.test_tenant_isolation import (
    HOME,
    OPERATIONS,
    PAGES,
    Operation,
    body_for,
    path_values,
    url_for,
)
from fourfold.coops.models import Cooperative, Membership
from fourfold.testing import MembershipFactory

# The pages are walked with ids of 1 (what carol made first): on PostgreSQL the sequences run
# on from earlier tests unless reset.
pytestmark = pytest.mark.django_db(transaction=True, reset_sequences=True)

# A payload field that names a member names carol, a member who is neither of the two asked.
PERSON_FIELDS = {"holder", "payer", "payee", "subject", "username"}
THIRD = "carol"


def permission(status: int) -> str:
    """The permission a status code stands for; the tests compare exact codes, this only
    words the report."""
    if status in (401, 403, 404):
        return "refused"
    return "allowed"


@dataclass(frozen=True)
class Answer:
    status: int
    detail: str  # the API's error code, or where a page redirects to

    def __str__(self) -> str:
        extra = f" {self.detail}" if self.detail else ""
        return f"{self.status} ({permission(self.status)}){extra}"


def api_answer(response) -> Answer:
    code = ""
    if response.status_code >= 400 and response["Content-Type"].startswith("application/json"):
        code = str(response.json().get("code", ""))
    return Answer(response.status_code, code)


def _outcome(html: str) -> str:
    """How a page says an action went: its messages' levels, and whether a form refused."""
    levels = sorted(set(re.findall(r'class="message (\w+)"', html)))
    refused = 'class="errorlist' in html or 'class="form-errors"' in html
    return " ".join([*levels, *(["form error"] if refused else [])])


def page_answer(client: Client, method: str, url: str, data: dict | None) -> Answer:
    """The status, and for a redirect where it leads and what the page there says (a
    refusal often redirects to the same place as a success, with another message)."""
    response = getattr(client, method)(url, data)
    html = ""
    if response.status_code in (301, 302, 303) and response["Location"].startswith("/"):
        html = client.get(response["Location"]).content.decode()
    elif "html" in response.get("Content-Type", ""):
        html = response.content.decode()
    # A new object's id differs between the two rolled-back runs on PostgreSQL (sequences do
    # not roll back), so where a redirect leads is compared without ids.
    location = re.sub(r"/\d+/", "/<id>/", response.get("Location", ""))
    detail = f"{location} {_outcome(html)}".strip()
    return Answer(response.status_code, detail)


def rolled_back(work):
    """``work()``'s result, with everything it wrote undone."""
    with transaction.atomic():
        result = work()
        transaction.set_rollback(True)
    return result


@dataclass
class FlatWorld:
    coop: Cooperative
    founder: Client  # alice's
    member: Client  # bob's
    bystander: Client  # dan's: reads the forms the walk fills in
    founder_api: Client
    member_api: Client
    api_urls: dict[Operation, str]


@pytest.fixture
def world(personas, api_client) -> FlatWorld:
    coop = personas.coop
    Cooperative.objects.filter(pk=coop.pk).update(founded_by=personas.alice)
    carol = MembershipFactory(coop=coop, user__username=THIRD).user
    dan = MembershipFactory(coop=coop, user__username="dan").user
    both = Membership.objects.filter(coop=coop, user__in=[personas.alice, personas.bob])
    both.update(status=Membership.Status.LEFT)
    seeder = api_client(carol)
    # Batches and their shifts (carol's and dan's), and a swap carol offers, for the walk
    # to act on; the last shift is the one beyond the lock window.
    assert seeder.post(f"/api/v1/coops/{HOME}/batches/plan", {"weeks": 4}).status_code == 200
    shifts = seeder.get(f"/api/v1/coops/{HOME}/shifts?member=me").json()
    offered = seeder.post(f"/api/v1/coops/{HOME}/shifts/{shifts[-1]['id']}/swap")
    assert offered.status_code == 201, offered.content
    # One item in every collection the API can fill from its documented examples, made by
    # carol; the ids the walk will name are looked up now, before alice and bob are back.
    api_urls = {
        operation: url_for(operation, path_values(operation, HOME, seeder)[0])
        for operation in OPERATIONS
    }
    both.update(status=Membership.Status.ACTIVE)
    coop.refresh_from_db()
    assert coop.founded_by == personas.alice

    def web(user) -> Client:
        client = Client(raise_request_exception=False)
        client.force_login(user)
        return client

    def api(user) -> Client:
        client = api_client(user)
        client.raise_request_exception = False
        return client

    return FlatWorld(
        coop=coop,
        founder=web(personas.alice),
        member=web(personas.bob),
        bystander=web(dan),
        founder_api=api(personas.alice),
        member_api=api(personas.bob),
        api_urls=api_urls,
    )


def body(operation: Operation):
    data = body_for(operation)
    if isinstance(data, dict):
        data = {key: THIRD if key in PERSON_FIELDS else value for key, value in data.items()}
    return data


def api_call(client: Client, operation: Operation, url: str) -> Answer:
    data = body(operation)
    method = getattr(client, operation.method)
    response = method(url) if data is None else method(url, data)
    return api_answer(response)


def page_routes() -> list[tuple[str, str]]:
    return [(page.route, method) for page in PAGES for method in ("get", "post")]


def page_url(route: str) -> str:
    page = next(p for p in PAGES if p.route == route)
    # Ids of 1 name what carol made (the API walk filled every collection it could).
    values = {
        name: HOME if name == "slug" else THIRD if name == "username" else 1
        for name in page.converters
    }
    return "/" + page.format % values


class FormHarvest(HTMLParser):
    """What each POST form on a page sends if a member fills every blank with a plausible
    value: ``forms[action path] = data``. Where a select names a member, carol is chosen, so
    neither alice nor bob is singled out."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self.forms: dict[str, dict] = {}
        self.data: dict | None = None
        self.select: tuple[str, list[tuple[str, bool]]] | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs) -> None:
        attributes = {name: value or "" for name, value in attrs}
        name = attributes.get("name", "")
        if tag == "form":
            self.data = None
            if attributes.get("method", "get").lower() == "post":
                action = urlsplit(attributes.get("action") or self.url).path
                self.data = self.forms.setdefault(action, {})
        elif self.data is None or (not name and tag != "option"):
            return
        elif tag == "input":
            kind = attributes.get("type", "text")
            if kind == "checkbox":
                if "checked" in attributes:
                    self.data.setdefault(name, []).append(attributes.get("value", "on"))
            elif kind == "radio":
                if name not in self.data or "checked" in attributes:
                    self.data[name] = attributes.get("value", "on")
            elif kind == "date":
                self.data[name] = attributes.get("value") or date.today().isoformat()
            elif kind not in ("submit", "button", "reset"):
                self.data[name] = attributes.get("value") or "1"
        elif tag == "select":
            self.select = (name, [])
        elif tag == "option" and self.select is not None:
            self.select[1].append((attributes.get("value", ""), "selected" in attributes))
        elif tag == "textarea":
            self.textarea = name
            self.data[name] = "1"

    def handle_data(self, data: str) -> None:
        if self.textarea and self.data is not None and data.strip():
            self.data[self.textarea] = data.strip()

    def handle_endtag(self, tag) -> None:
        if tag == "form":
            self.data = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select" and self.select is not None and self.data is not None:
            name, options = self.select
            values = [value for value, _selected in options]
            chosen = [value for value, selected in options if selected]
            if chosen:
                self.data[name] = chosen[0]
            elif THIRD in values:
                self.data[name] = THIRD
            elif any(values):
                self.data[name] = next(value for value in values if value)
            self.select = None


def harvest_forms(client: Client, urls: list[str]) -> dict[str, dict]:
    forms: dict[str, dict] = {}
    for url in urls:
        response = rolled_back(lambda u=url: client.get(u))
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            parser = FormHarvest(url)
            parser.feed(response.content.decode())
            for action, data in parser.forms.items():
                forms.setdefault(action, data)
    return forms


def differences(answers: dict[str, tuple[Answer, Answer]]) -> list[str]:
    return [
        f"{route}: the founder gets {founder}, another member gets {member}"
        for route, (founder, member) in answers.items()
        if founder != member
    ]


def test_the_founder_and_another_member_get_the_same_answer_from_every_api_operation(world):
    answers = {}
    for operation in OPERATIONS:
        url = world.api_urls[operation]
        answers[str(operation)] = (
            rolled_back(lambda op=operation, u=url: api_call(world.founder_api, op, u)),
            rolled_back(lambda op=operation, u=url: api_call(world.member_api, op, u)),
        )

    assert differences(answers) == []
    # The walk is real: most actions were carried out, not refused as if nobody belonged.
    allowed = [route for route, (a, _b) in answers.items() if permission(a.status) == "allowed"]
    assert len(allowed) >= len(OPERATIONS) * 3 // 4, answers


def test_the_founder_and_another_member_get_the_same_answer_from_every_page(world):
    urls = {route: page_url(route) for route, _method in page_routes()}
    forms = harvest_forms(world.bystander, list(urls.values()))
    answers = {}
    for route, method in page_routes():
        url = urls[route]
        data = forms.get(url, {}) if method == "post" else None
        answers[f"{method.upper()} /{route}"] = (
            rolled_back(lambda u=url, m=method, d=data: page_answer(world.founder, m, u, d)),
            rolled_back(lambda u=url, m=method, d=data: page_answer(world.member, m, u, d)),
        )

    assert differences(answers) == []
    # The walk is real: most pages a member can open did open (a POST-only action answers a
    # GET with 405, for everyone).
    gets = [r for r in answers if r.startswith("GET") and answers[r][0].status != 405]
    shown = [route for route in gets if answers[route][0].status == 200]
    assert len(shown) >= len(gets) * 3 // 4, answers


def test_the_walks_cover_governance_and_the_founder_is_set(world):
    """An empty walk would pass everything above."""
    assert {
        "POST /api/v1/coops/{slug}/proposals",
        "POST /api/v1/coops/{slug}/proposals/{proposal_id}/votes",
        "POST /api/v1/coops/{slug}/proxies",
    } <= {str(operation) for operation in OPERATIONS}
    assert {
        "c/<slug:slug>/decisions/",
        "c/<slug:slug>/decisions/<int:pk>/",
        "c/<slug:slug>/settings/",
    } <= {page.route for page in PAGES}
    assert world.coop.founded_by.username == "alice"


def test_a_rule_change_by_the_founder_is_a_proposal_like_anyone_elses(world):
    """Neither member can change a rule directly: both only open a proposal."""
    for client in (world.founder, world.member):
        response = rolled_back(
            lambda c=client: c.post("/c/home/settings/", {"rule": "target_quantity", "value": "24"})
        )
        assert response.status_code == 302
        world.coop.refresh_from_db()
        assert world.coop.target_quantity == 20
