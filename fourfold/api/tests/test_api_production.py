"""The production API as DESIGN.md promises it: planning, batches, recording, availability,
shifts and swaps, the calendar address, and JSON errors with codes."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from fourfold.coops.models import AuditEvent
from fourfold.production.models import Batch, CalendarFeed, Shift, Unavailability
from fourfold.testing import MembershipFactory

pytestmark = pytest.mark.django_db

HOME = "/api/v1/coops/home"
NEW_YORK = ZoneInfo("America/New_York")
SUNDAYS = [date(2026, 3, 8) + timedelta(weeks=n) for n in range(8)]


@pytest.fixture(autouse=True)
def wednesday(time_machine):
    time_machine.move_to(datetime(2026, 3, 4, 12, tzinfo=NEW_YORK), tick=False)


@pytest.fixture
def crew(personas):
    """Alice, Bob, Carol and Dee produce in twos at the home co-op."""
    carol = MembershipFactory(coop=personas.coop, user__username="carol").user
    dee = MembershipFactory(coop=personas.coop, user__username="dee").user
    return {"alice": personas.alice, "bob": personas.bob, "carol": carol, "dee": dee}


@pytest.fixture
def planned(api_client, crew):
    response = api_client(crew["alice"]).post(f"{HOME}/batches/plan", {"weeks": 6})
    assert response.status_code == 200
    return {b["date"]: b for b in api_client(crew["alice"]).get(f"{HOME}/batches").json()}


def producers_on(planned, day: date) -> list[str]:
    return planned[day.isoformat()]["producers"]


def test_planning_creates_the_batches_and_assigns_the_shifts(api_client, crew):
    client = api_client(crew["alice"])
    response = client.post(f"{HOME}/batches/plan", {"weeks": 4})
    assert response.status_code == 200
    assert response.json() == {
        "created": 4,
        "assigned": 8,
        "changed": 8,
        "back_to_back": 0,
        "open": [],
    }
    again = client.post(f"{HOME}/batches/plan", {"weeks": 4}).json()
    assert (again["created"], again["changed"]) == (0, 0)
    assert Batch.objects.count() == 4


def test_batches_are_listed_with_the_contract_fields(api_client, crew, planned):
    response = api_client(crew["bob"]).get(f"{HOME}/batches")
    assert response.status_code == 200
    assert response["X-Total-Count"] == "6"
    body = response.json()
    assert [b["date"] for b in body] == [day.isoformat() for day in SUNDAYS[:6]]
    for batch in body:
        assert {"id", "date", "status", "planned_quantity", "made_quantity", "producers"} <= set(
            batch
        )
        assert (batch["status"], batch["planned_quantity"], batch["made_quantity"]) == (
            "planned",
            20,
            None,
        )
        assert len(batch["producers"]) == 2
        assert set(batch["producers"]) <= set(crew)


def test_a_batch_shows_its_shifts(api_client, crew, planned):
    batch = planned[SUNDAYS[1].isoformat()]
    body = api_client(crew["carol"]).get(f"{HOME}/batches/{batch['id']}").json()
    assert [shift["member"] for shift in body["shifts"]] == batch["producers"]
    assert body["allocations"] == []
    assert body["missed_reason"] == "" and body["recorded_by"] is None


def test_a_batch_of_another_co_op_is_not_found(api_client, crew, planned, personas):
    batch = planned[SUNDAYS[0].isoformat()]
    response = api_client(personas.outsider).get(f"/api/v1/coops/elsewhere/batches/{batch['id']}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_producer_records_the_batch_made(api_client, crew, planned, time_machine):
    time_machine.move_to(datetime(2026, 3, 8, 17, tzinfo=NEW_YORK), tick=False)
    batch = planned[SUNDAYS[0].isoformat()]
    producer = crew[batch["producers"][0]]
    response = api_client(producer).post(
        f"{HOME}/batches/{batch['id']}/made", {"quantity": 20, "hours": "3.5"}
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["made_quantity"], body["hours_spent"]) == ("made", 20, "3.50")
    again = api_client(producer).post(
        f"{HOME}/batches/{batch['id']}/made", {"quantity": 20, "hours": "3.5"}
    )
    assert again.status_code == 409
    assert again.json()["code"] == "conflict"


def test_recording_is_refused_before_the_day_and_to_non_producers(api_client, crew, planned):
    batch = planned[SUNDAYS[0].isoformat()]
    producer = crew[batch["producers"][0]]
    early = api_client(producer).post(
        f"{HOME}/batches/{batch['id']}/made", {"quantity": 20, "hours": "3"}
    )
    assert early.status_code == 409
    assert "still ahead" in early.json()["detail"]
    bystander = next(name for name in crew if name not in batch["producers"])
    refused = api_client(crew[bystander]).post(
        f"{HOME}/batches/{batch['id']}/missed", {"reason": "nobody came"}
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "conflict"


@pytest.mark.parametrize(
    "payload",
    [{"quantity": -1, "hours": "3"}, {"quantity": 20, "hours": "three"}, {"quantity": 20}],
)
def test_malformed_figures_are_refused_as_json(api_client, crew, planned, payload):
    batch = planned[SUNDAYS[0].isoformat()]
    response = api_client(crew["alice"]).post(f"{HOME}/batches/{batch['id']}/made", payload)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


def test_marking_yourself_unavailable_takes_you_off_those_days(api_client, crew, planned):
    day = SUNDAYS[3]
    name = producers_on(planned, day)[0]
    client = api_client(crew[name])
    response = client.post(
        f"{HOME}/availability",
        {"start": (day - timedelta(days=1)).isoformat(), "end": day.isoformat(), "note": "trip"},
    )
    assert response.status_code == 201
    assert response.json()["start"] == (day - timedelta(days=1)).isoformat()
    assert Unavailability.objects.get().member == crew[name]
    after = {b["date"]: b for b in client.get(f"{HOME}/batches").json()}
    assert name not in producers_on(after, day)
    assert len(producers_on(after, day)) == 2
    periods = client.get(f"{HOME}/availability").json()
    assert [(p["start"], p["end"], p["note"]) for p in periods] == [
        ((day - timedelta(days=1)).isoformat(), day.isoformat(), "trip")
    ]
    removed = client.delete(f"{HOME}/availability/{periods[0]['id']}")
    assert removed.status_code == 204
    assert client.get(f"{HOME}/availability").json() == []


def test_availability_ending_before_it_starts_is_refused(api_client, crew):
    response = api_client(crew["alice"]).post(
        f"{HOME}/availability", {"start": "2026-03-20", "end": "2026-03-10"}
    )
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("invalid", "end")


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("9999-12-31", "9999-12-31", "start"),
        ("2036-03-05", "2036-03-05", "start"),  # ten years and a day from 4 March 2026
        ("2036-03-04", "2036-03-05", "end"),
    ],
)
def test_a_day_away_beyond_ten_years_is_refused_and_the_pages_stay_up(
    api_client, crew, start, end, field
):
    client = api_client(crew["alice"])
    response = client.post(f"{HOME}/availability", {"start": start, "end": end})
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("invalid", field)
    assert "within 10 years" in response.json()["detail"]
    assert not Unavailability.objects.exists()
    assert client.get(f"{HOME}/shifts/explanation").status_code == 200


def test_a_day_away_ten_years_ahead_is_still_accepted(api_client, crew):
    response = api_client(crew["alice"]).post(
        f"{HOME}/availability", {"start": "2036-03-04", "end": "2036-03-04"}
    )
    assert response.status_code == 201


def test_my_shifts_and_why_i_have_them(api_client, crew, planned):
    client = api_client(crew["dee"])
    mine = client.get(f"{HOME}/shifts", {"member": "me"}).json()
    assert len(mine) == 3  # twelve places, four members
    assert {shift["member"] for shift in mine} == {"dee"}
    everyone = client.get(f"{HOME}/shifts").json()
    assert len(everyone) == 12
    why = client.get(f"{HOME}/shifts/explanation").json()
    assert (why["planned"], why["total"], why["fair_share"]) == (3, 12, "3.00")
    missing = client.get(f"{HOME}/shifts", {"member": "nobody"})
    assert missing.status_code == 404


def test_a_swap_offered_and_taken(api_client, crew, planned):
    day = SUNDAYS[3]
    giver = producers_on(planned, day)[0]
    taker = next(name for name in crew if name not in producers_on(planned, day))
    shift = Shift.objects.get(batch__date=day, member=crew[giver])
    offered = api_client(crew[giver]).post(f"{HOME}/shifts/{shift.pk}/swap")
    assert offered.status_code == 201
    swap = offered.json()
    assert (swap["shift"], swap["date"], swap["offered_by"], swap["status"]) == (
        shift.pk,
        day.isoformat(),
        giver,
        "open",
    )
    board = api_client(crew[taker]).get(f"{HOME}/swaps").json()
    assert [s["id"] for s in board] == [swap["id"]]
    taken = api_client(crew[taker]).post(f"{HOME}/swaps/{swap['id']}/take")
    assert taken.status_code == 200
    assert (taken.json()["id"], taken.json()["member"]) == (shift.pk, taker)
    assert api_client(crew[taker]).get(f"{HOME}/swaps").json() == []
    twice = api_client(crew[giver]).post(f"{HOME}/swaps/{swap['id']}/take")
    assert twice.status_code == 409


def test_offering_someone_elses_shift_is_refused(api_client, crew, planned):
    day = SUNDAYS[3]
    holder = producers_on(planned, day)[0]
    other = next(name for name in crew if name not in producers_on(planned, day))
    shift = Shift.objects.get(batch__date=day, member=crew[holder])
    response = api_client(crew[other]).post(f"{HOME}/shifts/{shift.pk}/swap")
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"


def test_an_offer_is_withdrawn_by_its_giver_only(api_client, crew, planned):
    day = SUNDAYS[3]
    giver = producers_on(planned, day)[0]
    other = next(name for name in crew if name not in producers_on(planned, day))
    shift = Shift.objects.get(batch__date=day, member=crew[giver])
    swap = api_client(crew[giver]).post(f"{HOME}/shifts/{shift.pk}/swap").json()
    assert api_client(crew[other]).post(f"{HOME}/swaps/{swap['id']}/cancel").status_code == 409
    cancelled = api_client(crew[giver]).post(f"{HOME}/swaps/{swap['id']}/cancel")
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert api_client(crew[other]).post(f"{HOME}/swaps/{swap['id']}/take").status_code == 409


def test_a_swap_of_another_co_op_is_not_found(api_client, crew, planned, personas):
    day = SUNDAYS[3]
    giver = producers_on(planned, day)[0]
    shift = Shift.objects.get(batch__date=day, member=crew[giver])
    swap = api_client(crew[giver]).post(f"{HOME}/shifts/{shift.pk}/swap").json()
    response = api_client(personas.outsider).post(
        f"/api/v1/coops/elsewhere/swaps/{swap['id']}/take"
    )
    assert response.status_code == 404


def test_the_calendar_address_serves_the_feed_until_rotated(api_client, crew, planned):
    client = api_client(crew["alice"])
    address = client.post(f"{HOME}/calendar").json()["url"]
    assert address.startswith("http://testserver/calendar/") and address.endswith(".ics")
    assert client.get(f"{HOME}/calendar").json()["url"] == address
    path = address.removeprefix("http://testserver")
    feed = Client().get(path)
    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("text/calendar")
    assert b"Your shift" in feed.content
    rotated = client.post(f"{HOME}/calendar/rotate").json()["url"]
    assert rotated != address
    assert Client().get(path).status_code == 404
    assert Client().get(rotated.removeprefix("http://testserver")).status_code == 200


def test_asking_for_the_calendar_address_before_making_one_is_not_found(api_client, crew):
    response = api_client(crew["alice"]).get(f"{HOME}/calendar")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "POST" in response.json()["detail"]
    assert not CalendarFeed.objects.exists()
    assert not AuditEvent.objects.filter(action="production.calendar_made").exists()


def test_posting_makes_the_calendar_address_once(api_client, crew):
    client = api_client(crew["alice"])
    made = client.post(f"{HOME}/calendar")
    assert made.status_code == 201
    feed = CalendarFeed.objects.get()
    assert (feed.coop.slug, feed.member) == ("home", crew["alice"])
    assert made.json()["url"].endswith(f"/calendar/{feed.token}.ics")
    audit = AuditEvent.objects.get(action="production.calendar_made")
    assert (audit.coop.slug, audit.actor) == ("home", crew["alice"])
    again = client.post(f"{HOME}/calendar")
    assert again.status_code == 200
    assert again.json()["url"] == made.json()["url"]
    read = client.get(f"{HOME}/calendar")
    assert read.status_code == 200
    assert read.json()["url"] == made.json()["url"]
    assert CalendarFeed.objects.count() == 1
    assert AuditEvent.objects.filter(action="production.calendar_made").count() == 1


def test_another_co_ops_calendar_address_is_not_found_and_never_made(api_client, crew):
    client = api_client(crew["alice"])
    for response in (
        client.get("/api/v1/coops/elsewhere/calendar"),
        client.post("/api/v1/coops/elsewhere/calendar"),
    ):
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert not CalendarFeed.objects.exists()


@pytest.mark.parametrize("weeks", [0, 105, "many"])
def test_planning_a_bad_number_of_weeks_is_refused(api_client, crew, weeks):
    response = api_client(crew["alice"]).post(f"{HOME}/batches/plan", {"weeks": weeks})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert not Batch.objects.exists()


def test_without_a_token_production_answers_401(api_client, crew):
    response = api_client().post(f"{HOME}/batches/plan", {"weeks": 4})
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_an_outsider_cannot_plan_or_see_the_batches(api_client, crew, personas):
    client = api_client(personas.outsider)
    for response in (
        client.post(f"{HOME}/batches/plan", {"weeks": 4}),
        client.get(f"{HOME}/batches"),
        client.post(f"{HOME}/availability", {"start": "2026-03-10", "end": "2026-03-12"}),
        client.get(f"{HOME}/calendar"),
    ):
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert not Batch.objects.exists()


def test_a_paused_member_cannot_plan(api_client, crew):
    crew["bob"].memberships.update(status="paused")
    response = api_client(crew["bob"]).post(f"{HOME}/batches/plan", {"weeks": 4})
    assert response.status_code == 403
    assert (response.json()["code"], response.json()["principle"]) == (
        "principle_violation",
        "members_only",
    )


@pytest.mark.parametrize("hours, shown", [(3, "3.00"), (3.5, "3.50"), ("3.5", "3.50")])
def test_the_hours_and_quantity_may_be_json_numbers(
    api_client, crew, planned, time_machine, hours, shown
):
    time_machine.move_to(datetime(2026, 3, 8, 17, tzinfo=NEW_YORK), tick=False)
    batch = planned[SUNDAYS[0].isoformat()]
    producer = crew[batch["producers"][0]]

    response = api_client(producer).post(
        f"{HOME}/batches/{batch['id']}/made", {"quantity": 20, "hours": hours}
    )

    assert response.status_code == 200, response.content
    assert (response.json()["made_quantity"], response.json()["hours_spent"]) == (20, shown)


def test_hours_that_are_not_a_number_are_named_in_one_sentence(api_client, crew, planned):
    batch = planned[SUNDAYS[0].isoformat()]

    response = api_client(crew["alice"]).post(
        f"{HOME}/batches/{batch['id']}/made", {"quantity": 20, "hours": "three"}
    )

    assert response.status_code == 422
    assert response.json() == {
        "detail": "hours: enter a number such as 3.5",
        "code": "invalid",
        "errors": [{"field": "hours", "message": "enter a number such as 3.5"}],
    }
