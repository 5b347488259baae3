"""The ledger's request and response bodies, and the shaping of its rows into them."""

from __future__ import annotations

from datetime import date
from typing import Literal

from ninja import Schema
from pydantic import Field

from fourfold.accounts.models import User
from fourfold.api.schemas import DecimalIn, Input, IsoDate, MoneyIn
from fourfold.api.schemas.activity import ActivityOut
from fourfold.ledger.checks import account_name
from fourfold.ledger.models import Transaction
from fourfold.ledger.selectors import (
    MemberBalance,
    Person,
    PlannedTransfer,
    SettlementPlan,
    SpreadSchedule,
    member_parts,
    spread_ending,
    spread_schedule,
)
from fourfold.ledger.statements import entry_status
from fourfold.lib.money import from_minor, plain


class SpreadIn(Input):
    batches: int | None = Field(
        None,
        description="The next N batches made (2 to 260) each carry one part of the cost.",
        examples=[12],
    )
    months: int | None = Field(
        None,
        description="Or N months (2 to 260) from the expense's own: each month's part goes to "
        "that month's batches made; a month with none passes it on to the next.",
    )


class TransactionIn(Input):
    kind: str = Field(description="contribution, expense or transfer.", examples=["expense"])
    amount: MoneyIn = Field(
        description="A decimal string in the co-op's currency.", examples=["12.50"]
    )
    currency: str | None = Field(
        None, max_length=3, description="If given, the co-op's currency (nothing is converted)."
    )
    payer: str | None = Field(
        None,
        max_length=150,
        description='A username, or "pool" for the co-op\'s pool. Default: you.',
    )
    payee: str | None = Field(
        None, max_length=150, description='Transfers: who receives it (a username or "pool").'
    )
    category: str | None = Field(
        None,
        max_length=40,
        description="Expenses: ingredients, supplies, equipment, space or other.",
        examples=["ingredients"],
    )
    split: list[str] | dict[str, DecimalIn] | None = Field(
        None,
        description="Expenses: usernames sharing the cost equally, or "
        "{username: weight}. The cost is allocated at once.",
    )
    supplier: str = Field("", max_length=120)
    description: str = Field("", max_length=500)
    source: str = Field(
        "",
        max_length=60,
        description="Contributions: where the money comes from, if not the member's own pocket.",
    )
    occurred_on: IsoDate | None = Field(None, description="The co-op's local date; default today.")
    batch: int | None = Field(
        None,
        ge=1,
        description="Expenses: the batch this cost is for; "
        "its consumers share it by units received.",
    )
    spread: SpreadIn | None = Field(
        None,
        description="Expenses: charge the cost a part per batch made instead of at once, "
        "largest remainder, exact to the cent over the whole spread; each part is shared by "
        "the batch's consumers by units. Not with split or batch.",
    )
    proposal: int | None = Field(
        None,
        ge=1,
        description="Expenses above the spending limit: "
        "the passed spending proposal that approves them.",
    )
    confirm_large: bool = Field(
        False,
        description="Contributions and expenses far above the co-op's usual entries (over ten "
        "times its median entry, and over 1,000 in its currency) are refused with a 400 "
        '`"code": "confirm_large"` until sent again with this set to true.',
    )
    declare: Literal["self_funded", "no_paid_staff"] | None = Field(
        None,
        description="Words that read like outside money or pay for work are answered 422 "
        '`"code": "principle_check"` naming the principle and the words; sent again with the '
        "principle here, the entry is recorded with your declaration, shown to every member.",
    )


class LegOut(Schema):
    account: str
    amount: str


class SpreadEndedOut(Schema):
    on: date = Field(description="The co-op's local date the members ended it.")
    rest: Literal["next_batch", "write_off"] = Field(
        description="next_batch: what it had not charged went whole to the next batch made. "
        "write_off: it was written off at once, shared equally by the active members."
    )
    proposal: int | None = Field(description="The passed spread_end proposal that ended it.")


class SpreadOut(Schema):
    over: Literal["batches", "months"]
    count: int
    allocated_parts: int = Field(
        description="Parts charged so far: one per batch made, or the months fully charged."
    )
    allocated: str
    remaining: str
    ended: SpreadEndedOut | None = Field(
        description="Null while it runs; how the members ended it early, once they did."
    )


class ShareOut(Schema):
    member: str
    amount: str


class TransactionOut(Schema):
    id: int
    kind: str
    amount: str
    currency: str
    payer: str | None
    payee: str | None
    category: str
    supplier: str
    description: str
    occurred_on: date
    entered_by: str
    entered_at: str
    reverses: int | None
    reversed_by: int | None
    allocates: int | None
    batch_charge: int | None = Field(
        None, description="The batch charge a made batch's cost was charged to its members in."
    )
    approval: int | None = Field(
        description="The passed spending proposal an expense above the spending limit draws on."
    )
    legs: list[LegOut] = Field(description="Empty until the entry is posted.")
    status: Literal["posted", "pending", "declined"] = Field(
        description=(
            "posted: the money moved. pending: it waits for `awaiting` to confirm and moves "
            "nothing yet. declined: someone asked said no, or nobody answered in time."
        )
    )
    awaiting: list[str] = Field(
        description='Usernames still to confirm; "a second member" for a payment from the pool.'
    )
    status_reason: str = Field(description="Why a declined entry was declined; else empty.")
    lapses_at: str | None = Field(description="When a pending entry lapses unless confirmed.")
    reversal_of: int | None = Field(description="The entry a reversal request asks to reverse.")
    declared: str = Field("", description="The principle its enterer declared it keeps, if any.")
    declaration: str = Field("", description='e.g. "dee declared: this is not paid labour".')
    spread: SpreadOut | None = Field(
        None, description="A cost spread over batches: what is charged so far and what remains."
    )


class TransactionDetailOut(TransactionOut):
    shares: list[ShareOut] | None = Field(
        None,
        description=(
            "What each member carries of a cost charged within a batch charge (its legs move "
            "the cost into the charging account; the batch charge moves it to the members)."
        ),
    )
    history: list[ActivityOut] = Field(
        description="Who entered it, confirmed, declined, asked to reverse and reversed it; "
        "oldest first."
    )


class BalanceOut(Schema):
    username: str
    balance: str = Field(description="Positive: the co-op owes the member.")
    deposit: str = Field(
        description="Their buy-in deposit the co-op holds, apart from the balance."
    )
    status: str


class PoolOut(Schema):
    currency: str
    pool: str = Field(description="Money the co-op holds.")
    unallocated: str = Field(description="Costs paid but not yet charged to members.")
    deposits: str = Field(description="Members' deposits: part of the pool, owed back to them.")
    members_total: str = Field(
        description="Sum of member balances = pool + unallocated - deposits."
    )


class PlannedTransferOut(Schema):
    from_: str = Field(alias="from")
    to: str
    amount: str


class SettlementOut(Schema):
    transfers: list[PlannedTransferOut]
    unallocated: str = Field(description="While above zero, settling up waits for allocation.")
    fingerprint: str = Field(
        description="Send it back when recording, to record this plan and no other."
    )


class SettlementIn(Input):
    fingerprint: str | None = Field(
        None,
        max_length=64,
        description="The plan you saw; if the balances moved since, nothing is recorded (409).",
    )


class RecordedSettlementOut(Schema):
    transfers: list[TransactionOut]


class ReverseIn(Input):
    reason: str = Field("", max_length=500)


class DeclineIn(Input):
    reason: str = Field("", max_length=500, description="Why, for everyone to read.")


class StatementLineOut(Schema):
    transaction: int
    kind: str
    occurred_on: date
    description: str
    amount: str = Field(description="The change to the member's balance.")
    balance: str = Field(description="The member's balance after this line.")


class TransactionFilters(Schema):
    member: str | None = Field(None, max_length=150)
    kind: str | None = Field(None, max_length=20)
    category: str | None = Field(None, max_length=20)
    start: IsoDate | None = None
    end: IsoDate | None = None


def _name(person: User | Person | None) -> str | None:
    return person.username if person is not None else None


def money(minor: int, currency: str) -> str:
    """Minor units (cents) as the decimal string the API answers with."""
    return plain(from_minor(minor, currency), currency)


def _spread_out(item: Transaction, schedule: SpreadSchedule, currency: str) -> dict:
    ending = spread_ending(item.spread)
    return {
        "over": schedule.over,
        "count": schedule.count,
        "allocated_parts": schedule.allocated_parts,
        "allocated": plain(schedule.allocated, currency),
        "remaining": plain(schedule.remaining, currency),
        "ended": None
        if ending is None
        else {"on": ending.ended_on, "rest": ending.rest, "proposal": ending.proposal_id},
    }


def transaction_out(item: Transaction, currency: str) -> dict:
    pool_side = item.kind in {
        Transaction.Kind.EXPENSE,
        Transaction.Kind.TRANSFER,
        Transaction.Kind.DEPOSIT_RETURN,
    }
    reversed_by = getattr(item, "reversed_by", None)
    state = entry_status(item)
    schedule = spread_schedule(item) if item.kind == Transaction.Kind.EXPENSE else None
    return {
        "spread": None if schedule is None else _spread_out(item, schedule, currency),
        "status": state.status,
        "awaiting": state.awaiting,
        "status_reason": state.reason,
        "lapses_at": state.lapses_at.isoformat() if state.lapses_at else None,
        "reversal_of": item.reversal_of_id,
        "id": item.pk,
        "kind": item.kind,
        "amount": money(item.amount_minor, currency),
        "currency": currency,
        "payer": _name(item.payer) or ("pool" if pool_side else None),
        "payee": _name(item.payee) or ("pool" if item.kind == Transaction.Kind.TRANSFER else None),
        "category": item.category,
        "supplier": item.supplier,
        "description": item.description,
        "occurred_on": item.occurred_on,
        "entered_by": item.entered_by.username,
        "entered_at": item.entered_at.isoformat(),
        "reverses": item.reverses_id,
        "reversed_by": reversed_by.pk if reversed_by else None,
        "allocates": item.allocates_id,
        "batch_charge": item.batch_charge_id,
        "approval": item.approval_id,
        "declared": item.declared,
        "declaration": item.declaration,
        "legs": [
            {"account": account_name(leg.account), "amount": money(leg.amount_minor, currency)}
            for leg in item.legs.all()
        ],
    }


def shares_out(item: Transaction, currency: str) -> list[dict] | None:
    """Who carries what of a cost charged within a batch charge, by username: one query."""
    if item.shares is None:
        return None
    parts = member_parts(item)
    names = dict(User.objects.filter(pk__in=parts).values_list("pk", "username"))
    return [
        {"member": names[user_id], "amount": money(minor, currency)}
        for user_id, minor in sorted(parts.items(), key=lambda part: names[part[0]])
    ]


def balances_out(rows: list[MemberBalance], currency: str) -> list[dict]:
    return [
        {
            "username": row.user.username,
            "balance": plain(row.balance, currency),
            "deposit": plain(row.deposit, currency),
            "status": row.status,
        }
        for row in rows
    ]


def transfer_out(step: PlannedTransfer, currency: str) -> dict:
    return {
        "from": _name(step.payer) or "pool",
        "to": _name(step.payee) or "pool",
        "amount": plain(step.amount, currency),
    }


def plan_out(plan: SettlementPlan, currency: str) -> dict:
    return {
        "transfers": [transfer_out(step, currency) for step in plan.transfers],
        "unallocated": plain(plan.unallocated, currency),
        "fingerprint": plan.fingerprint,
    }
