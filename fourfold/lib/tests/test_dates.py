from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fourfold.lib.dates import (
    DAY_CODES,
    cadence_rule,
    date_within_reach,
    describe_cadence,
    parse_cadence,
    plain_rhythm,
)


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("FREQ=WEEKLY;BYDAY=SU", "every Sunday"),
        ("RRULE:freq=weekly;interval=2;byday=TU", "every 2 weeks on Tuesday"),
        ("FREQ=WEEKLY;BYDAY=TU,TH", "every Tuesday and Thursday"),
        ("FREQ=WEEKLY;BYDAY=MO,WE,FR;WKST=MO", "every Monday, Wednesday and Friday"),
        ("FREQ=DAILY", "every day"),
        ("FREQ=DAILY;INTERVAL=3", "every 3 days"),
        ("FREQ=MONTHLY;BYDAY=1SA", "on the first Saturday of every month"),
        ("FREQ=MONTHLY;BYDAY=-1SU", "on the last Sunday of every month"),
        ("FREQ=MONTHLY;BYMONTHDAY=15", "on day 15 of every month"),
    ],
)
def test_common_cadences_read_as_words(rule, words):
    parse_cadence(rule)
    assert describe_cadence(rule) == words


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=WEEKLY;BYDAY=SU;COUNT=4",  # ends: words would hide that
        "FREQ=WEEKLY",  # the day comes from the start date
        "FREQ=MONTHLY;BYDAY=5SU",  # not every month has one
        "FREQ=MONTHLY;BYMONTHDAY=31",
        "FREQ=MONTHLY;INTERVAL=2;BYDAY=1SU",
        "FREQ=YEARLY;BYMONTH=6",
        "FREQ=WEEKLY;BYDAY=SU;BYHOUR=9",
    ],
)
def test_unusual_cadences_are_not_put_in_words(rule):
    parse_cadence(rule)
    assert describe_cadence(rule) is None


DAYS = st.sampled_from(["MO", "TU", "WE", "TH", "FR", "SA", "SU", "1SU", "-1MO", "XX", ""])
PARTS = st.lists(
    st.sampled_from(
        ["FREQ=WEEKLY", "FREQ=DAILY", "FREQ=MONTHLY", "INTERVAL=2", "INTERVAL=0", "COUNT=3"]
    )
    | DAYS.map(lambda day: f"BYDAY={day}")
    | st.integers(-5, 40).map(lambda n: f"BYMONTHDAY={n}"),
    max_size=4,
)


@given(PARTS)
def test_describing_any_rule_never_fails(parts):
    words = describe_cadence(";".join(parts))
    assert words is None or words.startswith(("every", "on "))


@pytest.mark.parametrize(
    ("rule", "reason"),
    [
        ("FREQ=DAILY;INTERVAL=0", "INTERVAL is a whole number"),  # dateutil would loop forever
        ("FREQ=WEEKLY;INTERVAL=-2;BYDAY=SU", "INTERVAL is a whole number"),
        ("FREQ=WEEKLY;INTERVAL=9999;BYDAY=SU", "INTERVAL is a whole number"),
        ("FREQ=HOURLY", "daily, weekly, monthly or yearly"),
        ("FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30", "no day in five years"),
    ],
)
def test_a_cadence_that_would_hang_or_never_fall_is_refused(rule, reason):
    with pytest.raises(ValueError, match=reason):
        parse_cadence(rule)


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=WEEKLY;BYDAY=TH;BYHOUR=10,18",
        "FREQ=DAILY;BYMINUTE=0,30",
        "FREQ=WEEKLY;BYDAY=SU;BYHOUR=9;BYSECOND=0,1",
        "FREQ=HOURLY;INTERVAL=12",
    ],
)
def test_a_cadence_with_two_sessions_on_one_day_is_refused(rule):
    with pytest.raises(ValueError, match=r"batch a day|daily, weekly"):
        parse_cadence(rule, tz="America/New_York")


def test_a_cadence_with_one_time_of_day_is_kept():
    assert parse_cadence("FREQ=WEEKLY;BYDAY=TH;BYHOUR=18", tz="America/New_York")


@pytest.mark.parametrize(
    ("day", "today"),
    [
        (date(2036, 12, 1), date(2026, 12, 1)),
        (date(2016, 12, 1), date(2026, 12, 1)),
        (date(2034, 2, 28), date(2024, 2, 29)),  # ten years from a leap day
    ],
)
def test_a_date_ten_years_away_is_within_reach(day, today):
    assert date_within_reach(day, today=today) == day


@pytest.mark.parametrize(
    ("day", "today"),
    [
        (date(9999, 12, 31), date(2026, 12, 1)),
        (date(2036, 12, 2), date(2026, 12, 1)),
        (date(1, 1, 1), date(2026, 12, 1)),
        (date(2034, 3, 1), date(2024, 2, 29)),
    ],
)
def test_a_date_beyond_ten_years_is_refused_in_words(day, today):
    with pytest.raises(ValueError, match="within 10 years of today"):
        date_within_reach(day, today=today)


def test_reach_near_the_last_year_stops_at_it_without_overflow():
    assert date_within_reach(date(9999, 12, 31), today=date(9995, 1, 1)) == date(9999, 12, 31)


@pytest.mark.parametrize(
    ("words", "rule"),
    [
        (("weekly", ["FR", "TU"], 1), "FREQ=WEEKLY;BYDAY=TU,FR"),
        (("fortnightly", ["SA"], 1), "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA"),
        (("monthly", ["SA"], -1), "FREQ=MONTHLY;BYDAY=-1SA"),
        (("monthly", ["SU"], 3), "FREQ=MONTHLY;BYDAY=3SU"),
    ],
)
def test_a_plain_rhythm_makes_its_rule_and_reads_back_from_it(words, rule):
    assert cadence_rule(*words) == rule
    rhythm, days, week = words
    assert plain_rhythm(rule) == (rhythm, sorted(days, key=DAY_CODES.index), week)


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY",
        "FREQ=WEEKLY;INTERVAL=3;BYDAY=SU",
        "FREQ=MONTHLY;BYMONTHDAY=15",
        "FREQ=MONTHLY;BYDAY=5SU",
        "FREQ=MONTHLY;BYDAY=1SU,1SA",
        "FREQ=WEEKLY;BYDAY=SU;BYHOUR=9",
    ],
)
def test_a_rhythm_no_plain_words_say_reads_back_as_none(rule):
    assert plain_rhythm(rule) is None


@pytest.mark.parametrize(
    "words",
    [("monthly", ["SA", "SU"], 1), ("weekly", [], 1), ("weekly", ["XX"], 1), ("yearly", "SU", 1)],
)
def test_cadence_rule_refuses_what_no_plain_rhythm_is(words):
    with pytest.raises(ValueError):
        cadence_rule(*words)
