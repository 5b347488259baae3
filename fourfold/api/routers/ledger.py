from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Schema, Status
from pydantic import Field

from fourfold.api.pagination import Page, paginate
from fourfold.api.schemas import DecimalIn, Input, IsoDate, MoneyIn, errors
from fourfold.coops.selectors import coop_for_member, member_by_username
from fourfold.errors import NotFound
from fourfold.ledger import corrections, entries, selectors, statements
from fourfold.ledger.models import Transaction
from fourfold.lib.money import from_minor, plain
from fourfold.workflows import money as money_flow

router = Router(tags=["ledger"])


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


class LegOut(Schema):
    account: str
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
    approval: int | None = Field(
        description="The passed spending proposal an expense above the spending limit draws on."
    )
    legs: list[LegOut]


class BalanceOut(Schema):
    username: str
    balance: str = Field(description="Positive: the co-op owes the member.")
    status: str


class PoolOut(Schema):
    currency: str
    pool: str = Field(description="Money the co-op holds.")
    unallocated: str = Field(description="Costs paid but not yet charged to members.")
    members_total: str = Field(description="Sum of member balances = pool + unallocated.")


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


def _name(user) -> str | None:
    return user.username if user is not None else None


def _account_name(account) -> str:
    if account.kind == account.Kind.MEMBER:
        return f"member:{account.user.username}"
    if account.kind == account.Kind.COST:
        return f"cost:{account.category}"
    return "pool"


def _money(minor: int, currency: str) -> str:
    return plain(from_minor(minor, currency), currency)


def transaction_out(item: Transaction, currency: str) -> dict:
    pool_side = item.kind in {Transaction.Kind.EXPENSE, Transaction.Kind.TRANSFER}
    reversed_by = getattr(item, "reversed_by", None)
    return {
        "id": item.pk,
        "kind": item.kind,
        "amount": _money(item.amount_minor, currency),
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
        "approval": item.approval_id,
        "legs": [
            {
                "account": _account_name(leg.account),
                "amount": _money(leg.amount_minor, currency),
            }
            for leg in item.legs.all()
        ],
    }


def _transactions(coop, filters: TransactionFilters):
    member = None
    if filters.member:
        member = member_by_username(coop=coop, username=filters.member)
        if member is None:
            raise NotFound(_("No member named %(name)s.") % {"name": filters.member})
    return statements.transactions(
        coop=coop,
        member=member,
        kind=filters.kind,
        category=filters.category,
        start=filters.start,
        end=filters.end,
    )


@router.get(
    "/coops/{slug}/ledger/transactions", response={200: list[TransactionOut], **errors(404)}
)
def transactions_list(
    request: HttpRequest,
    response: HttpResponse,
    slug: str,
    filters: Query[TransactionFilters],
    page: Query[Page],
):
    """The co-op's transactions, newest first; filter by member, kind, category, dates."""
    coop = coop_for_member(user=request.auth, slug=slug)
    items = paginate(request, response, _transactions(coop, filters), page)
    return [transaction_out(item, coop.currency) for item in items]


@router.post(
    "/coops/{slug}/ledger/transactions",
    response={201: TransactionOut, **errors(400, 403, 404, 409)},
)
def transaction_create(
    request: HttpRequest,
    response: HttpResponse,
    slug: str,
    payload: TransactionIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
):
    """Record a contribution, an expense (optionally split at once) or a transfer.

    Send an `Idempotency-Key` header to make retries safe: the same key posts once and
    answers with the same transaction.
    """
    coop = coop_for_member(user=request.auth, slug=slug)
    fields = payload.dict()
    posted, created = entries.idempotent(
        coop=coop,
        key=idempotency_key,
        # Who sends it is part of the request: the same body from another member (whose payer
        # defaults to themselves) is another transaction, never a replay of this one.
        payload={**fields, "entered_by": request.auth.pk},
        post=lambda: money_flow.entry_record(coop=coop, entered_by=request.auth, **fields),
    )
    if not created:
        response["Idempotent-Replayed"] = "true"
    fresh = statements.transaction_for_coop(coop=coop, pk=posted.pk)
    return Status(201, transaction_out(fresh, coop.currency))


@router.get(
    "/coops/{slug}/ledger/transactions.csv",
    response={200: str, **errors(404)},
    openapi_extra={
        "responses": {
            200: {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}}
        }
    },
)
def transactions_csv(request: HttpRequest, slug: str, filters: Query[TransactionFilters]):
    """Every matching transaction as CSV, one row per leg."""
    coop = coop_for_member(user=request.auth, slug=slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{coop.slug}-transactions.csv"'
    statements.transactions_csv(coop=coop, items=_transactions(coop, filters), out=response)
    return response


@router.get(
    "/coops/{slug}/ledger/transactions/{transaction_id}",
    response={200: TransactionOut, **errors(404)},
)
def transaction_detail(request: HttpRequest, slug: str, transaction_id: int):
    coop = coop_for_member(user=request.auth, slug=slug)
    item = statements.transaction_for_coop(coop=coop, pk=transaction_id)
    if item is None:
        raise NotFound(_("No such transaction."))
    return transaction_out(item, coop.currency)


@router.post(
    "/coops/{slug}/ledger/transactions/{transaction_id}/reverse",
    response={201: TransactionOut, **errors(404, 409)},
)
def transaction_reverse(
    request: HttpRequest, slug: str, transaction_id: int, payload: ReverseIn | None = None
):
    """Correct a transaction by posting its mirror image. Nothing is reversed twice."""
    coop = coop_for_member(user=request.auth, slug=slug)
    item = statements.transaction_for_coop(coop=coop, pk=transaction_id)
    if item is None:
        raise NotFound(_("No such transaction."))
    reversal = corrections.transaction_reverse(
        original=item, entered_by=request.auth, reason=payload.reason if payload else ""
    )
    fresh = statements.transaction_for_coop(coop=coop, pk=reversal.pk)
    return Status(201, transaction_out(fresh, coop.currency))


def _balances(coop) -> list[dict]:
    return [
        {
            "username": row.user.username,
            "balance": plain(row.balance, coop.currency),
            "status": row.status,
        }
        for row in selectors.member_balances(coop=coop)
    ]


@router.get("/coops/{slug}/ledger/balances", response={200: list[BalanceOut], **errors(404)})
def balances(request: HttpRequest, slug: str):
    """Every member's balance: positive when the co-op owes the member."""
    return _balances(coop_for_member(user=request.auth, slug=slug))


@router.get(
    "/coops/{slug}/ledger/balances.csv",
    response={200: str, **errors(404)},
    openapi_extra={
        "responses": {
            200: {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}}
        }
    },
)
def balances_csv(request: HttpRequest, slug: str):
    coop = coop_for_member(user=request.auth, slug=slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{coop.slug}-balances.csv"'
    statements.balances_csv(coop=coop, out=response)
    return response


@router.get("/coops/{slug}/ledger/pool", response={200: PoolOut, **errors(404)})
def pool(request: HttpRequest, slug: str):
    """What the co-op holds, what awaits allocation, and that the books balance."""
    coop = coop_for_member(user=request.auth, slug=slug)
    state = selectors.books(coop=coop)
    return {
        "currency": coop.currency,
        "pool": plain(state.pool, coop.currency),
        "unallocated": plain(state.unallocated, coop.currency),
        "members_total": plain(state.members_total, coop.currency),
    }


def _plan_out(plan, currency: str) -> dict:
    return {
        "transfers": [
            {
                "from": _name(step.payer) or "pool",
                "to": _name(step.payee) or "pool",
                "amount": plain(step.amount, currency),
            }
            for step in plan.transfers
        ],
        "unallocated": plain(plan.unallocated, currency),
        "fingerprint": plan.fingerprint,
    }


@router.get(
    "/coops/{slug}/ledger/settlement", response={200: SettlementOut, **errors(404)}, by_alias=True
)
def settlement(request: HttpRequest, slug: str):
    """The fewest transfers that bring every balance to zero ("pool" is the co-op's pool)."""
    coop = coop_for_member(user=request.auth, slug=slug)
    return _plan_out(selectors.settlement_plan(coop=coop), coop.currency)


@router.post(
    "/coops/{slug}/ledger/settlement", response={201: RecordedSettlementOut, **errors(404, 409)}
)
def settlement_record(request: HttpRequest, slug: str, payload: SettlementIn | None = None):
    """Record the current plan: all its transfers are posted together, or none."""
    coop = coop_for_member(user=request.auth, slug=slug)
    posted = corrections.settlement_record(
        coop=coop, entered_by=request.auth, expected=payload.fingerprint if payload else None
    )
    fresh = statements.transactions(coop=coop).filter(pk__in=[t.pk for t in posted])
    return Status(201, {"transfers": [transaction_out(t, coop.currency) for t in fresh]})


@router.get("/coops/{slug}/ledger/statement", response={200: list[StatementLineOut], **errors(404)})
def statement(
    request: HttpRequest,
    response: HttpResponse,
    slug: str,
    page: Query[Page],
    member: str | None = None,
):
    """A member's statement (default: yours), newest first, with the running balance."""
    coop = coop_for_member(user=request.auth, slug=slug)
    user = request.auth
    if member:
        user = member_by_username(coop=coop, username=member)
        if user is None:
            raise NotFound(_("No member named %(name)s.") % {"name": member})
    lines = paginate(request, response, statements.statement(coop=coop, member=user), page)
    return [
        {
            "transaction": line.transaction_id,
            "kind": line.transaction.kind,
            "occurred_on": line.transaction.occurred_on,
            "description": line.transaction.description,
            "amount": _money(-line.amount_minor, coop.currency),
            "balance": _money(-line.running_total, coop.currency),
        }
        for line in lines
    ]
