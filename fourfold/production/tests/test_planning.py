"""Planning batches and the rotation on the database: the cadence, idempotence, locks,
availability, membership, history, swaps, recording, consistency and `fourfold schedule`."""

from __future__ import annotations

import io
from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from fourfold.cli import schedule
from fourfold.coops.models import Membership
from fourfold.coops.selectors import coop_today
from fourfold.errors import Conflict, Invalid, PrincipleViolation
from fourfold.production import selectors, services, swaps
from fourfold.production.models import Batch, Shift, Swap
from fourfold.testing import CoopFactory, MembershipFactory
from fourfold.workflows import membership as membership_flow
from fourfold.workflows import production as production_flow

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
# A Wednesday. The clocks go forward on Sunday 8 March: the first batch is on that day.
WEDNESDAY = datetime(2026, 3, 4, 12, 0, tzinfo=NEW_YORK)
SUNDAYS = [date(2026, 3, 8) + timedelta(weeks=n) for n in range(12)]


@pytest.fixture
def today(time_machine):
    time_machine.move_to(WEDNESDAY, tick=False)
    return WEDNESDAY.date()


@pytest.fixture
def coop(today):
    return CoopFactory(slug="yogurt", name="Yogurt Co-op", producers_per_batch=2)


@pytest.fixture
def members(coop):
    """Ann, Ben, Cy and Dee, active members of the co-op, by name."""
    return {
        name: MembershipFactory(coop=coop, user__username=name).user
        for name in ("ann", "ben", "cy", "dee")
    }


def rota(coop) -> dict[date, list[str | None]]:
    return {
        batch.date: [s.member.username if s.member_id else None for s in batch.shifts.all()]
        for batch in selectors.batches(coop=coop)
    }


def counts(coop, start: date | None = None) -> Counter:
    return Counter(
        name
        for day, names in rota(coop).items()
        if start is None or day >= start
        for name in names
        if name
    )


def shift_of(coop, member, day: date) -> Shift:
    return Shift.objects.get(batch__coop=coop, batch__date=day, member=member)


def travel_to(time_machine, day: date, hour: int = 12) -> None:
    time_machine.move_to(datetime(day.year, day.month, day.day, hour, tzinfo=NEW_YORK), tick=False)


# -- the cadence ---------------------------------------------------------------------------------


def test_batches_follow_the_weekly_sunday_cadence_in_new_york(coop, members):
    result = production_flow.batches_plan(coop=coop, weeks=4, by=members["ann"])
    assert [batch.date for batch in result.created] == SUNDAYS[:4]
    assert list(Batch.objects.filter(coop=coop).values_list("date", flat=True)) == SUNDAYS[:4]
    for batch in Batch.objects.filter(coop=coop):
        assert batch.planned_quantity == coop.target_quantity
        assert batch.status == Batch.Status.PLANNED
        assert batch.shifts.count() == 2
    assert result.assigned == 8
    assert not result.open_places


def test_planning_n_weeks_from_a_batch_day_gives_n_batches(time_machine):
    travel_to(time_machine, SUNDAYS[0], hour=8)
    coop = CoopFactory(producers_per_batch=1)
    MembershipFactory(coop=coop)
    result = production_flow.batches_plan(coop=coop, weeks=4, by=None)
    assert [batch.date for batch in result.created] == SUNDAYS[:4]


def test_late_on_saturday_in_new_york_is_still_saturday(time_machine):
    # 23:30 on Saturday in New York is already Sunday in UTC: today's batch is tomorrow's.
    time_machine.move_to(datetime(2026, 3, 7, 23, 30, tzinfo=NEW_YORK), tick=False)
    coop = CoopFactory(producers_per_batch=1)
    MembershipFactory(coop=coop)
    assert coop_today(coop) == date(2026, 3, 7)
    result = production_flow.batches_plan(coop=coop, weeks=1, by=None)
    assert [batch.date for batch in result.created] == [SUNDAYS[0]]


def test_every_other_sunday_keeps_its_phase_from_the_founding(time_machine, today):
    coop = CoopFactory(cadence="FREQ=WEEKLY;INTERVAL=2;BYDAY=SU", producers_per_batch=1)
    MembershipFactory(coop=coop)
    production_flow.batches_plan(coop=coop, weeks=4, by=None)
    travel_to(time_machine, SUNDAYS[1])
    production_flow.batches_plan(coop=coop, weeks=6, by=None)
    days = list(Batch.objects.filter(coop=coop).values_list("date", flat=True))
    assert days == [SUNDAYS[0], SUNDAYS[2], SUNDAYS[4], SUNDAYS[6]]


def test_planning_more_than_two_years_ahead_is_refused(coop, members):
    with pytest.raises(Invalid):
        production_flow.batches_plan(coop=coop, weeks=105, by=None)
    with pytest.raises(Invalid):
        production_flow.batches_plan(coop=coop, weeks=0, by=None)
    assert not Batch.objects.exists()


def test_a_non_member_cannot_plan(coop, members):
    outsider = MembershipFactory(user__username="outsider").user
    with pytest.raises(PrincipleViolation) as refused:
        production_flow.batches_plan(coop=coop, weeks=4, by=outsider)
    assert refused.value.principle == "members_only"
    assert not Batch.objects.exists()


# -- idempotence and locks -----------------------------------------------------------------------


def test_planning_twice_duplicates_nothing_and_changes_nothing(coop, members):
    production_flow.batches_plan(coop=coop, weeks=8, by=None)
    before = rota(coop)
    again = production_flow.batches_plan(coop=coop, weeks=8, by=None)
    assert again.created == []
    assert again.changed == 0
    assert rota(coop) == before
    assert Batch.objects.count() == 8
    assert Shift.objects.count() == 16


def test_planning_further_ahead_only_adds_the_new_weeks(coop, members):
    production_flow.batches_plan(coop=coop, weeks=4, by=None)
    locked = rota(coop)[SUNDAYS[0]]
    result = production_flow.batches_plan(coop=coop, weeks=6, by=None)
    assert [batch.date for batch in result.created] == SUNDAYS[4:6]
    assert Batch.objects.count() == 6
    assert rota(coop)[SUNDAYS[0]] == locked


def test_four_members_with_two_places_over_eight_weeks_get_four_each(coop, members):
    result = production_flow.batches_plan(coop=coop, weeks=8, by=None)
    assert counts(coop) == {"ann": 4, "ben": 4, "cy": 4, "dee": 4}
    assert result.back_to_back == 0


def test_locked_shifts_stay_even_when_their_producer_becomes_unavailable(coop, members):
    production_flow.batches_plan(coop=coop, weeks=6, by=None)
    first = rota(coop)[SUNDAYS[0]]  # 4 days away: inside the 7-day lock window
    producer = members[first[0]]
    production_flow.unavailability_add(coop=coop, member=producer, start=SUNDAYS[0], end=SUNDAYS[0])
    assert rota(coop)[SUNDAYS[0]] == first
    production_flow.batches_plan(coop=coop, weeks=6, by=None)
    assert rota(coop)[SUNDAYS[0]] == first


def test_done_shifts_never_move(coop, members, time_machine):
    coop.lock_window_days = 0
    coop.save()
    production_flow.batches_plan(coop=coop, weeks=4, by=None)
    travel_to(time_machine, SUNDAYS[0], hour=18)
    made = rota(coop)[SUNDAYS[0]]
    batch = Batch.objects.get(coop=coop, date=SUNDAYS[0])
    production_flow.batch_record_made(batch=batch, by=members[made[0]], quantity=20, hours="3")
    for name in made:
        production_flow.unavailability_add(
            coop=coop, member=members[name], start=SUNDAYS[0], end=SUNDAYS[0]
        )
    production_flow.batches_plan(coop=coop, weeks=4, by=None)
    assert rota(coop)[SUNDAYS[0]] == made
    assert all(shift.done for shift in Shift.objects.filter(batch=batch))


def test_shifts_done_today_count_toward_fairness_and_spreading(coop, members, time_machine):
    production_flow.batches_plan(coop=coop, weeks=1, by=None)
    travel_to(time_machine, SUNDAYS[0], hour=18)
    made = rota(coop)[SUNDAYS[0]]
    batch = Batch.objects.get(coop=coop, date=SUNDAYS[0])
    production_flow.batch_record_made(batch=batch, by=members[made[0]], quantity=20, hours="3")
    # Planned the evening of the batch: next Sunday goes to the two who did not produce.
    result = production_flow.batches_plan(coop=coop, weeks=2, by=None)
    assert [batch.date for batch in result.created] == [SUNDAYS[1]]
    assert not set(rota(coop)[SUNDAYS[1]]) & set(made)


# -- availability --------------------------------------------------------------------------------


def test_marking_unavailable_moves_the_member_off_unlocked_batches_on_those_dates(coop, members):
    production_flow.batches_plan(coop=coop, weeks=6, by=None)
    day = SUNDAYS[2]
    away = [members[name] for name in rota(coop)[day]]
    for member in away:
        production_flow.unavailability_add(
            coop=coop, member=member, start=day - timedelta(days=2), end=day, note="Away"
        )
    assert not {m.username for m in away} & set(rota(coop)[day])
    assert None not in rota(coop)[day]
    # Still fair: twelve places, three each.
    assert counts(coop) == {"ann": 3, "ben": 3, "cy": 3, "dee": 3}


def test_coming_back_lets_the_rotation_use_the_member_again(coop, members):
    production_flow.batches_plan(coop=coop, weeks=4, by=None)
    ann = members["ann"]
    spell = production_flow.unavailability_add(
        coop=coop, member=ann, start=SUNDAYS[1], end=SUNDAYS[3]
    )
    assert counts(coop, start=SUNDAYS[1])["ann"] == 0
    production_flow.unavailability_remove(coop=coop, member=ann, pk=spell.pk)
    assert counts(coop, start=SUNDAYS[1])["ann"] >= 1


def test_unavailability_in_the_past_or_backwards_is_refused(coop, members, today):
    with pytest.raises(Invalid):
        production_flow.unavailability_add(
            coop=coop,
            member=members["ann"],
            start=today - timedelta(days=9),
            end=today - timedelta(days=2),
        )
    with pytest.raises(Invalid):
        production_flow.unavailability_add(
            coop=coop, member=members["ann"], start=SUNDAYS[2], end=SUNDAYS[1]
        )


def test_when_everyone_is_away_the_places_stay_open_and_the_plan_says_why(coop, members):
    for member in members.values():
        production_flow.unavailability_add(
            coop=coop, member=member, start=SUNDAYS[2], end=SUNDAYS[2], replan=False
        )
    result = production_flow.batches_plan(coop=coop, weeks=4, by=None)
    assert rota(coop)[SUNDAYS[2]] == [None, None]
    [place] = result.open_places
    assert place.batch.date == SUNDAYS[2]
    assert (place.places, place.away) == (2, 4)
    assert "2 places open on Sun 22 Mar 2026" in place.reason
    assert "4 members away" in place.reason
    assert result.assigned == 6


# -- who produces ---------------------------------------------------------------------------------


def test_a_paused_member_gets_no_new_shifts(coop, members):
    production_flow.batches_plan(coop=coop, weeks=6, by=None)
    ann = members["ann"]
    locked = rota(coop)[SUNDAYS[0]]
    membership_flow.membership_pause(coop=coop, member=ann)
    assert counts(coop, start=SUNDAYS[1])["ann"] == 0
    assert rota(coop)[SUNDAYS[0]] == locked  # inside the lock window: stays
    production_flow.batches_plan(coop=coop, weeks=8, by=None)
    assert counts(coop, start=SUNDAYS[1])["ann"] == 0
    with pytest.raises(PrincipleViolation):
        production_flow.batches_plan(coop=coop, weeks=8, by=ann)


def test_only_active_members_of_the_co_op_are_ever_assigned(coop, members):
    MembershipFactory(user__username="outsider")  # a member of another co-op
    MembershipFactory(coop=coop, user__username="pending", status=Membership.Status.PENDING)
    MembershipFactory(coop=coop, user__username="gone", status=Membership.Status.LEFT)
    production_flow.batches_plan(coop=coop, weeks=12, by=None)
    assert set(counts(coop)) == {"ann", "ben", "cy", "dee"}
    assert sum(counts(coop).values()) == 24


def test_a_member_who_leaves_gives_up_all_their_future_shifts(coop, members):
    production_flow.batches_plan(coop=coop, weeks=6, by=None)
    leaver = rota(coop)[SUNDAYS[0]][0]
    membership_flow.membership_leave(coop=coop, member=members[leaver])
    # Even the one inside the lock window: only members produce.
    assert counts(coop)[leaver] == 0
    assert None not in [name for day in SUNDAYS[:6] for name in rota(coop)[day]]


# -- history -------------------------------------------------------------------------------------


def history(coop, producers: list, weeks_ago: range) -> None:
    """Made batches in the past, one producer each, round robin over ``producers``."""
    for i, weeks in enumerate(weeks_ago):
        batch = Batch.objects.create(
            coop=coop,
            date=SUNDAYS[0] - timedelta(weeks=weeks),
            planned_quantity=20,
            made_quantity=20,
            status=Batch.Status.MADE,
        )
        Shift.objects.create(batch=batch, slot=0, member=producers[i % len(producers)], done=True)


@pytest.fixture
def solo(today):
    """A co-op with one producer per batch: Ann, Ben and Cy."""
    coop = CoopFactory(producers_per_batch=1)
    people = {
        name: MembershipFactory(coop=coop, user__username=name).user
        for name in ("ann", "ben", "cy")
    }
    return coop, people


def test_a_member_who_did_many_shifts_recently_gets_fewer(solo):
    coop, people = solo
    history(coop, [people["ann"]], range(1, 7))  # Ann made the last six batches
    production_flow.batches_plan(coop=coop, weeks=6, by=None)
    # Twelve places in all, four each: Ann already has six, Ben and Cy take three each.
    assert counts(coop, start=SUNDAYS[0]) == {"ben": 3, "cy": 3}


def test_shifts_older_than_twelve_weeks_no_longer_count(solo):
    coop, people = solo
    history(coop, [people["ann"]], range(13, 19))
    production_flow.batches_plan(coop=coop, weeks=6, by=None)
    assert counts(coop, start=SUNDAYS[0]) == {"ann": 2, "ben": 2, "cy": 2}


def test_shifts_done_by_someone_who_left_do_not_inflate_the_others_share(solo):
    coop, people = solo
    gone = MembershipFactory(coop=coop, user__username="gone", status="left").user
    history(coop, [people["ann"], gone, gone], range(1, 7))  # Ann 2, the leaver 4
    production_flow.batches_plan(coop=coop, weeks=4, by=None)
    # The members share 2 + 4 places: two each, and Ann has hers already.
    assert counts(coop, start=SUNDAYS[0]) == {"ben": 2, "cy": 2}
    why = production_flow.rotation_explanation(coop=coop, member=people["ben"])
    assert (why.total, why.fair_share, why.planned) == (6, 2, 2)


# -- swaps ---------------------------------------------------------------------------------------


@pytest.fixture
def planned(coop, members):
    production_flow.batches_plan(coop=coop, weeks=6, by=None)
    return rota(coop)


def offer(coop, members, planned, day):
    """Whoever holds the first place on ``day`` offers it; returns (swap, giver, a free taker)."""
    giver = members[planned[day][0]]
    taker = next(m for name, m in members.items() if name not in planned[day])
    swap = swaps.swap_offer(shift=shift_of(coop, giver, day), by=giver)
    return swap, giver, taker


def test_a_taken_swap_moves_the_shift_and_the_counts(coop, members, planned):
    swap, giver, taker = offer(coop, members, planned, SUNDAYS[3])
    before = counts(coop)
    assert shift_of(coop, giver, SUNDAYS[3])  # still the giver's until someone takes it
    shift = swaps.swap_take(swap=swap, by=taker)
    assert shift.member == taker
    after = counts(coop)
    assert after[giver.username] == before[giver.username] - 1
    assert after[taker.username] == before[taker.username] + 1
    swap.refresh_from_db()
    assert (swap.status, swap.taken_by) == (Swap.Status.TAKEN, taker)
    explanation = production_flow.rotation_explanation(coop=coop, member=taker)
    assert explanation.planned == after[taker.username]


def test_a_re_plan_keeps_a_swapped_shift_with_its_taker(coop, members, planned):
    swap, giver, taker = offer(coop, members, planned, SUNDAYS[3])
    swaps.swap_take(swap=swap, by=taker)
    production_flow.batches_plan(coop=coop, weeks=6, by=None)
    assert taker.username in rota(coop)[SUNDAYS[3]]
    assert giver.username not in rota(coop)[SUNDAYS[3]]


def test_an_offered_shift_stays_put_when_re_planning(coop, members, planned):
    swap, giver, _taker = offer(coop, members, planned, SUNDAYS[3])
    production_flow.unavailability_add(coop=coop, member=giver, start=SUNDAYS[3], end=SUNDAYS[3])
    # No dropping a shift without a taker: it waits on the board, still the giver's.
    assert giver.username in rota(coop)[SUNDAYS[3]]
    assert list(selectors.open_swaps(coop=coop)) == [swap]


def test_nobody_takes_a_swap_on_a_day_they_are_away(coop, members, planned):
    swap, _giver, taker = offer(coop, members, planned, SUNDAYS[3])
    production_flow.unavailability_add(coop=coop, member=taker, start=SUNDAYS[3], end=SUNDAYS[3])
    with pytest.raises(Conflict, match="away"):
        swaps.swap_take(swap=swap, by=taker)


def test_nobody_takes_a_swap_in_a_batch_they_already_produce(coop, members, planned):
    swap, _giver, _taker = offer(coop, members, planned, SUNDAYS[3])
    partner = members[planned[SUNDAYS[3]][1]]
    with pytest.raises(Conflict, match="already produce"):
        swaps.swap_take(swap=swap, by=partner)


def test_a_paused_member_cannot_take_a_swap(coop, members, planned):
    swap, _giver, taker = offer(coop, members, planned, SUNDAYS[3])
    membership_flow.membership_pause(coop=coop, member=taker)
    with pytest.raises(PrincipleViolation):
        swaps.swap_take(swap=swap, by=taker)


def test_only_the_member_on_a_shift_can_offer_it(coop, members, planned):
    giver = members[planned[SUNDAYS[3]][0]]
    other = next(m for name, m in members.items() if name not in planned[SUNDAYS[3]])
    with pytest.raises(Conflict):
        swaps.swap_offer(shift=shift_of(coop, giver, SUNDAYS[3]), by=other)
    assert not Swap.objects.exists()


def test_a_shift_is_offered_once_and_not_to_yourself(coop, members, planned):
    swap, giver, _taker = offer(coop, members, planned, SUNDAYS[3])
    with pytest.raises(Conflict):
        swaps.swap_offer(shift=shift_of(coop, giver, SUNDAYS[3]), by=giver)
    with pytest.raises(Conflict):
        swaps.swap_take(swap=swap, by=giver)


def test_a_cancelled_offer_can_no_longer_be_taken(coop, members, planned):
    swap, giver, taker = offer(coop, members, planned, SUNDAYS[3])
    with pytest.raises(Conflict):
        swaps.swap_cancel(swap=swap, by=taker)
    swaps.swap_cancel(swap=swap, by=giver)
    swap.refresh_from_db()
    assert swap.status == Swap.Status.CANCELLED
    with pytest.raises(Conflict):
        swaps.swap_take(swap=swap, by=taker)
    with pytest.raises(Conflict):
        swaps.swap_cancel(swap=swap, by=giver)
    assert giver.username in rota(coop)[SUNDAYS[3]]


def test_a_swap_taken_twice_goes_to_the_first(coop, members, planned):
    swap, _giver, taker = offer(coop, members, planned, SUNDAYS[3])
    second = next(
        m for name, m in members.items() if name not in planned[SUNDAYS[3]] and m != taker
    )
    swaps.swap_take(swap=swap, by=taker)
    with pytest.raises(Conflict):
        swaps.swap_take(swap=swap, by=second)
    assert taker.username in rota(coop)[SUNDAYS[3]]


# -- recording -----------------------------------------------------------------------------------


def test_a_producer_records_the_batch_made_on_its_day(coop, members, planned, time_machine):
    travel_to(time_machine, SUNDAYS[0], hour=17)
    producer = members[planned[SUNDAYS[0]][0]]
    batch = Batch.objects.get(coop=coop, date=SUNDAYS[0])
    production_flow.batch_record_made(batch=batch, by=producer, quantity=21, hours="3.5")
    batch.refresh_from_db()
    assert (batch.status, batch.made_quantity, str(batch.hours_spent)) == ("made", 21, "3.50")
    assert batch.recorded_by == producer
    assert all(shift.done for shift in batch.shifts.all())


def test_only_a_producer_of_the_batch_records_it(coop, members, planned, time_machine):
    travel_to(time_machine, SUNDAYS[0], hour=17)
    batch = Batch.objects.get(coop=coop, date=SUNDAYS[0])
    bystander = next(m for name, m in members.items() if name not in planned[SUNDAYS[0]])
    with pytest.raises(Conflict, match="producer"):
        production_flow.batch_record_made(batch=batch, by=bystander, quantity=20, hours="3")
    outsider = MembershipFactory(user__username="outsider").user
    with pytest.raises(Conflict):
        services.batch_record_missed(batch=batch, by=outsider, reason="no milk")
    batch.refresh_from_db()
    assert batch.status == Batch.Status.PLANNED


def test_a_batch_is_not_recorded_before_its_day(coop, members, planned):
    producer = members[planned[SUNDAYS[0]][0]]
    batch = Batch.objects.get(coop=coop, date=SUNDAYS[0])
    with pytest.raises(Conflict, match="still ahead"):
        production_flow.batch_record_made(batch=batch, by=producer, quantity=20, hours="3")


def test_a_batch_is_recorded_once(coop, members, planned, time_machine):
    travel_to(time_machine, SUNDAYS[0], hour=17)
    producer = members[planned[SUNDAYS[0]][0]]
    batch = Batch.objects.get(coop=coop, date=SUNDAYS[0])
    services.batch_record_missed(batch=batch, by=producer, reason="  Power cut  ")
    batch.refresh_from_db()
    assert (batch.status, batch.missed_reason) == ("missed", "Power cut")
    assert not any(shift.done for shift in batch.shifts.all())
    with pytest.raises(Conflict, match="already recorded"):
        production_flow.batch_record_made(batch=batch, by=producer, quantity=20, hours="3")
    with pytest.raises(Conflict):
        services.batch_record_missed(batch=batch, by=producer, reason="again")


def test_missing_needs_a_reason_and_made_needs_sane_figures(coop, members, planned, time_machine):
    travel_to(time_machine, SUNDAYS[0], hour=17)
    producer = members[planned[SUNDAYS[0]][0]]
    batch = Batch.objects.get(coop=coop, date=SUNDAYS[0])
    with pytest.raises(Invalid):
        services.batch_record_missed(batch=batch, by=producer, reason="   ")
    with pytest.raises(Invalid):
        production_flow.batch_record_made(batch=batch, by=producer, quantity=-1, hours="3")
    with pytest.raises(Invalid):
        production_flow.batch_record_made(batch=batch, by=producer, quantity=20, hours="lots")
    with pytest.raises(Invalid):
        production_flow.batch_record_made(batch=batch, by=producer, quantity=20, hours="NaN")


# -- consistency ---------------------------------------------------------------------------------


def test_consistency_counts_batches_made_at_target_per_month_and_overall(coop, today):
    def batch(day, status, made=None):
        Batch.objects.create(
            coop=coop, date=day, planned_quantity=20, status=status, made_quantity=made
        )

    batch(date(2026, 1, 4), "made", 20)
    batch(date(2026, 1, 11), "made", 22)
    batch(date(2026, 1, 18), "made", 18)  # below target
    batch(date(2026, 1, 25), "missed")
    for day in (1, 8, 15, 22):
        batch(date(2026, 2, day), "made", 20)
    batch(date(2026, 3, 1), "made", 20)
    batch(SUNDAYS[0], "planned")  # still ahead: not counted yet
    result = selectors.consistency(coop=coop)
    assert [(m.month, m.planned, m.on_target) for m in result.months] == [
        (date(2026, 1, 1), 4, 2),
        (date(2026, 2, 1), 4, 4),
        (date(2026, 3, 1), 1, 1),
    ]
    assert (result.planned, result.on_target) == (9, 7)
    assert result.ratio == pytest.approx(7 / 9)
    assert result.months[0].ratio == 0.5
    since = selectors.consistency(coop=coop, since=date(2026, 2, 1))
    assert (since.planned, since.on_target) == (5, 5)


def test_todays_batch_is_due_only_once_it_is_recorded(coop, today):
    batch = Batch.objects.create(coop=coop, date=today, planned_quantity=20, status="planned")
    assert selectors.consistency(coop=coop).planned == 0
    Batch.objects.filter(pk=batch.pk).update(status="made", made_quantity=20)
    assert (
        selectors.consistency(coop=coop).planned,
        selectors.consistency(coop=coop).on_target,
    ) == (1, 1)


def test_consistency_of_a_co_op_without_batches_is_unknown(coop):
    result = selectors.consistency(coop=coop)
    assert (result.planned, result.ratio, result.months) == (0, None, [])


# -- fourfold schedule ---------------------------------------------------------------------------


def test_fourfold_schedule_plans_the_weeks_and_says_what_it_did(coop, members):
    out = io.StringIO()
    assert schedule.run(slug="yogurt", weeks=3, stdout=out) == 0
    assert out.getvalue() == (
        "Yogurt Co-op: 3 new batch(es), 6 place(s) assigned (6 changed), 0 back-to-back.\n"
    )
    again = io.StringIO()
    schedule.run(slug="yogurt", weeks=3, stdout=again)
    assert again.getvalue().startswith("Yogurt Co-op: 0 new batch(es),")
    assert "(0 changed)" in again.getvalue()


def test_fourfold_schedule_lists_the_open_places(coop, members):
    for member in members.values():
        production_flow.unavailability_add(
            coop=coop, member=member, start=SUNDAYS[1], end=SUNDAYS[1], replan=False
        )
    out = io.StringIO()
    schedule.run(slug="yogurt", weeks=2, stdout=out)
    assert "  open: 2 places open on Sun 15 Mar 2026: 4 members away" in out.getvalue()


def test_fourfold_schedule_refuses_an_unknown_co_op_or_too_many_weeks(coop, members):
    with pytest.raises(SystemExit, match="No co-op with the short name 'nope'"):
        schedule.run(slug="nope", weeks=3, stdout=io.StringIO())
    with pytest.raises(SystemExit, match="between 1 and 104"):
        schedule.run(slug="yogurt", weeks=500, stdout=io.StringIO())
    assert not Batch.objects.exists()


def test_the_fourfold_command_line_runs_schedule(coop, members, capsys):
    from fourfold.cli.main import main

    assert main(["schedule", "yogurt", "--weeks", "2"]) == 0
    assert "2 new batch(es)" in capsys.readouterr().out
    assert Batch.objects.filter(coop=coop).count() == 2


# --- Planned batches follow a change of the rules ------------------------------------------


def test_planned_batches_take_a_new_target_and_made_ones_keep_theirs(coop, members, today):
    production_flow.batches_plan(coop=coop, weeks=4, by=None, today=today)
    coop.target_quantity = 24
    coop.save()
    production_flow.batches_follow_rules(coop=coop, today=today)
    assert set(Batch.objects.values_list("planned_quantity", flat=True)) == {24}
    made_earlier = Batch.objects.create(
        coop=coop,
        date=today - timedelta(days=3),
        planned_quantity=20,
        made_quantity=19,
        status="made",
    )
    coop.target_quantity = 30
    coop.save()
    production_flow.batches_follow_rules(coop=coop, today=today)
    made_earlier.refresh_from_db()
    assert made_earlier.planned_quantity == 20
    assert Batch.objects.filter(status="planned").first().planned_quantity == 30


def test_more_producers_per_batch_adds_places_and_fills_them(coop, members, today):
    production_flow.batches_plan(coop=coop, weeks=4, by=None, today=today)
    coop.producers_per_batch = 3
    coop.save()
    production_flow.batches_follow_rules(coop=coop, today=today)
    assert [len(names) for names in rota(coop).values()] == [3, 3, 3, 3]
    for names in rota(coop).values():
        assert None not in names and len(set(names)) == 3


def test_fewer_producers_per_batch_leaves_the_lock_window_alone(coop, members, today):
    production_flow.batches_plan(coop=coop, weeks=4, by=None, today=today)
    before = rota(coop)
    coop.producers_per_batch = 1
    coop.save()
    production_flow.batches_follow_rules(coop=coop, today=today)
    after = rota(coop)
    # The first Sunday is inside the 7-day lock window: both producers keep their shift.
    assert after[SUNDAYS[0]] == before[SUNDAYS[0]]
    assert [len(after[day]) for day in SUNDAYS[1:4]] == [1, 1, 1]


def test_a_new_cadence_moves_the_planned_batches_to_its_days(coop, members, today):
    from decimal import Decimal

    from fourfold.workflows import money as money_flow

    production_flow.batches_plan(coop=coop, weeks=4, by=None, today=today)
    bought_for = Batch.objects.get(date=SUNDAYS[2])
    money_flow.expense_post(
        coop=coop,
        payer=members["ann"],
        amount=Decimal("12"),
        category="ingredients",
        entered_by=members["ann"],
        batch=bought_for,
    )
    coop.cadence = "FREQ=WEEKLY;BYDAY=SA"
    coop.save()
    result = production_flow.batches_follow_rules(coop=coop, today=today)
    # The first Sunday is inside the 7-day lock window: it stands, and no Saturday is added
    # before the window ends. Milk was bought for the third Sunday: that batch stays for the
    # members to make or miss.
    saturdays = [day - timedelta(days=1) for day in SUNDAYS[1:4]]
    days = sorted(rota(coop))
    assert days == sorted([SUNDAYS[0], *saturdays, SUNDAYS[2]])
    assert sorted(b.date for b in result.created) == saturdays
    assert all(None not in names and len(names) == 2 for names in rota(coop).values())
