"""The budget as a member reads it: this month's lines against what was spent, what a unit is
expected to cost, what each member's share will cost a month, and past months' budget against
actual. Shared by the API, the web page, the dashboard and ``fourfold report``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Sum

from fourfold.accounts.models import User
from fourfold.consumption.models import StandingShare
from fourfold.coops.models import Cooperative, Membership
from fourfold.coops.selectors import coop_today
from fourfold.ledger.budget import MonthBudget, month_of, months_budget
from fourfold.lib.money import plain, quantize
from fourfold.production.models import Batch

PAST_MONTHS = 6


@dataclass(frozen=True)
class BudgetReport:
    current: MonthBudget
    past: list[MonthBudget]  # newest first
    batches: int  # this month's batches planned or made
    units_per_batch: int  # the active members' standing shares
    member_units: int
    expected_cost_per_unit: Decimal | None
    suggested_contribution: Decimal | None  # what the member's share will cost this month
    per_unit_contribution: Decimal | None  # a month, for each unit of a standing share


def _months_back(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def budget_report(
    *, coop: Cooperative, member: User | None, month: date | None = None
) -> BudgetReport:
    """Seven queries, whatever the co-op's size or history."""
    month = month_of(month or coop_today(coop))
    months = months_budget(coop=coop, first=_months_back(month, PAST_MONTHS), last=month)
    current = months[-1]
    following = _months_back(month, -1)
    batches = (
        Batch.objects.filter(coop=coop, date__gte=month, date__lt=following)
        .exclude(status=Batch.Status.MISSED)
        .count()
    )
    active = Membership.objects.filter(coop=coop, status=Membership.Status.ACTIVE)
    shares = StandingShare.objects.filter(
        coop=coop, member__in=active.values("user_id"), units__gt=0
    )
    units = shares.aggregate(total=Sum("units"))["total"] or 0
    mine = (
        shares.filter(member=member).values_list("units", flat=True).first() or 0
        if member is not None
        else 0
    )
    total = current.total if current.budget is not None else None
    expected = per_unit = suggested = None
    if total is not None and units:
        per_unit = quantize(total / units, coop.currency)
        suggested = quantize(total * mine / units, coop.currency)
        if batches:
            expected = quantize(total / (units * batches), coop.currency)
    return BudgetReport(
        current=current,
        past=[m for m in reversed(months[:-1]) if m.budget is not None or m.spent],
        batches=batches,
        units_per_batch=units,
        member_units=mine,
        expected_cost_per_unit=expected,
        suggested_contribution=suggested,
        per_unit_contribution=per_unit,
    )


def _month_data(month: MonthBudget, currency: str) -> dict:
    return {
        "period": month.month.strftime("%Y-%m"),
        "budget": month.budget.pk if month.budget is not None else None,
        "lines": [
            {
                "category": line.category,
                "amount": plain(line.amount, currency),
                "spent": plain(line.spent, currency),
                "remaining": plain(line.remaining, currency),
            }
            for line in month.lines
        ],
        "total": plain(month.total, currency),
        "spent": plain(month.spent, currency),
        "unbudgeted": plain(month.unbudgeted, currency),
    }


def budget_data(report: BudgetReport, currency: str) -> dict:
    def money(value: Decimal | None) -> str | None:
        return None if value is None else plain(value, currency)

    return {
        **_month_data(report.current, currency),
        "currency": currency,
        "batches": report.batches,
        "units_per_batch": report.units_per_batch,
        "expected_cost_per_unit": money(report.expected_cost_per_unit),
        "suggested_contribution": money(report.suggested_contribution),
        "per_unit_contribution": money(report.per_unit_contribution),
        "past": [_month_data(month, currency) for month in report.past],
    }
