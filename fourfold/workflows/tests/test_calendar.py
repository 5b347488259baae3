"""The secret-address iCalendar feed: valid RFC 5545, the member's shifts and the co-op's
batches, and an address that stops working when rotated or when the member leaves."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from icalendar import Calendar

from fourfold.production import services
from fourfold.production.models import Batch, Shift
from fourfold.testing import CoopFactory, MembershipFactory
from fourfold.workflows import membership as membership_flow
from fourfold.workflows import production as production_flow
from fourfold.workflows.calendar import feed_ics

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
SUNDAYS = [date(2026, 3, 8) + timedelta(weeks=n) for n in range(6)]


@pytest.fixture
def coop(time_machine):
    time_machine.move_to(datetime(2026, 3, 4, 12, tzinfo=NEW_YORK), tick=False)
    coop = CoopFactory(name="Yogurt Co-op", product="yogurt", producers_per_batch=1)
    for name in ("ann", "ben", "cy"):
        MembershipFactory(coop=coop, user__username=name)
    production_flow.batches_plan(coop=coop, weeks=6, by=None)
    return coop


@pytest.fixture
def ann(coop):
    return coop.memberships.get(user__username="ann").user


def url(feed) -> str:
    return f"/calendar/{feed.token}.ics"


def events(ics: bytes) -> list:
    return Calendar.from_ical(ics).walk("VEVENT")


def test_the_feed_holds_the_members_shifts_and_the_co_ops_batches(coop, ann):
    feed = services.calendar_feed_ensure(coop=coop, member=ann)
    found = events(feed_ics(feed))
    assert sorted(event.decoded("dtstart") for event in found) == SUNDAYS
    mine = sorted(
        Shift.objects.filter(batch__coop=coop, member=ann).values_list("batch__date", flat=True)
    )
    assert len(mine) == 2
    shifts = [e.decoded("dtstart") for e in found if str(e["summary"]).startswith("Your shift")]
    assert sorted(shifts) == mine
    others = [event for event in found if event.decoded("dtstart") not in mine]
    assert {str(event["summary"]) for event in others} == {"yogurt batch"}
    assert all("Producers: " in str(event["description"]) for event in found)


def test_batches_are_all_day_events_on_the_co_ops_local_date(coop, ann):
    found = events(feed_ics(services.calendar_feed_ensure(coop=coop, member=ann)))
    for event in found:
        start, end = event.decoded("dtstart"), event.decoded("dtend")
        assert type(start) is date and type(end) is date
        assert end == start + timedelta(days=1)
        assert event["dtstart"].params.get("VALUE") == "DATE"


def test_the_feed_is_valid_rfc_5545(coop, ann):
    ics = feed_ics(services.calendar_feed_ensure(coop=coop, member=ann))
    calendar = Calendar.from_ical(ics)
    assert calendar.name == "VCALENDAR"
    assert str(calendar["version"]) == "2.0"
    assert calendar["prodid"]
    lines = ics.split(b"\r\n")
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-2] == b"END:VCALENDAR"
    assert lines[-1] == b""  # every line ends with CRLF
    assert all(len(line) <= 75 for line in lines)  # long lines are folded
    uids = [str(event["uid"]) for event in events(ics)]
    assert len(uids) == len(set(uids))
    for event in events(ics):
        assert event["dtstamp"].to_ical().endswith(b"Z")  # DTSTAMP is in UTC


def test_a_missed_batch_shows_as_cancelled(coop, ann, time_machine):
    time_machine.move_to(datetime(2026, 3, 8, 18, tzinfo=NEW_YORK), tick=False)
    batch = Batch.objects.get(coop=coop, date=SUNDAYS[0])
    producer = batch.shifts.get().member
    services.batch_record_missed(batch=batch, by=producer, reason="No milk")
    found = events(feed_ics(services.calendar_feed_ensure(coop=coop, member=ann)))
    [missed] = [event for event in found if event.decoded("dtstart") == SUNDAYS[0]]
    assert str(missed["summary"]).startswith("Missed: ")
    assert str(missed["status"]) == "CANCELLED"


def test_another_co_ops_batches_stay_out_of_the_feed(coop, ann):
    other = CoopFactory(product="bread")
    MembershipFactory(coop=other, user=ann)
    production_flow.batches_plan(coop=other, weeks=6, by=None)
    found = events(feed_ics(services.calendar_feed_ensure(coop=coop, member=ann)))
    assert len(found) == len(SUNDAYS)
    assert not any("bread" in str(event["summary"]) for event in found)


def test_the_web_address_serves_the_calendar_without_logging_in(coop, ann):
    feed = services.calendar_feed_ensure(coop=coop, member=ann)
    response = Client().get(url(feed))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert len(events(response.content)) == len(SUNDAYS)


def test_the_address_is_stable_until_rotated_and_the_old_one_then_404s(coop, ann):
    feed = services.calendar_feed_ensure(coop=coop, member=ann)
    assert services.calendar_feed_ensure(coop=coop, member=ann).token == feed.token
    rotated = services.calendar_feed_rotate(coop=coop, member=ann)
    assert rotated.token != feed.token
    assert Client().get(url(feed)).status_code == 404
    assert Client().get(url(rotated)).status_code == 200


def test_a_member_who_left_gets_404_and_a_paused_one_keeps_the_calendar(coop, ann):
    ben = coop.memberships.get(user__username="ben").user
    ann_feed = services.calendar_feed_ensure(coop=coop, member=ann)
    ben_feed = services.calendar_feed_ensure(coop=coop, member=ben)
    membership_flow.membership_leave(coop=coop, member=ann)
    membership_flow.membership_pause(coop=coop, member=ben)
    assert Client().get(url(ann_feed)).status_code == 404
    assert Client().get(url(ben_feed)).status_code == 200


def test_an_unknown_token_is_404(coop):
    assert Client().get("/calendar/not-a-real-token.ics").status_code == 404


def test_a_switched_off_account_loses_its_calendar(coop, ann):
    feed = services.calendar_feed_ensure(coop=coop, member=ann)
    ann.is_active = False
    ann.save(update_fields=["is_active"])
    assert Client().get(url(feed)).status_code == 404


def test_the_feed_holds_the_deadlines_of_open_votes(coop, ann):
    from fourfold.workflows import decisions as decisions_flow

    pot = decisions_flow.proposal_open(coop=coop, by=ann, kind="general", title="A bigger pot")
    honey = decisions_flow.proposal_open(coop=coop, by=ann, kind="general", title="Honey")
    decisions_flow.vote_cast(proposal=honey, member=ann, position="agree")
    feed = services.calendar_feed_ensure(coop=coop, member=ann)
    votes = {
        str(event["summary"]): event
        for event in events(feed_ics(feed))
        if "CATEGORIES" in event and "vote" in [str(c) for c in event["categories"].cats]
    }
    assert set(votes) == {
        "Vote before it closes: A bigger pot",
        "Vote closes: Honey (you voted)",
    }
    assert votes["Vote before it closes: A bigger pot"].decoded("dtend") == pot.closes_at
    decisions_flow.vote_cast(
        proposal=pot, member=coop.memberships.get(user__username="ben").user, position="agree"
    )
    decisions_flow.vote_cast(proposal=pot, member=ann, position="agree")
    decisions_flow.vote_cast(
        proposal=pot, member=coop.memberships.get(user__username="cy").user, position="agree"
    )
    # Decided once everyone voted: its deadline leaves the calendar.
    assert not any("A bigger pot" in str(e["summary"]) for e in events(feed_ics(feed)))


def test_the_feed_is_in_its_members_language_whoever_fetches_it(coop, ann):
    ann.language = "fr"
    ann.save(update_fields=["language"])
    ben = coop.memberships.get(user__username="ben").user
    for member, language in ((ann, "fr"), (ben, "en")):
        feed = services.calendar_feed_ensure(coop=coop, member=member)
        response = Client().get(url(feed), HTTP_ACCEPT_LANGUAGE="de")
        assert response["Content-Language"] == language
        found = events(response.content)
        assert {event["summary"].params["LANGUAGE"] for event in found} == {language}
        assert {event["description"].params["LANGUAGE"] for event in found} == {language}
