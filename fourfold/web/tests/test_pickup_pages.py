"""The pick-up page for a shared phone at the fridge (or the bike kitchen's desk): big rows,
a name search that works without scripts, buttons that post, a print stylesheet."""

import re
from datetime import date

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fourfold.consumption import services
from fourfold.consumption.models import Allocation
from fourfold.coops.models import AuditEvent, Cooperative
from fourfold.production.models import Batch, Shift
from fourfold.testing import MembershipFactory
from fourfold.web.tests.test_service_words import goods_words_in, visible_text
from fourfold.workflows import production as production_flow

pytestmark = pytest.mark.django_db

# The home co-op makes yogurt on Sundays in New York; these tests stand at its fridge on the
# Sunday evening.
SUNDAY_EVENING = "2026-06-14T18:00:00-04:00"


@pytest.fixture(autouse=True)
def sunday():
    with time_machine.travel(SUNDAY_EVENING, tick=False):
        yield


def made_batch(coop) -> Batch:
    production_flow.batches_plan(coop=coop, weeks=2, by=None, today=date(2026, 6, 10))
    batch = Batch.objects.filter(coop=coop).order_by("date").first()
    producer = Shift.objects.filter(batch=batch).exclude(member=None).first().member
    return production_flow.batch_record_made(
        batch=batch, by=producer, quantity=40, hours="3", today=batch.date
    )


@pytest.fixture
def made(personas):
    services.share_set(coop=personas.coop, member=personas.alice, units=2)
    services.share_set(coop=personas.coop, member=personas.bob, units=1)
    return made_batch(personas.coop)


@pytest.fixture
def alice_client(client, personas):
    client.force_login(personas.alice)
    return client


def url(batch, username: str = "") -> str:
    return f"/c/home/batches/{batch.pk}/pickups/" + (f"{username}/" if username else "")


def names_on(response) -> list[str]:
    return re.findall(r'data-name="([^"]+)"', response.content.decode())


def test_the_page_lists_every_share_by_name_with_one_heading(alice_client, made):
    response = alice_client.get(url(made))
    page = response.content.decode()
    assert response.status_code == 200
    assert len(re.findall(r"<h1[ >]", page)) == 1
    assert "Pick-up list of Sun 14 Jun 2026" in visible_text(page)
    assert names_on(response) == ["alice", "bob"]
    assert "0 of 2 shares collected." in visible_text(page)


def test_the_search_works_without_scripts(alice_client, made):
    assert names_on(alice_client.get(url(made), {"q": "BO"})) == ["bob"]
    nothing = alice_client.get(url(made), {"q": "zed"})
    assert "No name matches “zed”." in visible_text(nothing.content.decode())


def test_a_button_marks_a_share_and_undoes_it_without_scripts(alice_client, personas, made):
    marked = alice_client.post(url(made, "bob"), {"action": "collected"}, follow=True)
    assert marked.redirect_chain[-1][0] == url(made)
    text = visible_text(marked.content.decode())
    assert "The share of bob is marked collected." in text
    assert "bob 1 quart Collected Sun 14 Jun 2026, 18:00, marked by alice" in text
    allocation = Allocation.objects.get(batch=made, member=personas.bob)
    assert allocation.collected_by == personas.alice
    alice_client.post(url(made, "bob"), {"action": "undo"})
    allocation.refresh_from_db()
    assert allocation.collected_at is None
    assert AuditEvent.objects.filter(action="consumption.collected_undone").count() == 1


def test_with_htmx_the_row_comes_back_alone(alice_client, made):
    row = alice_client.post(url(made, "bob"), {"action": "collected"}, HTTP_HX_REQUEST="true")
    page = row.content.decode()
    assert page.strip().startswith("<li") and "<h1" not in page
    assert 'class="pickup collected"' in page
    assert 'data-method="DELETE"' in page and ">Undo<" in page


def test_a_planned_batch_or_another_coops_batch_has_no_list(client, alice_client, personas, made):
    planned = Batch.objects.filter(coop=personas.coop, status=Batch.Status.PLANNED).first()
    assert alice_client.get(url(planned)).status_code == 404
    assert alice_client.post(url(made, "nobody"), {"action": "collected"}).status_code == 404
    client.force_login(personas.outsider)
    assert client.get(url(made)).status_code == 404
    assert client.post(url(made, "bob"), {"action": "collected"}).status_code == 404


def test_the_batch_page_and_the_week_link_to_the_list(alice_client, made):
    link = f'href="{url(made)}"'
    assert link in alice_client.get(f"/c/home/shares/batches/{made.pk}/").content.decode()
    assert link in alice_client.get("/week/").content.decode()


def test_the_page_prints_as_a_list_with_tick_boxes(alice_client, made):
    page = alice_client.get(url(made)).content.decode()
    assert re.search(r'<link rel="stylesheet" href="[^"]*fourfold/fourfold[.\w]*css"', page)
    assert 'class="tick"' in page
    with open(finders.find("fourfold/fourfold.css"), encoding="utf-8") as css:
        rules = css.read().split("@media print", 1)[1]
    assert ".pickup .tick { display: inline-block;" in rules
    assert ".pickup form" in rules and ".topbar" in rules


def test_a_service_coop_checks_members_in(alice_client, personas, made):
    Cooperative.objects.filter(pk=personas.coop.pk).update(
        kind=Cooperative.Kind.SERVICE, unit="slot", unit_plural="slots"
    )
    alice_client.post(url(made, "bob"), {"action": "collected"})
    text = visible_text(alice_client.get(url(made)).content.decode())
    assert "Check-in list of Sun 14 Jun 2026" in text
    assert "Checked in" in text and "Not checked in yet" in text
    assert goods_words_in(text) == []


def _page_queries(client, batch) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(batch)).status_code == 200
    return len(queries)


def test_the_page_costs_the_same_queries_for_three_members_or_forty(alice_client, personas):
    for n in range(40):
        MembershipFactory(coop=personas.coop, user__username=f"m{n:02d}")
    for member in personas.coop.memberships.select_related("user")[:3]:
        services.share_set(coop=personas.coop, member=member.user, units=1)
    small = made_batch(personas.coop)
    services.pickup_mark(batch=small, member=personas.alice, by=personas.bob)
    few = _page_queries(alice_client, small)
    for member in personas.coop.memberships.select_related("user"):
        services.share_set(coop=personas.coop, member=member.user, units=1)
    planned = Batch.objects.filter(coop=personas.coop, status=Batch.Status.PLANNED)
    later = planned.order_by("date")[0]
    big = production_flow.batch_record_made(
        batch=later,
        by=Shift.objects.filter(batch=later).exclude(member=None).first().member,
        quantity=60,
        hours="3",
        today=later.date,
    )
    for member in personas.coop.memberships.select_related("user")[:20]:
        services.pickup_mark(batch=big, member=member.user, by=personas.bob)
    assert len(names_on(alice_client.get(url(big)))) == 42
    assert _page_queries(alice_client, big) == few
