"""The co-op's money month by month: what was paid in, spent and charged."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from fourfold.accounts.models import User
from fourfold.consumption.models import Allocation
from fourfold.coops.models import Cooperative
from fourfold.coops.selectors import active_members, coop_today
from fourfold.ledger import selectors as ledger_selectors
from fourfold.lib.money import from_minor, quantize
from fourfold.production.models import Batch


@dataclass(frozen=True)
class MonthEconomics:
    month: date
    units: int
    cost: Decimal
    hours: Decimal
    currency: str

    @property
    def cost_per_unit(self) -> Decimal | None:
        return quantize(self.cost / self.units, self.currency) if self.units else None


@dataclass
class Economics:
    months: list[MonthEconomics] = field(default_factory=list)
    cost_per_unit: Decimal | None = None
    commercial_unit_price: Decimal = Decimal(0)
    money_saved_per_member_month: Decimal | None = None
    minutes_per_unit: Decimal | None = None
    diy_minutes_per_unit: Decimal = Decimal(0)
    hours_saved_per_member_month: Decimal | None = None


def last_months(today: date, months: int = 12) -> list[date]:
    """The first days of the ``months`` calendar months up to ``today``'s, oldest first."""
    firsts = [today.replace(day=1)]
    for _step in range(months - 1):
        firsts.append((firsts[-1] - timedelta(days=1)).replace(day=1))
    return firsts[::-1]


def economics(*, coop: Cooperative, months: int = 12, today: date | None = None) -> Economics:
    """Cost per unit against the commercial price, member hours per unit against making alone:
    per month and over the period, in a fixed number of queries."""
    today = today or coop_today(coop)
    start = last_months(today, months)[0]
    units_by_month: dict[date, int] = defaultdict(int)
    hours_by_month: dict[date, Decimal] = defaultdict(Decimal)
    for day, made, hours in Batch.objects.filter(
        coop=coop, date__gte=start, date__lte=today, status=Batch.Status.MADE
    ).values_list("date", "made_quantity", "hours_spent"):
        units_by_month[day.replace(day=1)] += made or 0
        hours_by_month[day.replace(day=1)] += hours or 0
    cost_by_month: dict[date, Decimal] = defaultdict(Decimal)
    for day, minor in (
        ledger_selectors.charge_legs(coop=coop)
        .filter(transaction__batch__date__gte=start, transaction__batch__date__lte=today)
        .values_list("transaction__batch__date", "amount_minor")
    ):
        cost_by_month[day.replace(day=1)] += from_minor(minor, coop.currency)
    rows = [
        MonthEconomics(
            month=m,
            units=units_by_month[m],
            cost=cost_by_month[m],
            hours=hours_by_month[m],
            currency=coop.currency,
        )
        for m in sorted(set(units_by_month) | set(cost_by_month))
    ]
    result = Economics(
        months=rows,
        commercial_unit_price=coop.commercial_unit_price,
        diy_minutes_per_unit=coop.diy_minutes_per_unit,
    )
    units = sum(r.units for r in rows)
    if not units:
        return result
    cost = sum((r.cost for r in rows), Decimal(0))
    hours = sum((r.hours for r in rows), Decimal(0))
    members = max(1, active_members(coop=coop).count())
    span = max(1, len(rows))
    result.cost_per_unit = quantize(cost / units, coop.currency)
    saved = (coop.commercial_unit_price - cost / units) * units
    result.money_saved_per_member_month = quantize(saved / members / span, coop.currency)
    result.minutes_per_unit = (hours * 60 / units).quantize(Decimal("0.1"))
    hours_saved = (coop.diy_minutes_per_unit * units / 60) - hours
    result.hours_saved_per_member_month = (hours_saved / members / span).quantize(Decimal("0.1"))
    return result


@dataclass(frozen=True)
class MemberMonth:
    month: date
    units: int  # what the member took of the batches made that month
    charged: Decimal  # what they were charged for those batches
    cost_per_unit: Decimal | None  # what a unit cost the co-op that month (``MonthEconomics``)


def member_year(
    *, coop: Cooperative, member: User, money: Economics, today: date, months: int = 12
) -> list[MemberMonth]:
    """Every one of the last ``months`` months, empty ones too: the units ``member`` took, what
    they were charged, and the co-op's cost per unit from ``money`` (``economics`` for the same
    ``today`` and ``months``). Two queries for the whole year, however many batches."""
    firsts = last_months(today, months)
    taken: dict[date, int] = defaultdict(int)
    for day, units in Allocation.objects.filter(
        batch__coop=coop, member=member, batch__date__gte=firsts[0], batch__date__lte=today
    ).values_list("batch__date", "units"):
        taken[day.replace(day=1)] += units
    charged: dict[date, Decimal] = defaultdict(Decimal)
    for day, minor in (
        ledger_selectors.charge_legs(coop=coop)
        .filter(
            account__user=member,
            transaction__batch__date__gte=firsts[0],
            transaction__batch__date__lte=today,
        )
        .values_list("transaction__batch__date", "amount_minor")
    ):
        charged[day.replace(day=1)] += from_minor(minor, coop.currency)
    per_unit = {m.month: m.cost_per_unit for m in money.months}
    return [
        MemberMonth(
            month=first,
            units=taken[first],
            charged=charged[first],
            cost_per_unit=per_unit.get(first),
        )
        for first in firsts
    ]
