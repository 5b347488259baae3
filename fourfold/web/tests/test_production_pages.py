import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from fourfold.coops.selectors import coop_today
from fourfold.production import swaps
from fourfold.production.models import Batch, CalendarFeed, Shift, Swap, Unavailability
from fourfold.testing import MembershipFactory
from fourfold.workflows import production as production_flow

pytestmark = pytest.mark.django_db

PRODUCTION = "/c/home/production/"
SHIFTS = "/c/home/production/shifts/"
AVAILABILITY = "/c/home/production/availability/"
SWAPS = "/c/home/production/swaps/"
CALENDAR_ROTATE = "/c/home/production/calendar/rotate/"


def h1_count(response) -> int:
    return len(re.findall(r"<h1[ >]", response.content.decode()))


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def producers(batch) -> set[str]:
    return set(
        Shift.objects.filter(batch=batch, member__isnull=False).values_list(
            "member__username", flat=True
        )
    )


def plan(personas, weeks=8):
    return production_flow.batches_plan(coop=personas.coop, weeks=weeks, by=personas.alice)


def beyond_lock_window(personas, member):
    """A planned batch of ``member``'s that re-planning may still move."""
    coop = personas.coop
    first_movable = coop_today(coop) + timedelta(days=coop.lock_window_days)
    return (
        Batch.objects.filter(coop=coop, date__gte=first_movable, shifts__member=member)
        .order_by("date")
        .first()
    )


def shared_with(personas, holder, stranger):
    """A movable batch ``holder`` produces and ``stranger`` does not."""
    coop = personas.coop
    first_movable = coop_today(coop) + timedelta(days=coop.lock_window_days)
    return (
        Batch.objects.filter(coop=coop, date__gte=first_movable, shifts__member=holder)
        .exclude(shifts__member=stranger)
        .order_by("date")
        .first()
    )


def record_url(batch, what: str) -> str:
    return f"/c/home/production/batches/{batch.pk}/{what}/"


@pytest.fixture
def carol(personas):
    """A third member, so that a batch of two has someone to turn to."""
    return MembershipFactory(coop=personas.coop, user__username="carol").user


@pytest.fixture
def alice_client(client, personas):
    client.force_login(personas.alice)
    return client


@pytest.fixture
def planned(personas, carol):
    plan(personas)
    return personas


@pytest.fixture
def past_batches(planned, time_machine):
    """The day after the second batch: the first two batches' days have come and they await a
    record (counted from the batches, not from today, which may itself be a batch day)."""
    second = Batch.objects.filter(coop=planned.coop).order_by("date")[1]
    noon = datetime.combine(second.date + timedelta(days=1), time(12), tzinfo=planned.coop.zone)
    time_machine.move_to(noon, tick=False)
    today = coop_today(planned.coop)
    return list(Batch.objects.filter(coop=planned.coop, date__lte=today).order_by("date"))


# --- Pages --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [PRODUCTION, SHIFTS, AVAILABILITY, SWAPS, "/c/home/"])
def test_each_production_page_renders_with_one_heading(alice_client, planned, path):
    response = alice_client.get(path)
    assert response.status_code == 200
    assert h1_count(response) == 1


def test_the_batch_page_renders_with_one_heading(alice_client, planned):
    today = coop_today(planned.coop)
    batch = Batch.objects.filter(coop=planned.coop, date__gt=today).order_by("date").first()
    response = alice_client.get(f"/c/home/production/batches/{batch.pk}/")
    assert response.status_code == 200
    assert h1_count(response) == 1
    assert b"still ahead" in response.content


def test_the_coop_nav_links_to_production(alice_client, personas):
    response = alice_client.get("/c/home/")
    assert b'href="/c/home/production/"' in response.content


def test_the_production_page_lists_upcoming_batches_with_their_producers(alice_client, planned):
    response = alice_client.get(PRODUCTION)
    upcoming = response.context["upcoming"]
    # Eight were planned; on a batch day the first is today's, awaiting its record, not ahead.
    today = coop_today(planned.coop)
    ahead = Batch.objects.filter(coop=planned.coop, date__gt=today).count()
    assert ahead in (7, 8)
    assert len(upcoming) == ahead
    assert all(len(row.producers) == 2 for row in upcoming)
    first = upcoming[0].batch
    assert f'<time datetime="{first.date.isoformat()}">'.encode() in response.content
    assert f"{ahead} batches ahead".encode() in response.content
    assert b"the co-op's time zone, Eastern Time" in response.content


def test_the_upcoming_batch_dates_are_the_coops_local_dates(client, time_machine):
    """At 02:00 UTC on a Monday it is still Sunday in New York: Sunday's batch is today's."""
    time_machine.move_to("2026-06-15 02:00Z", tick=False)
    membership = MembershipFactory(
        coop__slug="home", coop__timezone="America/New_York", user__username="alice"
    )
    MembershipFactory(coop=membership.coop)
    production_flow.batches_plan(coop=membership.coop, weeks=2, by=membership.user)
    client.force_login(membership.user)
    response = client.get(PRODUCTION)
    assert response.context["today"].isoformat() == "2026-06-14"
    assert b'<time datetime="2026-06-21">Sun 21 Jun 2026</time>' in response.content
    # Today's batch awaits its record rather than being "upcoming".
    assert [row.batch.date.isoformat() for row, *_ in response.context["awaiting"]] == [
        "2026-06-14"
    ]


# --- Planning -----------------------------------------------------------------------------


def test_planning_through_the_form_creates_the_batches(alice_client, personas, carol):
    response = alice_client.post(PRODUCTION, {"weeks": "4"}, follow=True)
    assert response.redirect_chain[-1][0] == PRODUCTION
    assert Batch.objects.filter(coop=personas.coop).count() == 4
    assert all(len(producers(batch)) == 2 for batch in Batch.objects.filter(coop=personas.coop))
    assert any("4 new batches are planned" in text for text in messages_of(response))


def test_the_plan_form_suggests_eight_weeks(alice_client, personas):
    response = alice_client.get(PRODUCTION)
    assert response.context["form"]["weeks"].value() == 8


def test_planning_again_adds_nothing(alice_client, planned):
    response = alice_client.post(PRODUCTION, {"weeks": "8"}, follow=True)
    assert Batch.objects.filter(coop=planned.coop).count() == 8
    assert "Every batch of the next 8 weeks was already planned." in messages_of(response)


@pytest.mark.parametrize("weeks", ["0", "105", "many", ""])
def test_planning_refuses_a_bad_number_of_weeks_by_the_field(alice_client, personas, weeks):
    response = alice_client.post(PRODUCTION, {"weeks": weeks})
    assert response.status_code == 200
    assert response.context["form"].errors["weeks"]
    assert not Batch.objects.exists()


def test_each_open_place_explains_itself_as_a_message(alice_client, personas):
    personas.coop.producers_per_batch = 3
    personas.coop.save()
    response = alice_client.post(PRODUCTION, {"weeks": "2"}, follow=True)
    warnings = [m for m in messages_of(response) if "1 place open on" in m]
    assert len(warnings) == 2
    assert "already producing that day" in warnings[0]
    assert b"1 place open" in response.content


def test_a_paused_member_cannot_plan(client, personas):
    personas.coop.memberships.filter(user=personas.bob).update(status="paused")
    client.force_login(personas.bob)
    response = client.post(PRODUCTION, {"weeks": "4"})
    assert response.status_code == 200
    assert "only active members plan production" in str(response.context["form"].non_field_errors())
    assert not Batch.objects.exists()


# --- Availability -------------------------------------------------------------------------


def test_marking_yourself_away_replans_you_off_that_batch(alice_client, planned):
    batch = beyond_lock_window(planned, planned.alice)
    day = batch.date.isoformat()

    response = alice_client.post(AVAILABILITY, {"start": day, "end": day}, follow=True)

    assert response.redirect_chain[-1][0] == AVAILABILITY
    assert "alice" not in producers(batch)
    assert len(producers(batch)) == 2
    assert any("You are marked away" in text for text in messages_of(response))
    assert f'<time datetime="{day}">'.encode() in response.content
    shifts = alice_client.get(SHIFTS)
    assert (
        f"Not on {batch.date:%a} {batch.date.day} {batch.date:%b %Y}: you are away.".encode()
        in (shifts.content)
    )


def test_a_single_day_away_needs_only_the_first_day(alice_client, planned):
    batch = beyond_lock_window(planned, planned.alice)
    alice_client.post(AVAILABILITY, {"start": batch.date.isoformat(), "end": ""})
    spell = Unavailability.objects.get()
    assert spell.start == spell.end == batch.date
    assert "alice" not in producers(batch)


def test_a_day_away_inside_the_lock_window_keeps_the_shift_and_says_so(client, planned):
    # A weekly cadence always has a batch within the 7-day lock window.
    locked = Batch.objects.filter(coop=planned.coop).order_by("date").first()
    producer = Shift.objects.filter(batch=locked).first().member
    client.force_login(producer)
    day = locked.date.isoformat()

    response = client.post(AVAILABILITY, {"start": day, "end": day}, follow=True)

    assert producer.username in producers(locked)
    assert any("You still produce on" in text for text in messages_of(response))
    shifts = client.get(SHIFTS)
    assert b"You are away that day, but this shift stays yours" in shifts.content


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        ("2030-06-10", "2030-06-01", "end", "The last day comes on or after the first."),
        ("2000-01-01", "2000-01-02", "end", "That is in the past."),
        ("2030-01-01", "2031-06-01", "end", "Mark at most a year at a time."),
        ("next week", "", "start", "Enter a valid date."),
        ("", "", "start", "This field is required."),
        ("2030-06-01", "31/12/2030", "end", "Enter a valid date."),
    ],
)
def test_bad_dates_away_are_refused_next_to_their_field(
    alice_client, personas, start, end, field, message
):
    response = alice_client.post(AVAILABILITY, {"start": start, "end": end})
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert b'aria-invalid="true"' in response.content
    assert not Unavailability.objects.exists()


def test_removing_a_period_away_puts_you_back_in_the_rotation(alice_client, planned):
    batch = beyond_lock_window(planned, planned.alice)
    day = batch.date.isoformat()
    alice_client.post(AVAILABILITY, {"start": day, "end": day, "note": "visiting family"})
    spell = Unavailability.objects.get()
    page = alice_client.get(AVAILABILITY)
    assert b"visiting family" in page.content
    assert f"/c/home/production/availability/{spell.pk}/remove/".encode() in page.content

    response = alice_client.post(f"/c/home/production/availability/{spell.pk}/remove/", follow=True)

    assert not Unavailability.objects.exists()
    assert "You are available again; the plan is updated." in messages_of(response)


def test_nobody_removes_another_members_period_away(client, planned):
    spell = production_flow.unavailability_add(
        coop=planned.coop,
        member=planned.alice,
        start=coop_today(planned.coop) + timedelta(days=30),
        end=coop_today(planned.coop) + timedelta(days=31),
    )
    client.force_login(planned.bob)
    response = client.post(f"/c/home/production/availability/{spell.pk}/remove/", follow=True)
    assert "No such period away." in messages_of(response)
    assert Unavailability.objects.filter(pk=spell.pk).exists()


# --- Shifts and swaps ---------------------------------------------------------------------


def test_my_shifts_explain_themselves(alice_client, planned):
    response = alice_client.get(SHIFTS)
    why = production_flow.rotation_explanation(coop=planned.coop, member=planned.alice)
    text = response.content.decode()
    assert f"You: {why.planned} shifts planned and 0 done in the last 12 weeks." in text
    assert f"Your fair share is {float(why.fair_share):.1f} of the 16 places" in text
    assert "(33% of the rotation)" in text
    assert len(response.context["rows"]) == why.planned


def test_a_member_without_a_share_is_told_why_they_have_no_shifts(client, personas, carol):
    from fourfold.consumption import services as consumption

    consumption.share_set(coop=personas.coop, member=personas.alice, units=2)
    client.force_login(carol)
    text = client.get(SHIFTS).content.decode()
    assert "You take no share of what we make yet" in text
    assert "not an active member" not in text
    personas.coop.memberships.filter(user=carol).update(status="paused")
    assert "You are not an active member just now" in client.get(SHIFTS).content.decode()


def test_offering_and_taking_a_swap_moves_the_shift(client, planned):
    batch = shared_with(planned, planned.alice, planned.bob)
    shift = Shift.objects.get(batch=batch, member=planned.alice)
    client.force_login(planned.alice)

    response = client.post(f"/c/home/production/shifts/{shift.pk}/offer/", follow=True)

    assert response.redirect_chain[-1][0] == SHIFTS
    assert any("is on the swap board" in text for text in messages_of(response))
    swap = Swap.objects.get(shift=shift, status="open")
    assert f"/c/home/production/swaps/{swap.pk}/withdraw/".encode() in response.content

    client.force_login(planned.bob)
    board = client.get(SWAPS)
    assert list(board.context["swaps"]) == [swap]
    assert b"offered by alice" in board.content
    response = client.post(f"/c/home/production/swaps/{swap.pk}/take/", follow=True)

    shift.refresh_from_db()
    assert shift.member == planned.bob
    assert any("You took alice's shift" in text for text in messages_of(response))
    assert list(response.context["swaps"]) == []


def test_taking_a_shift_on_a_day_away_is_refused_with_the_reason(client, planned):
    batch = shared_with(planned, planned.alice, planned.bob)
    shift = Shift.objects.get(batch=batch, member=planned.alice)
    swap = swaps.swap_offer(shift=shift, by=planned.alice)
    production_flow.unavailability_add(
        coop=planned.coop, member=planned.bob, start=batch.date, end=batch.date
    )
    client.force_login(planned.bob)

    response = client.post(f"/c/home/production/swaps/{swap.pk}/take/", follow=True)

    assert "You marked yourself away that day." in messages_of(response)
    shift.refresh_from_db()
    assert shift.member == planned.alice


def test_you_cannot_take_your_own_offer_but_can_withdraw_it(alice_client, planned):
    shift = Shift.objects.filter(batch__coop=planned.coop, member=planned.alice).last()
    swap = swaps.swap_offer(shift=shift, by=planned.alice)
    board = alice_client.get(SWAPS)
    assert b"Withdraw my offer" in board.content
    response = alice_client.post(f"/c/home/production/swaps/{swap.pk}/take/", follow=True)
    assert "You offered this shift; withdraw the offer instead." in messages_of(response)

    response = alice_client.post(f"/c/home/production/swaps/{swap.pk}/withdraw/", follow=True)
    swap.refresh_from_db()
    assert swap.status == "cancelled"
    assert any("stays yours" in text for text in messages_of(response))


def test_only_the_member_on_a_shift_can_offer_it(client, planned):
    shift = Shift.objects.filter(batch__coop=planned.coop, member=planned.alice).last()
    client.force_login(planned.bob)
    response = client.post(f"/c/home/production/shifts/{shift.pk}/offer/", follow=True)
    assert "Only the member on a shift can offer it." in messages_of(response)
    assert not Swap.objects.exists()


# --- Recording ----------------------------------------------------------------------------


def test_a_producer_marks_a_batch_made(client, past_batches, personas):
    batch = past_batches[0]
    producer = Shift.objects.filter(batch=batch).first().member
    client.force_login(producer)
    page = client.get(PRODUCTION)
    assert [row.batch for row, *_ in page.context["awaiting"]] == list(reversed(past_batches))
    assert record_url(batch, "made").encode() in page.content

    response = client.post(
        record_url(batch, "made"),
        {f"made-{batch.pk}-quantity": "20", f"made-{batch.pk}-hours": "3.5"},
        follow=True,
    )

    batch.refresh_from_db()
    assert batch.status == "made"
    assert batch.made_quantity == 20
    assert str(batch.hours_spent) == "3.50"
    assert batch.recorded_by == producer
    assert set(Shift.objects.filter(batch=batch).values_list("done", flat=True)) == {True}
    assert any("is recorded as made: 20 quarts" in text for text in messages_of(response))
    assert b"made 20 quarts in 3.5 hours" in response.content


def test_a_producer_marks_a_batch_missed(client, past_batches):
    batch = past_batches[0]
    client.force_login(Shift.objects.filter(batch=batch).first().member)
    response = client.post(
        record_url(batch, "missed"), {f"missed-{batch.pk}-reason": "Power cut"}, follow=True
    )
    batch.refresh_from_db()
    assert batch.status == "missed"
    assert batch.missed_reason == "Power cut"
    assert any("is recorded as missed" in text for text in messages_of(response))


def test_a_non_producer_is_told_only_producers_record(client, past_batches, personas):
    batch = past_batches[0]
    outsider_to_it = next(
        user
        for user in (personas.alice, personas.bob, *[s.member for s in Shift.objects.all()])
        if user.username not in producers(batch)
    )
    client.force_login(outsider_to_it)
    page = client.get(PRODUCTION)
    assert record_url(batch, "made").encode() not in page.content
    assert b"Its producers record it." in page.content

    response = client.post(
        record_url(batch, "made"),
        {f"made-{batch.pk}-quantity": "20", f"made-{batch.pk}-hours": "2"},
        follow=True,
    )
    assert "Only a producer of this batch can record it." in messages_of(response)
    missed = client.post(
        record_url(batch, "missed"), {f"missed-{batch.pk}-reason": "?"}, follow=True
    )
    assert "Only a producer of this batch can record it." in messages_of(missed)
    batch.refresh_from_db()
    assert batch.status == "planned"


def test_bad_hours_are_refused_next_to_the_field(client, past_batches):
    batch = past_batches[0]
    client.force_login(Shift.objects.filter(batch=batch).first().member)
    response = client.post(
        record_url(batch, "made"),
        {f"made-{batch.pk}-quantity": "20", f"made-{batch.pk}-hours": "lots"},
    )
    assert response.status_code == 200
    assert response.context["made_form"].errors["hours"] == ["Enter the hours spent, e.g. 3.5."]
    assert h1_count(response) == 1
    batch.refresh_from_db()
    assert batch.status == "planned"


def test_a_batch_still_ahead_cannot_be_recorded(client, planned):
    batch = Batch.objects.filter(coop=planned.coop).last()
    client.force_login(Shift.objects.filter(batch=batch).first().member)
    response = client.post(record_url(batch, "missed"), {f"missed-{batch.pk}-reason": "x"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "planned"


def test_the_consistency_figure_shows_on_the_overview_and_production_pages(
    client, past_batches, personas
):
    made, missed = past_batches[:2]
    for batch, what, data in (
        (made, "made", {"quantity": "20", "hours": "3"}),
        (missed, "missed", {"reason": "Snow"}),
    ):
        client.force_login(Shift.objects.filter(batch=batch).first().member)
        client.post(record_url(batch, what), {f"{what}-{batch.pk}-{k}": v for k, v in data.items()})

    for path in ("/c/home/", PRODUCTION):
        response = client.get(path)
        text = response.content.decode()
        assert "<strong>50%</strong> of batches made on their day and at target: 1 of 2" in text
        month = made.date.replace(day=1)
        assert f'<time datetime="{month:%Y-%m}">' in text


def test_consistency_before_any_batch_is_due(alice_client, personas):
    response = alice_client.get("/c/home/")
    assert b"No batch has come due yet" in response.content


# --- The calendar -------------------------------------------------------------------------


def test_my_shifts_make_no_calendar_address_by_looking_but_offer_to_make_one(alice_client, planned):
    page = alice_client.get(SHIFTS)
    assert not CalendarFeed.objects.filter(member=planned.alice).exists()
    assert b"Make my calendar address" in page.content
    assert b".ics" not in page.content

    response = alice_client.post(CALENDAR_ROTATE, follow=True)

    feed = CalendarFeed.objects.get(member=planned.alice)
    assert f"/calendar/{feed.token}.ics".encode() in response.content
    assert b"Your calendar has an address" in response.content
    assert b"Make my calendar address" not in response.content


def test_my_shifts_show_the_calendar_address_and_rotating_it_revokes_the_old(alice_client, planned):
    alice_client.post(CALENDAR_ROTATE)
    feed = CalendarFeed.objects.get(member=planned.alice)
    page = alice_client.get(SHIFTS)
    assert f"/calendar/{feed.token}.ics".encode() in page.content
    assert alice_client.get(f"/calendar/{feed.token}.ics").status_code == 200

    response = alice_client.post(CALENDAR_ROTATE, follow=True)

    new = CalendarFeed.objects.get(member=planned.alice)
    assert new.token != feed.token
    assert f"/calendar/{new.token}.ics".encode() in response.content
    assert alice_client.get(f"/calendar/{feed.token}.ics").status_code == 404


# --- Access -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [PRODUCTION, SHIFTS, AVAILABILITY, SWAPS])
def test_an_outsider_gets_a_404(client, planned, path):
    client.force_login(planned.outsider)
    assert client.get(path).status_code == 404
    assert client.post(path).status_code in (404, 405)


def test_an_outsider_can_neither_record_nor_swap_nor_plan(client, planned):
    batch = Batch.objects.filter(coop=planned.coop).first()
    shift = Shift.objects.filter(batch=batch).first()
    swap = swaps.swap_offer(shift=shift, by=shift.member)
    client.force_login(planned.outsider)
    for path in (
        PRODUCTION,
        record_url(batch, "made"),
        record_url(batch, "missed"),
        f"/c/home/production/shifts/{shift.pk}/offer/",
        f"/c/home/production/swaps/{swap.pk}/take/",
        f"/c/home/production/swaps/{swap.pk}/withdraw/",
        CALENDAR_ROTATE,
    ):
        assert client.post(path, {"weeks": "4"}).status_code == 404, path
    swap.refresh_from_db()
    assert swap.status == "open"
    assert Batch.objects.filter(coop=planned.coop).count() == 8


def test_an_id_from_another_coop_is_not_found(client, planned):
    production_flow.batches_plan(coop=planned.other_coop, weeks=1, by=planned.outsider)
    foreign = Batch.objects.get(coop=planned.other_coop)
    client.force_login(planned.alice)
    assert client.get(f"/c/home/production/batches/{foreign.pk}/").status_code == 404
    assert client.post(record_url(foreign, "made")).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/c/home/production/shifts/1/offer/",
        "/c/home/production/swaps/1/take/",
        CALENDAR_ROTATE,
    ],
)
def test_the_action_urls_take_only_post(alice_client, path):
    assert alice_client.get(path).status_code == 405


# --- Queries ------------------------------------------------------------------------------


def populate(personas, size: int) -> None:
    """``size`` more members, eight recorded weeks behind, eight planned ahead, some days away
    and some offers on the board."""
    coop = personas.coop
    people = [MembershipFactory(coop=coop).user for _ in range(size)]
    coop.founded_at = timezone.now() - timedelta(days=365)
    coop.save()
    today = coop_today(coop)
    production_flow.batches_plan(coop=coop, weeks=8, by=None, today=today - timedelta(weeks=9))
    for batch in Batch.objects.filter(coop=coop, date__lt=today - timedelta(days=7)):
        producer = Shift.objects.filter(batch=batch, member__isnull=False).first().member
        production_flow.batch_record_made(
            batch=batch, by=producer, quantity=20, hours="3", today=today
        )
    production_flow.batches_plan(coop=coop, weeks=8, by=None)
    for person in people[:3]:
        production_flow.unavailability_add(
            coop=coop,
            member=person,
            start=today + timedelta(days=20),
            end=today + timedelta(days=24),
            replan=False,
        )
    production_flow.unavailability_add(
        coop=coop,
        member=personas.alice,
        start=today + timedelta(days=40),
        end=today + timedelta(days=45),
    )
    offered = [
        swaps.swap_offer(shift=shift, by=shift.member)
        for shift in Shift.objects.filter(
            batch__coop=coop, batch__date__gt=today, member__isnull=False
        ).exclude(member=personas.alice)[: size * 2]
    ]
    # Alice holds a shift ahead at either size, so her pages take the same path.
    alices = set(Shift.objects.filter(member=personas.alice).values_list("batch_id", flat=True))
    swaps.swap_take(
        swap=next(
            s
            for s in offered
            if s.shift.batch_id not in alices and s.shift.batch.date < today + timedelta(days=40)
        ),
        by=personas.alice,
    )


@pytest.mark.parametrize("size", [3, 30])
@pytest.mark.parametrize(
    ("path", "queries"),
    [
        (PRODUCTION, 12),
        (SHIFTS, 21),
        (AVAILABILITY, 6),
        (SWAPS, 5),
        # The audit (one more with no decision yet), the savings and the header's co-op
        # switcher (+1; #15).
        ("/c/home/", 33),
    ],
)
def test_the_production_pages_take_a_fixed_number_of_queries(
    client, personas, size, path, queries, django_assert_max_num_queries
):
    populate(personas, size)
    client.force_login(personas.alice)
    with django_assert_max_num_queries(queries):
        assert client.get(path).status_code == 200
