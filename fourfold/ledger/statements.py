"""Reading the books line by line: the co-op's transactions, a member's statement, the CSV files."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, QuerySet, Sum, Window

from fourfold.accounts.models import User
from fourfold.coops.models import Cooperative
from fourfold.ledger.models import Account, Leg, Transaction
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
) -> QuerySet[Transaction]:
    """The co-op's transactions, newest first, optionally filtered."""
    items = Transaction.objects.filter(coop=coop)
    if member is not None:
        items = items.filter(legs__account__user=member).distinct()
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
        items.select_related("payer", "payee", "entered_by", "reversed_by")
        .prefetch_related(Prefetch("legs", legs))
        .order_by("-occurred_on", "-id")
    )


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
                account.user.username
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
    writer.writerow(["username", "status", "balance", "currency"])
    for row in member_balances(coop=coop):
        writer.writerow([row.user.username, row.status, str(row.balance), coop.currency])
