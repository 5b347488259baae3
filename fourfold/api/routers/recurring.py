"""Recurring costs: set one up, list them, end one."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Router, Schema, Status
from pydantic import Field

from fourfold.api.auth import MemberRequest
from fourfold.api.schemas import Input, IsoDate, MoneyIn, errors
from fourfold.coops.selectors import coop_for_member
from fourfold.ledger import recurring
from fourfold.ledger.models import RecurringCost
from fourfold.lib.money import plain

router = Router(tags=["ledger"])


class RecurringIn(Input):
    kind: Literal["expense", "contribution"] = Field(
        "expense",
        description="expense: a cost that comes back (rent). contribution: your own regular "
        "pay-in into the pool, such as the budget's suggested contribution.",
    )
    amount: MoneyIn = Field(
        description="Each period's cost, a decimal string.", examples=["800.00"]
    )
    category: str = Field(
        "",
        max_length=40,
        description="ingredients, supplies, equipment, space or other; none for a pay-in.",
    )
    description: str = Field("", max_length=480)
    supplier: str = Field("", max_length=120)
    payer: str | None = Field(
        None, max_length=150, description='A username, or "pool". Default: you.'
    )
    cadence: str = Field(
        max_length=200,
        description='In plain words ("monthly on the 1st", "weekly on Monday") or an RRULE.',
        examples=["monthly on the 1st"],
    )
    starts: IsoDate = Field(description="The first day a period may fall on.")
    ends: IsoDate | None = Field(None, description="The last day a period may fall on.")
    confirm_large: bool = False
    declare: Literal["self_funded", "no_paid_staff"] | None = None


class CadenceOut(Schema):
    words: str
    rrule: str


class RecurringOut(Schema):
    id: int
    kind: str = Field(description="expense or contribution.")
    amount: str
    category: str
    description: str
    supplier: str
    payer: str | None = Field(description="A username; null when the pool pays.")
    cadence: CadenceOut
    starts: date
    ends: date | None
    next_period: date | None = Field(description="The next period to be entered; null once ended.")
    created_by: str
    ended_at: datetime | None
    ended_by: str | None = Field(
        description="The payer or the member who set it up, if one of them ended it."
    )
    ended_by_proposal: int | None = Field(
        description="The passed recurring_end proposal, if the members ended it."
    )


def recurring_out(cost: RecurringCost) -> dict:
    return {
        "id": cost.pk,
        "kind": cost.kind,
        "amount": plain(cost.amount, cost.coop.currency),
        "category": cost.category,
        "description": cost.description,
        "supplier": cost.supplier,
        "payer": cost.payer.username if cost.payer else None,
        "cadence": {"words": recurring.cadence_words(cost.cadence), "rrule": cost.cadence},
        "starts": cost.starts,
        "ends": cost.ends,
        "next_period": recurring.next_period(cost),
        "created_by": cost.created_by.username,
        "ended_at": cost.ended_at,
        "ended_by": cost.ended_by.username if cost.ended_by else None,
        "ended_by_proposal": cost.ended_by_proposal,
    }


@router.post("/coops/{slug}/ledger/recurring", response={201: RecurringOut, **errors(403, 404)})
def recurring_create(request: MemberRequest, slug: str, payload: RecurringIn):
    """Set up a recurring cost. Each period fourfold enters its expense, dated that day, for
    its payer to confirm (a second member's when the pool pays), and reminds them."""
    coop = coop_for_member(user=request.auth, slug=slug)
    fields = payload.dict()
    cost = recurring.recurring_create(
        coop=coop,
        by=request.auth,
        payer=recurring.payer_named(coop=coop, name=fields.pop("payer"), by=request.auth),
        declare=fields.pop("declare") or "",
        **fields,
    )
    return Status(201, recurring_out(recurring.recurring_for_coop(coop=coop, pk=cost.pk)))


@router.get("/coops/{slug}/ledger/recurring", response={200: list[RecurringOut], **errors(404)})
def recurring_list(request: MemberRequest, slug: str):
    """The co-op's recurring costs, running ones first."""
    coop = coop_for_member(user=request.auth, slug=slug)
    return [recurring_out(cost) for cost in recurring.recurring_costs(coop=coop)]


@router.post(
    "/coops/{slug}/ledger/recurring/{recurring_id}/end",
    response={200: RecurringOut, **errors(404, 409)},
)
def recurring_end(request: MemberRequest, slug: str, recurring_id: int):
    """End a recurring cost (its payer or the member who set it up): no later period is
    entered; entries already made stay, to be confirmed or declined."""
    coop = coop_for_member(user=request.auth, slug=slug)
    recurring.recurring_end(coop=coop, recurring_id=recurring_id, by=request.auth)
    return recurring_out(recurring.recurring_for_coop(coop=coop, pk=recurring_id))
