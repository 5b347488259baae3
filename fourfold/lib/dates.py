"""Calendar helpers that know nothing of Django models."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo, available_timezones

from babel import dates as babel_dates
from dateutil.rrule import rrule, rrulestr
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from fourfold.lib.language import first_week_day, reader_locale

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def reader_week() -> list[str]:
    """DAY_CODES in the order the reader's week runs: from Sunday in Brazil, Monday in
    Germany (Babel's first day of the week for the active language)."""
    first = first_week_day()
    return [*DAY_CODES[first:], *DAY_CODES[:first]]


CADENCE_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
MAX_INTERVAL = 366
CADENCE_SAMPLE = 60


# The one way fourfold writes a day and a moment, on every page, e-mail and message, in the
# reader's language (Babel, the active language's locale). English keeps fourfold's own form,
# "Tue 1 Dec 2026" and "Tue 1 Dec 2026, 16:45"; another language writes the day as its
# speakers do (CLDR's weekday-day-month-year: "Di., 1. Dez. 2026", "ter., 1 de dez. de
# 2026"). The time is on a 24-hour clock everywhere, never "4:50 p.m.".
DAY_SKELETON = "yMMMEd"
OWN_DAY_PATTERNS = {"en": "EEE d MMM y"}
TIME_PATTERN = "HH:mm"


def format_day(day: date) -> str:
    """A calendar day as fourfold writes it: "Tue 1 Dec 2026", "mar. 1 déc. 2026"."""
    locale = reader_locale()
    if isinstance(day, datetime):
        day = day.date()
    pattern = OWN_DAY_PATTERNS.get(locale)
    if pattern is not None:
        return babel_dates.format_date(day, pattern, locale=locale)
    return babel_dates.format_skeleton(DAY_SKELETON, day, locale=locale)


def format_moment(moment: datetime, zone: ZoneInfo | None = None) -> str:
    """An instant as fourfold writes it, in ``zone`` (the co-op's; else the active one, which
    a co-op's pages set to the co-op's): "Tue 1 Dec 2026, 16:45"."""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment, zone)
    locale = reader_locale()
    clock = babel_dates.format_time(moment, TIME_PATTERN, locale=locale)
    glue = str(babel_dates.get_datetime_format("medium", locale=locale))  # "{1}, {0}"
    return glue.format(clock, format_day(moment.date()))


# How far from today a date a person gives may lie. Beyond it no plan is meant, and date
# arithmetic on what is stored (a week after the 31st of December 9999) would overflow.
DATE_REACH_YEARS = 10


def _years_from(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # the 29th of February in a year that has none; or past year 9999
        if not date.min.year <= day.year + years <= date.max.year:
            return date.max if years > 0 else date.min
        return day.replace(year=day.year + years, day=28)


def date_within_reach(day: date, *, today: date, years: int = DATE_REACH_YEARS) -> date:
    """``day`` when it lies within ``years`` of ``today`` (the co-op's today, in its time
    zone); else ``ValueError`` with a sentence to show the person who gave it."""
    earliest, latest = _years_from(today, -years), _years_from(today, years)
    if not earliest <= day <= latest:
        raise ValueError(
            ngettext(
                "Choose a date within %(n)d year of today (%(earliest)s to %(latest)s).",
                "Choose a date within %(n)d years of today (%(earliest)s to %(latest)s).",
                years,
            )
            % {"n": years, "earliest": earliest.isoformat(), "latest": latest.isoformat()}
        )
    return day


def is_time_zone(name: str) -> bool:
    return name in available_timezones()


def parse_cadence(rule: str, *, tz: str = "UTC") -> rrule:
    """Parse an RFC 5545 RRULE (with or without the ``RRULE:`` prefix).

    Raises ``ValueError`` with a readable reason when the rule is not one.
    """
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:") :]
    if not text or "\n" in text:
        raise ValueError("a cadence is one RRULE line")
    if "FREQ=" not in text.upper():
        raise ValueError("a cadence needs FREQ")
    parts = dict(part.partition("=")[::2] for part in text.upper().split(";"))
    # Checked before dateutil sees the rule: with INTERVAL=0 it never advances and loops
    # forever; below a day there is no batch to make.
    if parts.get("FREQ") not in CADENCE_FREQUENCIES:
        raise ValueError("a cadence repeats daily, weekly, monthly or yearly")
    interval = parts.get("INTERVAL", "1")
    if not interval.isdigit() or not 1 <= int(interval) <= MAX_INTERVAL:
        raise ValueError(f"INTERVAL is a whole number from 1 to {MAX_INTERVAL}")
    # A batch is one per day (production keys batches on the co-op and the date): a rule with
    # two times of day would plan two batches on one date. Until sessions with times exist,
    # a cadence names at most one time of day.
    for part in ("BYHOUR", "BYMINUTE", "BYSECOND"):
        if "," in parts.get(part, ""):
            raise ValueError(f"a cadence makes at most one batch a day: give {part} one value")
    start = datetime(2000, 1, 1, tzinfo=ZoneInfo(tz))
    try:
        parsed = rrulestr(text, dtstart=start)
    except (ValueError, TypeError) as error:
        raise ValueError(str(error)) from error
    if not isinstance(parsed, rrule):
        raise ValueError("a cadence is a single RRULE")
    # A rule that never falls on a day (the 30th of February) would make no batch, and
    # dateutil would search its calendar for years to find out: look in a bounded window.
    if not parsed.between(start, start.replace(year=start.year + 5), inc=True, count=1):
        raise ValueError("this rule gives no day in five years")
    # Whatever else might repeat within a day (BYSETPOS, a parser's quirk) shows in the
    # first occurrences: two on one local date is one batch too many.
    days = [moment.date() for moment in parsed.xafter(start, count=CADENCE_SAMPLE, inc=True)]
    if len(set(days)) < len(days):
        raise ValueError("a cadence makes at most one batch a day")
    return parsed


def normalise_cadence(rule: str) -> str:
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:") :]
    return text.upper()


RHYTHMS = ("weekly", "fortnightly", "monthly")
WEEKS_OF_MONTH = (1, 2, 3, 4, -1)


def _day_list(days: str | Sequence[str]) -> list[str]:
    """``days`` (one code or several) in the week's order, each once: MO before FR."""
    chosen = {days} if isinstance(days, str) else set(days)
    if not chosen or not chosen <= set(DAY_CODES):
        raise ValueError(f"no days {sorted(chosen)!r}")
    return [code for code in DAY_CODES if code in chosen]


def cadence_rule(rhythm: str, days: str | Sequence[str], week_of_month: int = 1) -> str:
    """The RRULE for a plain rhythm: every week or every two weeks on ``days`` (one code MO …
    SU, or several), or one week of the month (1 to 4, or -1 for the last) on one day."""
    if rhythm not in RHYTHMS:
        raise ValueError(f"no plain rhythm {rhythm!r}")
    codes = _day_list(days)
    if rhythm == "weekly":
        return f"FREQ=WEEKLY;BYDAY={','.join(codes)}"
    if rhythm == "fortnightly":
        return f"FREQ=WEEKLY;INTERVAL=2;BYDAY={','.join(codes)}"
    if len(codes) != 1:
        raise ValueError("once a month is on one day")
    if week_of_month not in WEEKS_OF_MONTH:
        raise ValueError(f"no week {week_of_month} of a month")
    return f"FREQ=MONTHLY;BYDAY={week_of_month}{codes[0]}"


def plain_rhythm(rule: str) -> tuple[str, list[str], int] | None:
    """The plain rhythm ``cadence_rule`` makes ``rule`` from — (rhythm, days, week of the
    month) — or None when no plain words say it (every day, the 15th, every three weeks)."""
    parts = dict(part.partition("=")[::2] for part in normalise_cadence(rule).split(";"))
    parts.pop("WKST", None)
    freq, interval, byday = (
        parts.pop("FREQ", ""),
        parts.pop("INTERVAL", "1"),
        parts.pop("BYDAY", ""),
    )
    if parts or not byday:
        return None
    codes = byday.split(",")
    if freq == "WEEKLY" and interval in ("1", "2") and set(codes) <= set(DAY_CODES):
        rhythm = "weekly" if interval == "1" else "fortnightly"
        return rhythm, _day_list(codes), 1
    week = codes[0][:-2]
    if (
        freq == "MONTHLY"
        and interval == "1"
        and len(codes) == 1
        and codes[0][-2:] in DAY_CODES
        and week.lstrip("+-").isdigit()
        and int(week) in WEEKS_OF_MONTH
    ):
        return "monthly", [codes[0][-2:]], int(week)
    return None


def _ordinal(position: int) -> str | None:
    return {
        1: pgettext("nth weekday of a month", "first"),
        2: pgettext("nth weekday of a month", "second"),
        3: pgettext("nth weekday of a month", "third"),
        4: pgettext("nth weekday of a month", "fourth"),
        -1: pgettext("nth weekday of a month", "last"),
    }.get(position)


def weekday_name(code: str) -> str:
    """A day of the week (MO … SU) as the reader's language names it mid-sentence: "Sunday",
    "Sonntag", "domingo" (Babel's, lower-case where the language writes it so)."""
    return str(babel_dates.get_day_names("wide", locale=reader_locale())[DAY_CODES.index(code)])


def describe_cadence(rule: str) -> str | None:
    """The cadence in words ("every Sunday", "every 2 weeks on Sunday", "on the first Sunday
    of every month"), or None for a rule too unusual to put simply: show the rule itself."""
    parts = {}
    for part in normalise_cadence(rule).split(";"):
        key, _sep, value = part.partition("=")
        parts[key] = value
    freq = parts.pop("FREQ", "")
    interval = parts.pop("INTERVAL", "1")
    parts.pop("WKST", None)
    if not interval.isdigit() or int(interval) < 1:
        return None
    every = int(interval)
    days = parts.pop("BYDAY", "")
    if freq == "DAILY" and not days and not parts:
        return ngettext("every day", "every %(n)d days", every) % {"n": every}
    if freq == "WEEKLY" and days and not parts:
        codes = days.split(",")
        if any(code not in DAY_CODES for code in codes):
            return None
        names = get_text_list([weekday_name(code) for code in codes], _("and"))
        if every == 1:
            return _("every %(days)s") % {"days": names}
        return ngettext("every week on %(days)s", "every %(n)d weeks on %(days)s", every) % {
            "n": every,
            "days": names,
        }
    if freq == "MONTHLY" and every == 1:
        if days and not parts and days[-2:] in DAY_CODES and days[:-2].lstrip("+-").isdigit():
            ordinal = _ordinal(int(days[:-2]))
            if ordinal:
                return _("on the %(nth)s %(day)s of every month") % {
                    "nth": ordinal,
                    "day": weekday_name(days[-2:]),
                }
        month_day = parts.pop("BYMONTHDAY", "")
        if not days and not parts and month_day.isdigit() and 1 <= int(month_day) <= 28:
            return _("on day %(n)s of every month") % {"n": month_day}
    return None
