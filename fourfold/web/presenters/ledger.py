"""How the ledger reads: each transaction with where it stands, what waits for whose say, and a
member's statement with what each transaction did to their balance."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from fourfold.accounts.models import User
from fourfold.coops.models import Cooperative
from fourfold.coops.vocabulary import service_or_good
from fourfold.insights import balances_chart
from fourfold.ledger import statements
from fourfold.ledger.models import Account, Leg, PendingLeg, Transaction, TransactionQuerySet
from fourfold.ledger.selectors import Books, PlannedTransfer, SettlementPlan
from fourfold.lib.money import from_minor


@dataclass(frozen=True)
class StatementLine:
    leg: Leg
    change: Decimal  # what this transaction did to the member's balance
    balance: Decimal  # the member's balance after it


def kind_label(kind: str, coop: Cooperative) -> str:
    """A kind of ledger entry named in the co-op's words."""
    if kind == Transaction.Kind.BATCH_CHARGE:
        return service_or_good(coop, _("batch charge"), _("session charge"))
    return str(Transaction.Kind(kind).label)


def statement_lines(coop: Cooperative, legs: Iterable[Leg]) -> list[StatementLine]:
    """``legs`` from ``ledger.selectors.statement``, which annotates each with its running
    total. A member's account is the co-op's debt to them: the balance is minus the legs' sum."""
    return [
        StatementLine(
            leg=leg,
            change=from_minor(-leg.amount_minor, coop.currency),
            # The selector's QuerySet[Leg] type cannot carry its annotation.
            balance=from_minor(-leg.running_total, coop.currency),  # type: ignore[attr-defined]
        )
        for leg in legs
    ]


@dataclass(frozen=True)
class Row:
    """A transaction as the ledger lists it: where it stands, in words as well as a class,
    and whether the viewer is the one to answer it."""

    item: Transaction
    status: statements.EntryStatus
    answerable: bool
    mine: bool  # the viewer entered it (and so may withdraw it while it waits)

    @property
    def waits_for(self) -> str:
        """Whose say it waits for, as a sentence's end: "bob and carol"."""
        return names(self.status.awaiting)


def names(usernames: list[str]) -> str:
    words = [_("a second member") if name == statements.POOL_SECOND else name for name in usernames]
    if not words:
        return _("the entry it belongs to")
    if len(words) == 1:
        return words[0]
    return _("%(most)s and %(last)s") % {"most": ", ".join(words[:-1]), "last": words[-1]}


def rows(items: Iterable[Transaction], viewer: User) -> list[Row]:
    """``items`` from ``ledger.statements.transactions`` (its asks and outcome prefetched)."""
    return [
        Row(
            item=item,
            status=statements.entry_status(item),
            answerable=statements.can_answer(item, viewer) is not None,
            mine=item.entered_by_id == viewer.pk,
        )
        for item in items
    ]


def _pending(items: TransactionQuerySet) -> TransactionQuerySet:
    """``items`` still waiting, with their asks. A pending entry has no legs yet: the
    selector's prefetch of them would be a query that finds nothing."""
    return (
        items.pending().prefetch_related(None).prefetch_related(Prefetch("asks", statements.ASKS))
    )


def waiting_rows(coop: Cooperative, viewer: User) -> tuple[list[Row], list[Row]]:
    """What waits for the viewer's say, oldest first; then what waits for others. An
    allocation held with its expense is answered with the expense, so it is not listed."""
    mine = rows(statements.waiting_for(coop=coop, member=viewer), viewer)
    theirs = (
        _pending(statements.transactions(coop=coop))
        .filter(allocates__isnull=True)
        .exclude(pk__in=[row.item.pk for row in mine])
        .order_by("entered_at", "pk")
    )
    return mine, rows(theirs, viewer)


@dataclass(frozen=True)
class PendingLine:
    """An entry naming the member that waits for someone's say: what it would do to their
    balance once confirmed, and whose confirmation it waits for."""

    item: Transaction
    change: Decimal
    waits_for: str
    waits_for_me: bool = False  # the statement offers its confirm button


def pending_lines(coop: Cooperative, member: User) -> list[PendingLine]:
    """The entries waiting for consent that would move ``member``'s balance. They have no
    legs yet, so the statement's running balance never counts them. A cost allocation held
    with its expense waits for whoever the expense waits for."""
    own_legs = PendingLeg.objects.filter(account__kind=Account.Kind.MEMBER, account__user=member)
    items = (
        _pending(statements.transactions(coop=coop, member=member))
        .select_related("allocates__outcome")
        .prefetch_related(
            Prefetch("pending_legs", own_legs, to_attr="own_legs"),
            Prefetch("allocates__asks", statements.ASKS),
        )
    )
    lines = []
    for item in items:
        asked = item.allocates if item.allocates is not None else item
        change = -sum(leg.amount_minor for leg in item.own_legs)
        awaiting = statements.entry_status(asked).awaiting
        lines.append(
            PendingLine(
                item=item,
                change=from_minor(change, coop.currency),
                waits_for=names(awaiting),
                waits_for_me=member.username in awaiting,
            )
        )
    return lines


@dataclass(frozen=True)
class SettlePart:
    """The viewer's part of the settle-up plan. They record what they pay and what the pool
    pays them (``records``); a member paying them records it, and they confirm it."""

    pays: list[PlannedTransfer]
    receives: list[PlannedTransfer]
    records: bool
    pays_anything: bool
    waiting: list[Row]  # settle-up payments not confirmed yet, everyone's
    mine_waiting: bool  # the viewer's own recorded payments still wait


def settle_pending(coop: Cooperative) -> TransactionQuerySet:
    """Payments between members and the pool that still wait for a confirmation."""
    return _pending(statements.transactions(coop=coop, kind=Transaction.Kind.TRANSFER)).order_by(
        "entered_at", "pk"
    )


def settle_part(plan: SettlementPlan, waiting: list[Row], viewer: User) -> SettlePart:
    pays = [step for step in plan.transfers if step.payer and step.payer.pk == viewer.pk]
    receives = [step for step in plan.transfers if step.payee and step.payee.pk == viewer.pk]
    from_pool = [step for step in receives if step.payer is None]
    return SettlePart(
        pays=pays,
        receives=receives,
        records=bool(pays or from_pool),
        pays_anything=bool(pays),
        waiting=waiting,
        mine_waiting=any(row.mine for row in waiting),
    )


@dataclass(frozen=True)
class BalancesPicture:
    chart: SafeString
    more: str  # who the chart leaves to the table, in words; "" when it draws everyone


def balances_picture(coop: Cooperative, books: Books, viewer: User) -> BalancesPicture | None:
    """The balances the page already read, as a chart; none while every balance is zero."""
    if not any(row.balance for row in books.balances):
        return None
    return BalancesPicture(
        chart=balances_chart.balances_chart(books.balances, currency=coop.currency, me=viewer.pk),
        more=balances_chart.more_text(balances_chart.balance_bars(books.balances)),
    )
