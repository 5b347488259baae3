"""How production reads on a page: consistency over the last months, a batch with its
producers, a member's shifts with whom they produce alongside."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import ngettext

from fourfold.accounts.models import User
from fourfold.coops.models import Cooperative
from fourfold.coops.selectors import coop_today
from fourfold.lib.dates import format_day
from fourfold.production import planning, selectors
from fourfold.production.models import Batch, Shift, Swap

CONSISTENCY_MONTHS = 12

# --- Consistency (the production page, the co-op's overview, the dashboard) ---------------


@dataclass(frozen=True)
class ConsistencySummary:
    overall: selectors.Consistency
    recent: list[selectors.MonthConsistency]  # the last 12 months that had batches


def consistency_summary(coop: Cooperative) -> ConsistencySummary:
    """Batches made on time and at target over batches planned, overall and per month, in one
    query."""
    figure = selectors.consistency(coop=coop)
    today = coop_today(coop)
    first = today.replace(day=1)
    for _month in range(CONSISTENCY_MONTHS - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    return ConsistencySummary(
        overall=figure, recent=[month for month in figure.months if month.month >= first]
    )


# --- Batches ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchRow:
    batch: Batch
    producers: list[str]
    open_places: int
    mine: bool

    @property
    def hours(self) -> str:
        """3.50 hours read as 3.5, 3.00 as 3."""
        text = format(self.batch.hours_spent or 0, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text


def batch_row(batch: Batch, me: User) -> BatchRow:
    shifts = list(batch.shifts.all())
    return BatchRow(
        batch=batch,
        producers=[shift.member.username for shift in shifts if shift.member is not None],
        open_places=sum(1 for shift in shifts if not shift.member_id),
        mine=any(shift.member_id == me.pk for shift in shifts),
    )


def plan_summary(result: planning.PlanResult, weeks: int) -> str:
    """What planning ``weeks`` ahead did, in a sentence."""
    if result.created:
        return ngettext(
            "%(n)d new batch is planned, through %(last)s.",
            "%(n)d new batches are planned, through %(last)s.",
            len(result.created),
        ) % {"n": len(result.created), "last": format_day(result.created[-1].date)}
    return ngettext(
        "Every batch of the next %(n)d week was already planned.",
        "Every batch of the next %(n)d weeks was already planned.",
        weeks,
    ) % {"n": weeks}


# --- My shifts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ShiftRow:
    shift: Shift
    others: list[str]  # the batch's other producers
    away: bool
    offer: Swap | None  # my open offer of it on the swap board


def shift_rows(
    coop: Cooperative, shifts: list[Shift], me: User, away: Iterable[date]
) -> list[ShiftRow]:
    """My upcoming shifts (``selectors.upcoming_for_member``), each with the other producers
    of its batch and whether I am away that day."""
    days_away = set(away)
    others: dict[int, list[str]] = {}
    if shifts:
        for batch in selectors.batches(
            coop=coop, start=shifts[0].batch.date, end=shifts[-1].batch.date
        ):
            others[batch.pk] = [
                shift.member.username
                for shift in batch.shifts.all()
                if shift.member_id != me.pk and shift.member is not None
            ]
    rows = []
    for shift in shifts:
        # Prefetched by upcoming_for_member (to_attr): the model's type cannot know it.
        offers: list[Swap] = shift.open_swaps  # type: ignore[attr-defined]
        rows.append(
            ShiftRow(
                shift=shift,
                others=others.get(shift.batch_id, []),
                away=shift.batch.date in days_away,
                offer=offers[0] if offers else None,
            )
        )
    return rows
