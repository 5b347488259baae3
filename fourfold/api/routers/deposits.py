"""Buy-in deposits (held apart from balances, returned on leaving) and members in arrears."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Header, Router, Schema, Status
from pydantic import Field

from fourfold.api.auth import MemberRequest
from fourfold.api.schemas import Input, MoneyIn, errors
from fourfold.api.schemas.ledger import TransactionOut, transaction_out
from fourfold.coops.selectors import coop_for_member, member_by_username
from fourfold.errors import NotFound
from fourfold.ledger import deposits, entries, selectors, statements
from fourfold.lib.money import plain

router = Router(tags=["ledger"])


class LeavingOut(Schema):
    held: str = Field(description="The deposit the co-op holds for you.")
    owed: str = Field(description="What you owe the co-op, taken from it when you leave.")
    paid_out: str = Field(description="What the pool would pay you back if you left now.")


class DepositOut(Schema):
    currency: str
    buy_in: str | None = Field(description="The co-op's buy-in rule now; null: none.")
    asked: str = Field(description="The deposit asked of you when you were admitted.")
    held: str = Field(description="What you paid of it and have not had back.")
    due: str = Field(description="What is left to pay.")
    on_leaving: LeavingOut


class DepositIn(Input):
    member: str | None = Field(
        None,
        max_length=150,
        description="Whose deposit; default: yours. Another member's waits for them to confirm.",
    )
    amount: MoneyIn | None = Field(None, description="Default: all that is due.")


def _member(coop, name: str | None, default):
    if name is None:
        return default
    member = member_by_username(coop=coop, username=name.strip())
    if member is None:
        raise NotFound(_("No member named %(name)s.") % {"name": name.strip()})
    return member


@router.get("/coops/{slug}/ledger/deposit", response={200: DepositOut, **errors(404)})
def deposit_mine(request: MemberRequest, slug: str):
    """Your buy-in deposit: asked, paid, due, and what leaving would give back."""
    coop = coop_for_member(user=request.auth, slug=slug)
    mine = deposits.deposit_of(coop=coop, member=request.auth)
    leaving = deposits.deposit_return_of(coop=coop, member=request.auth)
    return {
        "currency": coop.currency,
        "buy_in": plain(coop.buy_in, coop.currency) if coop.buy_in else None,
        "asked": plain(mine.asked, coop.currency),
        "held": plain(mine.held, coop.currency),
        "due": plain(mine.due, coop.currency),
        "on_leaving": {
            "held": plain(leaving.held, coop.currency),
            "owed": plain(leaving.owed, coop.currency),
            "paid_out": plain(leaving.paid_out, coop.currency),
        },
    }


@router.post(
    "/coops/{slug}/ledger/deposits",
    response={201: TransactionOut, **errors(400, 403, 404, 409)},
)
def deposit_pay(
    request: MemberRequest,
    response: HttpResponse,
    slug: str,
    payload: DepositIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
):
    """Pay a buy-in deposit into the pool (an `Idempotency-Key` makes retries safe)."""
    coop = coop_for_member(user=request.auth, slug=slug)
    member = _member(coop, payload.member, request.auth)
    posted, created = entries.idempotent(
        coop=coop,
        key=idempotency_key,
        payload={**payload.dict(), "entered_by": request.auth.pk, "kind": "deposit"},
        post=lambda: deposits.deposit_post(
            coop=coop, member=member, entered_by=request.auth, amount=payload.amount
        ),
    )
    if not created:
        response["Idempotent-Replayed"] = "true"
    item = statements.transaction_for_coop(coop=coop, pk=posted.pk)
    assert item is not None  # just posted in this co-op
    return Status(201, transaction_out(item, coop.currency))


@router.post(
    "/coops/{slug}/ledger/deposits/{username}/return",
    response={201: TransactionOut, **errors(403, 404, 409)},
)
def deposit_give_back(request: MemberRequest, slug: str, username: str):
    """Return the deposit of a member who has left, less what they owe, when the entry made as
    they left lapsed or was declined. The pool's payment waits for a second member."""
    coop = coop_for_member(user=request.auth, slug=slug)
    member = _member(coop, username, request.auth)
    entry = deposits.deposit_return(coop=coop, member=member, entered_by=request.auth)
    item = statements.transaction_for_coop(coop=coop, pk=entry.pk)
    assert item is not None  # just posted in this co-op
    return Status(201, transaction_out(item, coop.currency))


class OwingOut(Schema):
    username: str
    owed: str


class ArrearsOut(Schema):
    currency: str
    limit: str | None = Field(description="The co-op's owing limit; null: none, so no arrears.")
    count: int
    total: str
    members: list[OwingOut] = Field(description="Who owes beyond it, most first (members only).")


@router.get("/coops/{slug}/ledger/arrears", response={200: ArrearsOut, **errors(404)})
def arrears(request: MemberRequest, slug: str):
    """Members owing more than the owing limit: reminded, and reserving no more than their
    standing share until they settle up."""
    coop = coop_for_member(user=request.auth, slug=slug)
    owing = selectors.arrears(coop=coop)
    rows = owing.owing if owing else []
    return {
        "currency": coop.currency,
        "limit": plain(owing.limit, coop.currency) if owing else None,
        "count": len(rows),
        "total": plain(owing.total if owing else Decimal(0), coop.currency),
        "members": [
            {"username": person.username, "owed": plain(owed, coop.currency)}
            for person, owed in rows
        ],
    }
