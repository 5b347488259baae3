"""The operating budget against what was spent."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from fourfold.api.auth import MemberRequest
from fourfold.api.schemas import errors
from fourfold.coops.selectors import coop_for_member
from fourfold.errors import Invalid
from fourfold.insights.budget import budget_data, budget_report

router = Router(tags=["ledger"])


class BudgetLineOut(Schema):
    category: str
    amount: str = Field(description="The line the members passed, a decimal string.")
    spent: str = Field(
        description="Posted or waiting expenses of the category dated in the month; a spread "
        "expense counts by the parts charged that month."
    )
    remaining: str = Field(description="Negative once a spending approval took it past.")


class BudgetMonthOut(Schema):
    period: str = Field(description="The month, YYYY-MM, in the co-op's calendar.")
    budget: int | None = Field(description="The passed budget proposal in force, if any.")
    lines: list[BudgetLineOut]
    total: str
    spent: str
    unbudgeted: str = Field(description="Spent on categories the budget has no line for.")


class BudgetOut(BudgetMonthOut):
    currency: str
    batches: int = Field(description="The month's batches planned or made.")
    units_per_batch: int = Field(description="The active members' standing shares, in units.")
    expected_cost_per_unit: str | None = Field(
        description="The budget over the units the month's batches will give; null without "
        "a budget or batches."
    )
    suggested_contribution: str | None = Field(
        description="What your standing share will cost this month: your monthly pay-in."
    )
    per_unit_contribution: str | None = Field(
        description="A month's cost of each unit of a standing share."
    )
    past: list[BudgetMonthOut] = Field(
        description="Up to six earlier months with a budget or spending, newest first."
    )


class MonthQuery(Schema):
    month: str | None = Field(
        None, pattern=r"^\d{4}-\d{2}$", description="YYYY-MM; default: this month."
    )


@router.get("/coops/{slug}/ledger/budget", response={200: BudgetOut, **errors(400, 404)})
def budget(request: MemberRequest, slug: str, query: Query[MonthQuery]):
    """This month's budget (or ``?month=YYYY-MM``'s) against what was spent, with past months."""
    coop = coop_for_member(user=request.auth, slug=slug)
    month = None
    if query.month:
        try:
            month = date.fromisoformat(f"{query.month}-01")
        except ValueError as error:
            raise Invalid(_("Give the month as YYYY-MM."), field="month") from error
    return budget_data(budget_report(coop=coop, member=request.auth, month=month), coop.currency)
