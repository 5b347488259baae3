"""The pick-up list over the API: a shared phone checks members off, with a token or with the
web session (and its CSRF token) that the pick-up page's script replays offline marks with."""

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fourfold.consumption import services
from fourfold.coops.models import AuditEvent, Membership
from fourfold.production.models import Batch, Shift
from fourfold.testing import MembershipFactory
from fourfold.workflows import production as production_flow

pytestmark = pytest.mark.django_db

BASE = "/api/v1/coops/home"
WEDNESDAY = "2026-02-25T12:00:00-05:00"


def plan_and_make(coop, quantity: int) -> Batch:
    with time_machine.travel(WEDNESDAY):
        production_flow.batches_plan(coop=coop, weeks=2, by=None)
    batch = Batch.objects.filter(coop=coop).order_by("date").first()
    producer = Shift.objects.filter(batch=batch).exclude(member=None).first().member
    return production_flow.batch_record_made(
        batch=batch, by=producer, quantity=quantity, hours="3", today=batch.date
    )


def add_members(coop, count: int, *, first: int = 0) -> None:
    for n in range(first, first + count):
        member = MembershipFactory(coop=coop, user__username=f"m{n:03d}").user
        services.share_set(coop=coop, member=member, units=1)


@pytest.fixture
def made(personas):
    services.share_set(coop=personas.coop, member=personas.alice, units=2)
    services.share_set(coop=personas.coop, member=personas.bob, units=1)
    return plan_and_make(personas.coop, 5)


def test_the_list_says_who_took_what_and_who_marked_it(api_client, personas, made):
    client = api_client(personas.bob)
    marked = client.post(f"{BASE}/batches/{made.pk}/pickups/alice")
    assert marked.status_code == 200
    body = marked.json()
    assert (body["username"], body["units"], body["collected"], body["marked_by"]) == (
        "alice",
        2,
        True,
        "bob",
    )
    listed = client.get(f"{BASE}/batches/{made.pk}/pickups").json()
    assert [(r["username"], r["units"], r["collected"], r["marked_by"]) for r in listed] == [
        ("alice", 2, True, "bob"),
        ("bob", 1, False, None),
    ]
    assert listed[0]["collected_at"] == body["collected_at"]
    assert listed[1]["collected_at"] is None


def test_marking_and_undoing_twice_are_both_200_and_recorded_once(api_client, personas, made):
    client = api_client(personas.alice)
    url = f"{BASE}/batches/{made.pk}/pickups/bob"
    first, second = client.post(url), client.post(url)
    assert (first.status_code, second.status_code) == (200, 200)
    assert first.json() == second.json()
    undone, again = client.delete(url), client.delete(url)
    assert (undone.status_code, again.status_code) == (200, 200)
    assert again.json()["collected"] is False and again.json()["marked_by"] is None
    actions = list(
        AuditEvent.objects.filter(action__startswith="consumption.collected")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["consumption.collected", "consumption.collected_undone"]


def test_the_old_own_share_endpoint_is_the_same_mark(api_client, personas, made):
    client = api_client(personas.alice)
    assert client.post(f"{BASE}/batches/{made.pk}/collected").json()["collected"] is True
    listed = client.get(f"{BASE}/batches/{made.pk}/pickups").json()
    assert listed[0]["marked_by"] == "alice"


def test_what_is_not_there_is_a_404_and_a_batch_not_made_a_409(api_client, personas, made):
    client = api_client(personas.alice)
    assert client.post(f"{BASE}/batches/{made.pk}/pickups/nobody").status_code == 404
    outsider = client.post(f"{BASE}/batches/{made.pk}/pickups/outsider")
    assert outsider.status_code == 404
    planned = Batch.objects.filter(coop=personas.coop, status=Batch.Status.PLANNED).first()
    for answer in (
        client.get(f"{BASE}/batches/{planned.pk}/pickups"),
        client.post(f"{BASE}/batches/{planned.pk}/pickups/bob"),
    ):
        assert answer.status_code == 409, answer.json()
    assert client.get(f"{BASE}/batches/999999/pickups").status_code == 404
    # Another co-op's member learns nothing of this one.
    other = api_client(personas.outsider)
    assert other.get(f"{BASE}/batches/{made.pk}/pickups").status_code == 404
    assert other.post(f"{BASE}/batches/{made.pk}/pickups/bob").status_code == 404


def test_a_paused_member_reads_the_list_but_marks_nothing(api_client, personas, made):
    Membership.objects.filter(coop=personas.coop, user=personas.bob).update(
        status=Membership.Status.PAUSED
    )
    client = api_client(personas.bob)
    assert [r["username"] for r in client.get(f"{BASE}/batches/{made.pk}/pickups").json()] == [
        "alice"
    ]
    refused = client.post(f"{BASE}/batches/{made.pk}/pickups/alice")
    assert refused.status_code == 403
    assert refused.json()["code"] == "principle_violation"


def test_the_web_session_marks_with_its_csrf_token_only(personas, made):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(personas.alice)
    url = f"{BASE}/batches/{made.pk}/pickups/bob"
    assert browser.post(url).status_code == 403
    page = browser.get(f"/c/home/batches/{made.pk}/pickups/")
    token = page.context["csrf_token"]
    marked = browser.post(url, HTTP_X_CSRFTOKEN=str(token))
    assert marked.status_code == 200
    assert marked.json()["marked_by"] == "alice"
    assert browser.delete(url, HTTP_X_CSRFTOKEN=str(token)).json()["collected"] is False
    assert Client().get(f"{BASE}/batches/{made.pk}/pickups").status_code == 401


def _list_queries(client, batch) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{BASE}/batches/{batch.pk}/pickups")
    assert response.status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_for_five_members_or_sixty(api_client, personas):
    add_members(personas.coop, 3)
    small = plan_and_make(personas.coop, 100)
    client = api_client(personas.alice)
    few = _list_queries(client, small)
    add_members(personas.coop, 57, first=3)
    later = Batch.objects.filter(coop=personas.coop, status=Batch.Status.PLANNED).order_by("date")
    big = production_flow.batch_record_made(
        batch=later[0],
        by=Shift.objects.filter(batch=later[0]).exclude(member=None).first().member,
        quantity=100,
        hours="3",
        today=later[0].date,
    )
    assert len(client.get(f"{BASE}/batches/{big.pk}/pickups").json()) == 60
    assert _list_queries(client, big) == few
