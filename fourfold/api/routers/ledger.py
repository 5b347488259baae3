from __future__ import annotations

from dataclasses import asdict

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Status

from fourfold.api.auth import MemberRequest
from fourfold.api.pagination import Page, paginate
from fourfold.api.schemas import errors
from fourfold.api.schemas.ledger import (
    BalanceOut,
    DeclineIn,
    PoolOut,
    RecordedSettlementOut,
    ReverseIn,
    SettlementIn,
    SettlementOut,
    StatementLineOut,
    TransactionDetailOut,
    TransactionFilters,
    TransactionIn,
    TransactionOut,
    balances_out,
    money,
    plan_out,
    shares_out,
    transaction_out,
)
from fourfold.coops.activity import entry_history
from fourfold.coops.models import Cooperative
from fourfold.coops.selectors import coop_for_member, member_by_username
from fourfold.errors import NotFound
from fourfold.ledger import consent, corrections, entries, selectors, statements
from fourfold.ledger.models import Transaction
from fourfold.lib.money import plain
from fourfold.workflows import money as money_flow

# The CSV is for programs: the same in every language.
CSV_NOTE = "CSV: ISO 8601 dates, amounts as decimal strings with a point, English column names."

router = Router(tags=["ledger"])


def _transaction(coop: Cooperative, pk: int) -> Transaction:
    item = statements.transaction_for_coop(coop=coop, pk=pk)
    if item is None:
        raise NotFound(_("No such transaction."))
    return item


def _transactions(coop: Cooperative, filters: TransactionFilters) -> QuerySet[Transaction]:
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
    request: MemberRequest,
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
    request: MemberRequest,
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
    return Status(201, transaction_out(_transaction(coop, posted.pk), coop.currency))


@router.get(
    "/coops/{slug}/ledger/transactions.csv",
    response={200: str, **errors(404)},
    openapi_extra={
        "responses": {
            200: {"description": CSV_NOTE, "content": {"text/csv": {"schema": {"type": "string"}}}}
        }
    },
)
def transactions_csv(request: MemberRequest, slug: str, filters: Query[TransactionFilters]):
    """Every matching transaction as CSV, one row per leg."""
    coop = coop_for_member(user=request.auth, slug=slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{coop.slug}-transactions.csv"'
    statements.transactions_csv(coop=coop, items=_transactions(coop, filters), out=response)
    return response


@router.get(
    "/coops/{slug}/ledger/transactions/{transaction_id}",
    response={200: TransactionDetailOut, **errors(404)},
)
def transaction_detail(request: MemberRequest, slug: str, transaction_id: int):
    """One entry, with its history: who entered, confirmed, declined or reversed it."""
    coop = coop_for_member(user=request.auth, slug=slug)
    entry = _transaction(coop, transaction_id)
    history = entry_history(coop=coop, transaction_ids=statements.entry_family(entry))
    return {
        **transaction_out(entry, coop.currency),
        "shares": shares_out(entry, coop.currency),
        "history": [asdict(row) for row in history],
    }


@router.post(
    "/coops/{slug}/ledger/transactions/{transaction_id}/reverse",
    response={201: TransactionOut, **errors(404, 409)},
)
def transaction_reverse(
    request: MemberRequest, slug: str, transaction_id: int, payload: ReverseIn | None = None
):
    """Correct a transaction by posting its mirror image. Nothing is reversed twice.

    Your own entry that named nobody else is reversed at once. Anyone else's answers with a
    `reversal_request` (status `pending`) that waits for whoever entered it and whoever it
    names; the reversal posts when they confirm it.
    """
    coop = coop_for_member(user=request.auth, slug=slug)
    reversal = corrections.transaction_reverse(
        original=_transaction(coop, transaction_id),
        entered_by=request.auth,
        reason=payload.reason if payload else "",
    )
    return Status(201, transaction_out(_transaction(coop, reversal.pk), coop.currency))


@router.post(
    "/coops/{slug}/ledger/transactions/{transaction_id}/confirm",
    response={200: TransactionOut, **errors(404, 409)},
)
def transaction_confirm(request: MemberRequest, slug: str, transaction_id: int):
    """Confirm an entry that names you (or, as a second member, a payment from the pool).
    The last confirmation posts it. A former member confirms a settling payment to them."""
    coop = selectors.coop_for_settling(user=request.auth, slug=slug, entry_id=transaction_id)
    entry = money_flow.entry_confirm(
        coop=coop, transaction_id=_transaction(coop, transaction_id).pk, member=request.auth
    )
    return transaction_out(_transaction(coop, entry.pk), coop.currency)


@router.post(
    "/coops/{slug}/ledger/transactions/{transaction_id}/decline",
    response={200: TransactionOut, **errors(404, 409)},
)
def transaction_decline(
    request: MemberRequest, slug: str, transaction_id: int, payload: DeclineIn | None = None
):
    """Decline an entry waiting for you, or withdraw one you entered: nothing moves, for good."""
    coop = coop_for_member(user=request.auth, slug=slug)
    entry = consent.entry_decline(
        coop=coop,
        transaction_id=_transaction(coop, transaction_id).pk,
        member=request.auth,
        reason=payload.reason if payload else "",
    )
    return transaction_out(_transaction(coop, entry.pk), coop.currency)


@router.get("/coops/{slug}/ledger/waiting", response={200: list[TransactionOut], **errors(404)})
def waiting_for_me(request: MemberRequest, slug: str):
    """The entries waiting for your say, oldest first."""
    coop = coop_for_member(user=request.auth, slug=slug)
    items = statements.waiting_for(coop=coop, member=request.auth)
    return [transaction_out(item, coop.currency) for item in items]


@router.get("/coops/{slug}/ledger/balances", response={200: list[BalanceOut], **errors(404)})
def balances(request: MemberRequest, slug: str):
    """Every member's balance: positive when the co-op owes the member."""
    coop = coop_for_member(user=request.auth, slug=slug)
    return balances_out(selectors.member_balances(coop=coop), coop.currency)


@router.get(
    "/coops/{slug}/ledger/balances.csv",
    response={200: str, **errors(404)},
    openapi_extra={
        "responses": {
            200: {"description": CSV_NOTE, "content": {"text/csv": {"schema": {"type": "string"}}}}
        }
    },
)
def balances_csv(request: MemberRequest, slug: str):
    coop = coop_for_member(user=request.auth, slug=slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{coop.slug}-balances.csv"'
    statements.balances_csv(coop=coop, out=response)
    return response


@router.get("/coops/{slug}/ledger/pool", response={200: PoolOut, **errors(404)})
def pool(request: MemberRequest, slug: str):
    """What the co-op holds, what awaits allocation, and that the books balance."""
    coop = coop_for_member(user=request.auth, slug=slug)
    state = selectors.books(coop=coop)
    return {
        "currency": coop.currency,
        "pool": plain(state.pool, coop.currency),
        "unallocated": plain(state.unallocated, coop.currency),
        "deposits": plain(state.deposits, coop.currency),
        "members_total": plain(state.members_total, coop.currency),
    }


@router.get(
    "/coops/{slug}/ledger/settlement", response={200: SettlementOut, **errors(404)}, by_alias=True
)
def settlement(request: MemberRequest, slug: str):
    """The fewest transfers that bring every balance to zero ("pool" is the co-op's pool).
    A former member sees it too while their balance is not zero."""
    coop = selectors.coop_for_settling(user=request.auth, slug=slug)
    return plan_out(selectors.settlement_plan(coop=coop), coop.currency)


@router.post(
    "/coops/{slug}/ledger/settlement", response={201: RecordedSettlementOut, **errors(404, 409)}
)
def settlement_record(request: MemberRequest, slug: str, payload: SettlementIn | None = None):
    """Record the current plan: all its transfers are posted together, or none. A former
    member records their part while their balance is not zero."""
    coop = selectors.coop_for_settling(user=request.auth, slug=slug)
    posted = corrections.settlement_record(
        coop=coop, entered_by=request.auth, expected=payload.fingerprint if payload else None
    )
    fresh = statements.transactions(coop=coop).filter(pk__in=[t.pk for t in posted])
    return Status(201, {"transfers": [transaction_out(t, coop.currency) for t in fresh]})


@router.get("/coops/{slug}/ledger/statement", response={200: list[StatementLineOut], **errors(404)})
def statement(
    request: MemberRequest,
    response: HttpResponse,
    slug: str,
    page: Query[Page],
    member: str | None = None,
):
    """A member's statement (default: yours), newest first, with the running balance. A
    former member reads their own, and only theirs."""
    coop = (
        coop_for_member(user=request.auth, slug=slug)
        if member
        else selectors.coop_for_settling(user=request.auth, slug=slug, reading=True)
    )
    user = request.auth
    if member:
        named = member_by_username(coop=coop, username=member)
        if named is None:
            raise NotFound(_("No member named %(name)s.") % {"name": member})
        user = named
    lines = paginate(request, response, statements.statement(coop=coop, member=user), page)
    return [
        {
            "transaction": line.transaction_id,
            "kind": line.transaction.kind,
            "occurred_on": line.transaction.occurred_on,
            "description": line.transaction.description,
            "amount": money(-line.amount_minor, coop.currency),
            "balance": money(-line.running_total, coop.currency),
        }
        for line in lines
    ]
