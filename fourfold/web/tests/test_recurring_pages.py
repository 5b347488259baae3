"""The ledger's "Regular costs" page: the list, adding one, ending one."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from fourfold.ledger import recurring
from fourfold.ledger.models import RecurringCost

pytestmark = pytest.mark.django_db

# A fixed today, years from the real one.
TODAY = datetime(2031, 3, 10, 12, tzinfo=ZoneInfo("America/New_York"))
URL = "/c/home/ledger/recurring/"


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def alice_client(client, personas):
    client.force_login(personas.alice)
    return client


def test_the_ledger_links_to_the_page_which_renders_with_one_heading(alice_client):
    assert URL in alice_client.get("/c/home/ledger/").content.decode()
    response = alice_client.get(URL)
    assert response.status_code == 200
    assert len(re.findall(r"<h1[ >]", response.content.decode())) == 1
    assert "No regular costs yet." in text(response)
    assert 'name="cadence"' not in response.content.decode()


def test_a_member_adds_monthly_rent_for_bob_to_confirm(alice_client, personas):
    response = alice_client.post(
        URL,
        {
            "amount": "800.00",
            "category": "space",
            "description": "Kitchen rent",
            "supplier": "Main Street Hall",
            "payer": "bob",
            "rhythm": "monthly",
            "month_day": "1",
            "weekday": "MO",
            "starts": "2031-04-01",
        },
        follow=True,
    )
    page = text(response)
    assert "“Kitchen rent” is set up" in page
    cost = RecurringCost.objects.get()
    assert (cost.payer, cost.cadence) == (personas.bob, "FREQ=MONTHLY;BYMONTHDAY=1")
    assert "on day 1 of every month" in page
    assert "Tue 1 Apr 2031" in page
    assert "End it" in page


def test_a_weekly_cost_and_a_refusal_on_the_form(alice_client):
    fields = {
        "amount": "20",
        "category": "equipment",
        "description": "Freezer hire",
        "payer": "alice",
        "rhythm": "weekly",
        "month_day": "1",
        "weekday": "FR",
        "starts": "2031-03-14",
    }
    alice_client.post(URL, fields)
    assert RecurringCost.objects.get().cadence == "FREQ=WEEKLY;BYDAY=FR"
    refused = alice_client.post(URL, fields | {"supplier": "bob"})
    assert refused.status_code == 200
    assert "Refused by the principle" in text(refused)
    assert RecurringCost.objects.count() == 1


def test_its_payer_ends_it_and_another_member_sees_no_button(client, personas):
    from fourfold.testing import MembershipFactory

    carol = MembershipFactory(coop=personas.coop, user__username="carol").user
    cost = recurring.recurring_create(
        coop=personas.coop,
        by=personas.alice,
        payer=personas.bob,
        amount="800",
        category="space",
        description="Kitchen rent",
        cadence="monthly on the 1st",
        starts=date(2031, 4, 1),
    )
    client.force_login(carol)
    assert "End it" not in text(client.get(URL))
    client.force_login(personas.bob)
    page = text(client.post(f"{URL}{cost.pk}/end/", follow=True))
    assert "“Kitchen rent” has ended" in page
    assert "Ended" in page
    cost.refresh_from_db()
    assert cost.ended_by == personas.bob
    client.force_login(personas.outsider)
    assert client.post(f"{URL}{cost.pk}/end/").status_code == 404
