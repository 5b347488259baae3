"""Reading the books line by line: the co-op's transactions, a member's statement, the CSV files."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Prefetch, Q, QuerySet, Sum, Window
from django.utils.translation import gettext as _

from fourfold.accounts.models import User
from fourfold.coops.models import Cooperative
from fourfold.ledger.models import (
    Account,
    ConsentAsk,
    EntryOutcome,
    Leg,
    Transaction,
    TransactionQuerySet,
)
from fourfold.ledger.selectors import member_balances
from fourfold.lib.csv import csv_writer
from fourfold.lib.money import from_minor


def transactions(
    *,
    coop: Cooperative,
    member: User | None = None,
    kind: str | None = None,
    category: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> TransactionQuerySet:
    """The co-op's transactions, newest first, optionally filtered."""
    items = Transaction.objects.filter(coop=coop)
    if member is not None:
        # An entry waiting for consent moves no money yet, but it names the member all the same.
        items = items.filter(
            Q(legs__account__user=member) | Q(pending_legs__account__user=member)
        ).distinct()
    if kind:
        items = items.filter(kind=kind)
    if category:
        items = items.filter(category=category)
    if start:
        items = items.filter(occurred_on__gte=start)
    if end:
        items = items.filter(occurred_on__lte=end)
    legs = Leg.objects.select_related("account__user").order_by("pk")
    return (
        items.select_related(
            "payer", "payee", "entered_by", "reversed_by", "outcome", "spread__ending"
        )
        .prefetch_related(Prefetch("legs", legs), Prefetch("asks", ASKS))
        .order_by("-occurred_on", "-id")
    )


ASKS = ConsentAsk.objects.select_related("member", "answer__member").order_by("pk")


@dataclass(frozen=True)
class EntryStatus:
    """Where an entry stands: ``posted``, ``pending`` or ``declined`` (a lapsed entry is
    declined by nobody: ``reason`` says so), and whose say it still waits for."""

    status: str
    awaiting: list[str]
    reason: str = ""
    lapses_at: datetime | None = None


POOL_SECOND = "a second member"


def entry_status(entry: Transaction) -> EntryStatus:
    """Read from the entry's prefetched asks and outcome (``transactions`` loads them)."""
    if not entry.awaits_consent:
        return EntryStatus("posted", [])
    outcome: EntryOutcome | None = getattr(entry, "outcome", None)
    if outcome is not None:
        if outcome.outcome == EntryOutcome.Outcome.POSTED:
            return EntryStatus("posted", [])
        if outcome.outcome == EntryOutcome.Outcome.LAPSED:
            return EntryStatus("declined", [], _("lapsed: nobody confirmed it in time"))
        who = outcome.by.username if outcome.by else ""
        reason = outcome.reason or _("no reason given")
        return EntryStatus(
            "declined", [], _("%(who)s: %(reason)s") % {"who": who, "reason": reason}
        )
    awaiting = [
        ask.member.username if ask.member else POOL_SECOND
        for ask in entry.asks.all()
        if not hasattr(ask, "answer")
    ]
    return EntryStatus("pending", awaiting, lapses_at=entry.lapses_at)


def can_answer(entry: Transaction, member: User) -> ConsentAsk | None:
    """The ask of ``entry`` that ``member`` may answer, if any: their own, or else the pool's
    when they neither entered the entry nor are named in it (the pool's second pair of eyes
    is someone else's)."""
    asks = list(entry.asks.all())
    for ask in asks:
        if ask.member_id == member.pk:
            return None if hasattr(ask, "answer") else ask
    if entry.entered_by_id == member.pk:
        return None
    return next(
        (ask for ask in asks if ask.role == ConsentAsk.Role.POOL and not hasattr(ask, "answer")),
        None,
    )


def _unanswered_by(member: User) -> Q:
    return Q(asks__answer__isnull=True) & (
        Q(asks__member=member) | Q(asks__role=ConsentAsk.Role.POOL)
    )


def waiting_for(*, coop: Cooperative, member: User) -> list[Transaction]:
    """The entries waiting for ``member``'s say, oldest first."""
    candidates = (
        transactions(coop=coop)
        .pending()
        .filter(_unanswered_by(member))
        .distinct()
        .order_by("entered_at", "pk")
    )
    return [entry for entry in candidates if can_answer(entry, member) is not None]


def waiting_across(*, coop_ids: Iterable[int], member: User) -> list[Transaction]:
    """``waiting_for`` over several co-ops at once (a member's week), oldest first: two
    queries however many co-ops, without the legs a statement line needs."""
    candidates = (
        Transaction.objects.filter(coop_id__in=list(coop_ids))
        .pending()
        .filter(_unanswered_by(member))
        .distinct()
        .select_related("coop", "entered_by", "payer", "payee")
        .prefetch_related(Prefetch("asks", ASKS))
        .order_by("entered_at", "pk")
    )
    return [entry for entry in candidates if can_answer(entry, member) is not None]


def entry_family(entry: Transaction) -> list[int]:
    """The ids of ``entry`` and of what corrects it (its reversal, requests to reverse it,
    their reversals), whose history is the entry's."""
    requests = list(Transaction.objects.filter(reversal_of=entry).values_list("pk", flat=True))
    reversals = list(Transaction.objects.filter(reverses=entry).values_list("pk", flat=True))
    return [entry.pk, *requests, *reversals]


def transaction_for_coop(*, coop: Cooperative, pk: int) -> Transaction | None:
    return transactions(coop=coop).filter(pk=pk).first()


def statement(*, coop: Cooperative, member: User) -> QuerySet[Leg]:
    """A member's legs, newest first, each with the member's balance after it."""
    running = Window(
        Sum("amount_minor"),
        order_by=[
            "transaction__occurred_on",
            "transaction_id",
        ],
    )
    return (
        Leg.objects.filter(
            account__coop=coop, account__kind=Account.Kind.MEMBER, account__user=member
        )
        .select_related(
            "transaction", "transaction__payer", "transaction__payee", "transaction__entered_by"
        )
        .annotate(running_total=running)
        .order_by("-transaction__occurred_on", "-transaction_id")
    )


def transactions_csv(*, coop: Cooperative, items: QuerySet[Transaction], out) -> None:
    """Write ``items`` as CSV to ``out``: one row per leg, so a spreadsheet can re-add them."""
    writer = csv_writer(out)
    writer.writerow(
        [
            "id",
            "occurred_on",
            "kind",
            "category",
            "description",
            "supplier",
            "payer",
            "payee",
            "account",
            "amount",
            "currency",
            "entered_by",
            "entered_at",
            "reverses",
        ]
    )
    for item in items.iterator(chunk_size=500):
        for leg in item.legs.all():
            account = leg.account
            name = (
                f"deposit:{account.user.username}"
                if account.user is not None and account.kind == Account.Kind.EQUITY
                else account.user.username
                if account.user is not None
                else f"cost:{account.category}"
                if account.category
                else "pool"
            )
            writer.writerow(
                [
                    item.pk,
                    item.occurred_on.isoformat(),
                    item.kind,
                    item.category,
                    item.description,
                    item.supplier,
                    item.payer.username if item.payer is not None else "",
                    item.payee.username if item.payee is not None else "",
                    name,
                    str(from_minor(leg.amount_minor, coop.currency)),
                    coop.currency,
                    item.entered_by.username,
                    item.entered_at.isoformat(),
                    item.reverses_id or "",
                ]
            )


def balances_csv(*, coop: Cooperative, out) -> None:
    writer = csv_writer(out)
    writer.writerow(["username", "status", "balance", "currency", "deposit"])
    for row in member_balances(coop=coop):
        writer.writerow(
            [row.user.username, row.status, str(row.balance), coop.currency, str(row.deposit)]
        )
