"""Calendar helpers that know nothing of Django models."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, available_timezones

from dateutil.rrule import rrule, rrulestr


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
        raise ValueError("a cadence is one RRULE line, e.g. FREQ=WEEKLY;BYDAY=SU")
    if "FREQ=" not in text.upper():
        raise ValueError("a cadence needs FREQ, e.g. FREQ=WEEKLY;BYDAY=SU")
    start = datetime(2000, 1, 1, tzinfo=ZoneInfo(tz))
    try:
        parsed = rrulestr(text, dtstart=start)
    except (ValueError, TypeError) as error:
        raise ValueError(str(error)) from error
    if not isinstance(parsed, rrule):
        raise ValueError("a cadence is a single RRULE")
    return parsed


def normalise_cadence(rule: str) -> str:
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:") :]
    return text.upper()
