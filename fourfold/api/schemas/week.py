"""What the week answers with: a member's things to do in the next seven days."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from fourfold.api.schemas.ledger import PlannedTransferOut, transfer_out
from fourfold.insights.week import Health, Owing, Week, WeekItem
from fourfold.lib.money import plain


class WeekItemOut(Schema):
    kind: Literal["shift", "take", "collect", "confirm", "vote", "swap"] = Field(
        description="shift: produce a batch (offer it: POST …/shifts/{ref}/swap); take: a "
        "batch you take a share of (change it: POST …/reservations with batch=ref); collect: "
        "your share of a made batch, to pick up by `on` (POST …/batches/{ref}/collected); "
        "confirm: an entry waiting for your say (POST …/ledger/transactions/{ref}/confirm); "
        "vote: an open proposal you have not voted on (POST …/proposals/{ref}/votes); swap: "
        "another member's shift you could take (POST …/swaps/{ref}/take)."
    )
    coop: str = Field(description="The co-op's slug.")
    on: date | None = Field(description="The co-op's local day, for shifts and batches.")
    at: datetime | None = Field(description="The instant, for votes and entries: their deadline.")
    title: str = Field(description="What to do, in words.")
    ref: int = Field(
        description="The id the action takes: the shift, batch, entry, proposal or swap."
    )
    batch: int | None = None
    units: int | None = None
    with_: list[str] = Field(
        alias="with",
        description="Usernames: who produces with you, who offers the shift, who entered it.",
    )
    amount: str | None = Field(description='confirm: the entry\'s amount, e.g. "5.00".')
    deadline: datetime | None = Field(
        description="take: when reservations close; confirm: when the entry lapses; vote: "
        "when the vote closes."
    )
    offered: bool = Field(description="shift: you have offered it on the swap board.")


class OwingOut(Schema):
    coop: str
    balance: str = Field(description="Positive: the co-op owes you; negative: you owe.")
    transfers: list[PlannedTransferOut] = Field(
        description="The settle-up plan's transfers that name you."
    )
    unallocated: str = Field(description="While above zero, settling up waits for allocation.")


class HealthLineOut(Schema):
    coop: str
    holds: int
    at_risk: int
    broken: int
    not_yet: int


class WeekOut(Schema):
    from_: date = Field(alias="from", description="The first day (the earliest co-op's today).")
    to: date = Field(description="The last day, inclusive.")
    items: list[WeekItemOut] = Field(description="In time order.")
    owing: list[OwingOut] = Field(description="The co-ops where you owe or are owed.")
    health: list[HealthLineOut] = Field(description="Each co-op's principles, counted by status.")


def _item_out(item: WeekItem) -> dict:
    timed = isinstance(item.when, datetime)
    return {
        "kind": item.kind,
        "coop": item.coop.slug,
        "on": None if timed else item.when,
        "at": item.when if timed else None,
        "title": item.title,
        "ref": item.ref,
        "batch": item.batch_id,
        "units": item.units,
        "with": item.people,
        "amount": plain(item.amount, item.coop.currency) if item.amount is not None else None,
        "deadline": item.deadline,
        "offered": item.offered,
    }


def _owing_out(owing: Owing) -> dict:
    currency = owing.coop.currency
    return {
        "coop": owing.coop.slug,
        "balance": plain(owing.balance, currency),
        "transfers": [transfer_out(step, currency) for step in owing.transfers],
        "unallocated": plain(owing.unallocated, currency),
    }


def week_out(week: Week, health: list[Health]) -> dict:
    return {
        "from": week.start,
        "to": week.end,
        "items": [_item_out(item) for item in week.items],
        "owing": [_owing_out(owing) for owing in week.owing],
        "health": [{"coop": line.coop.slug, **line.counts} for line in health],
    }
