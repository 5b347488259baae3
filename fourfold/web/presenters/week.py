"""How the week reads on its page: its items under the days they fall on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from fourfold.insights.week import Week, WeekItem


@dataclass(frozen=True)
class Day:
    day: date | None  # None: after the week (a vote that closes later)
    items: list[WeekItem]


def _local_day(item: WeekItem) -> date:
    if isinstance(item.when, datetime):
        return item.when.astimezone(item.coop.zone).date()
    return item.when


def week_days(week: Week) -> list[Day]:
    """The items, already in time order, under each day of the week they fall on; what falls
    after it (a vote closing later, an entry lapsing later) under one last heading."""
    days: list[Day] = []
    for item in week.items:
        local = _local_day(item)
        day = local if local <= week.end else None
        if days and days[-1].day == day:
            days[-1].items.append(item)
        else:
            days.append(Day(day=day, items=[item]))
    return days
