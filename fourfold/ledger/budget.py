"""The operating budget the members passed, against what the co-op spent (issue #14).

A budget is a passed proposal of kind ``budget`` (``governance``), in force from the month it
passed until the next one. What a month spent on a category is its posted, unreversed
expenses of that category dated in the month; an expense spread over batches or months counts
in the months its parts are charged, not whole in the month it was bought, so a repair stand
bought for a year weighs on each month's budget as it weighs on each month's batches.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from fourfold.coops.models import Cooperative
from fourfold.errors import Invalid, PrincipleViolation
from fourfold.governance import selectors as governance_selectors
from fourfold.governance.models import Proposal
from fourfold.ledger.models import Transaction
from fourfold.ledger.principles import category_clean
from fourfold.lib.money import format_money, from_minor, to_minor


@dataclass(frozen=True)
class BudgetLine:
    category: str
    amount: Decimal
    spent: Decimal
    remaining: Decimal


@dataclass(frozen=True)
class MonthBudget:
    month: date  # its first day
    budget: Proposal | None
    lines: list[BudgetLine]
    # Spent in the month on categories the budget has no line for.
    unbudgeted: Decimal

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))

    @property
    def spent(self) -> Decimal:
        return sum((line.spent for line in self.lines), self.unbudgeted)


def month_of(day: date) -> date:
    return day.replace(day=1)


def months_between(first: date, last: date) -> list[date]:
    """The first days of the months from ``first``'s to ``last``'s, inclusive."""
    months, month = [], month_of(first)
    while month <= last:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def budget_categories_check(change: dict) -> None:
    """Each line of a budget names a category the ledger knows."""
    for line in change.get("lines") or []:
        if isinstance(line, dict):
            try:
                category_clean(line.get("category"))
            except Invalid as error:
                raise Invalid(error.detail, field="change") from error


def _counted(coop: Cooperative, start: date, end: date) -> tuple[QuerySet, QuerySet]:
    """What counts as spent from ``start`` to ``end`` (exclusive): the expenses charged whole
    and the parts charged of those spread. Entries waiting for consent count too, so that two
    waiting at once cannot both pass a line."""
    live = Transaction.objects.filter(coop=coop, reversed_by__isnull=True).filter(
        Q(awaits_consent=False) | Q(outcome__isnull=True) | Q(outcome__outcome="posted")
    )
    whole = live.filter(
        kind=Transaction.Kind.EXPENSE,
        spread__isnull=True,
        occurred_on__gte=start,
        occurred_on__lt=end,
    )
    parts = live.filter(
        kind=Transaction.Kind.COST_ALLOCATION,
        allocates__spread__isnull=False,
        occurred_on__gte=start,
        occurred_on__lt=end,
    )
    return whole, parts


def _spent(coop: Cooperative, start: date, end: date) -> dict[tuple[date, str], int]:
    """Minor units spent per (month, category): two aggregate queries for any span."""
    out: dict[tuple[date, str], int] = defaultdict(int)
    for counted in _counted(coop, start, end):
        rows = (
            counted.annotate(month=TruncMonth("occurred_on"))
            .values("month", "category")
            .annotate(total=Sum("amount_minor"))
            .values_list("month", "category", "total")
        )
        for month, category, total in rows:
            # TruncMonth of a date is a date on PostgreSQL and SQLite alike.
            out[(month_of(month), category)] += total
    return out


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def months_budget(*, coop: Cooperative, first: date, last: date) -> list[MonthBudget]:
    """Each month from ``first``'s to ``last``'s: the budget in force and each line's amount,
    spent and remaining. Three queries, whatever the span or the history."""
    budgets = governance_selectors.budgets_adopted(coop=coop)
    months = months_between(first, last)
    spent = _spent(coop, months[0], _next_month(months[-1]))
    currency = coop.currency
    out = []
    for month in months:
        budget = governance_selectors.budget_in_force(budgets, month)
        planned = {
            line["category"]: Decimal(line["amount"])
            for line in (budget.change.get("lines", []) if budget else [])
        }
        lines = []
        for category, amount in planned.items():
            used = from_minor(spent.get((month, category), 0), currency)
            lines.append(BudgetLine(category, amount, used, amount - used))
        unbudgeted = sum(
            (
                from_minor(total, currency)
                for (at, category), total in spent.items()
                if at == month and category not in planned
            ),
            Decimal(0),
        )
        out.append(MonthBudget(month, budget, lines, unbudgeted))
    return out


def budget_require_within(*, coop: Cooperative, category: str, amount: Decimal, on: date) -> None:
    """Spending beyond a line of the budget in force is for the members to decide, like
    spending above the limit: refused unless drawn on a passed spending proposal (the caller
    asks only when there is none)."""
    month = month_of(on)
    budget = governance_selectors.budget_in_force(
        governance_selectors.budgets_adopted(coop=coop), month
    )
    if budget is None:
        return
    line = next((x for x in budget.change.get("lines", []) if x["category"] == category), None)
    if line is None:
        return
    # Two expenses on one line queue on the budget's row; the second counts the first.
    Proposal.objects.select_for_update().filter(pk=budget.pk).first()
    limit = to_minor(Decimal(line["amount"]), coop.currency)
    used = sum(
        counted.filter(category=category).aggregate(total=Sum("amount_minor"))["total"] or 0
        for counted in _counted(coop, month, _next_month(month))
    )
    if used + to_minor(amount, coop.currency) <= limit:
        return
    left = max(limit - used, 0)
    raise PrincipleViolation(
        "flat",
        _(
            "The budget the members passed gives %(category)s %(line)s this month and "
            "%(left)s of it is left: %(amount)s is more. Open a spending proposal; once it "
            "passes, choose it as the approval of this expense."
        )
        % {
            "category": category,
            "line": format_money(Decimal(line["amount"]), coop.currency),
            "left": format_money(from_minor(left, coop.currency), coop.currency),
            "amount": format_money(amount, coop.currency),
        },
    )
