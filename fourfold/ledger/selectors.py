"""Reads from the ledger: balances, statements, the settle-up plan."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    Count,
    F,
    FilteredRelation,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Window,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from fourfold.accounts.models import User
from fourfold.coops.models import Cooperative, Membership
from fourfold.coops.selectors import coop_today
from fourfold.ledger.models import Account, Leg, Transaction
from fourfold.lib.csv import csv_writer
from fourfold.lib.money import format_money, from_minor, to_minor
from fourfold.lib.settlement import settle


@dataclass(frozen=True)
class Person:
    """Who a balance belongs to: enough to name them, without loading a whole user row
    (10,000 of those cost ten times the query)."""

    pk: int
    username: str


@dataclass(frozen=True)
class MemberBalance:
    user: Person
    status: str
    balance: Decimal  # positive: the co-op owes the member


@dataclass(frozen=True)
class Books:
    balances: list[MemberBalance]
    pool: Decimal
    unallocated: Decimal  # costs paid but not yet charged to members

    @property
    def members_total(self) -> Decimal:
        return sum((row.balance for row in self.balances), Decimal(0))


def _member_rows(coop: Cooperative, **extra) -> QuerySet:
    account = FilteredRelation(
        "user__ledger_accounts",
        condition=Q(
            user__ledger_accounts__coop=coop, user__ledger_accounts__kind=Account.Kind.MEMBER
        ),
    )
    return (
        Membership.objects.filter(coop=coop)
        .annotate(account=account)
        .values_list(
            "user_id",
            "user__username",
            "status",
            Coalesce(F("account__total_minor"), 0),
            *extra.values(),
        )
        .order_by("user__username")
    )


def _balance_rows(coop: Cooperative, rows) -> list[MemberBalance]:
    # Members who left show only while they still owe or are owed.
    return [
        MemberBalance(
            user=Person(pk=row[0], username=row[1]),
            status=row[2],
            balance=from_minor(-row[3], coop.currency),
        )
        for row in rows
        if row[3] or row[2] != Membership.Status.LEFT
    ]


# A pay-in or an expense above this many times the co-op's median entry asks for a second
# look (a slip of the keyboard: 100000 for 1000.00), and never below this many whole units of
# the co-op's currency: a new co-op's first entries set no usual yet.
LARGE_ENTRY_MULTIPLE = 10
LARGE_ENTRY_FLOOR = Decimal(1000)


@dataclass(frozen=True)
class LargeEntry:
    threshold: Decimal  # above it, a pay-in or an expense is confirmed first
    median: Decimal | None  # the co-op's median pay-in or expense; None before the first


def large_entry_threshold(*, coop: Cooperative) -> LargeEntry:
    """Ten times the median of the co-op's pay-ins and expenses (those not reversed), never
    below 1,000 in its currency. Two queries: a count, then the middle one or two rows."""
    entries = (
        Transaction.objects.filter(
            coop=coop,
            kind__in=[Transaction.Kind.CONTRIBUTION, Transaction.Kind.EXPENSE],
            reversed_by__isnull=True,
        )
        .order_by("amount_minor")
        .values_list("amount_minor", flat=True)
    )
    count = entries.count()
    if not count:
        return LargeEntry(threshold=LARGE_ENTRY_FLOOR, median=None)
    middle = list(entries[(count - 1) // 2 : count // 2 + 1])
    median = from_minor(sum(middle), coop.currency) / len(middle)
    # Exact: ten times the mean of one or two amounts in minor units is whole minor units.
    threshold = from_minor(LARGE_ENTRY_MULTIPLE * sum(middle) // len(middle), coop.currency)
    return LargeEntry(threshold=max(threshold, LARGE_ENTRY_FLOOR), median=median)


def member_balances(*, coop: Cooperative) -> list[MemberBalance]:
    """Every member's balance in one query; members with no money yet show 0."""
    return _balance_rows(coop, _member_rows(coop))


def member_balance(*, coop: Cooperative, member: User) -> Decimal:
    """One member's balance (positive: the co-op owes them), read from their account's
    running total alone; 0 before they have any money."""
    total = (
        Account.objects.filter(coop=coop, kind=Account.Kind.MEMBER, user=member)
        .values_list("total_minor", flat=True)
        .first()
    )
    return from_minor(-(total or 0), coop.currency)


def books(*, coop: Cooperative) -> Books:
    """Every member's balance, the pool and the costs awaiting allocation, in one query
    whatever the size of the co-op or its ledger (the running totals live on the accounts)."""

    def kind_total(kind: str) -> Subquery:
        return Coalesce(
            Subquery(
                Account.objects.filter(coop=coop, kind=kind)
                .values("coop")
                .annotate(sum=Sum("total_minor"))
                .values("sum")[:1]
            ),
            0,
        )

    rows = list(
        _member_rows(
            coop, pool=kind_total(Account.Kind.POOL), unallocated=kind_total(Account.Kind.COST)
        )
    )
    pool = rows[0][4] if rows else 0
    unallocated = rows[0][5] if rows else 0
    return Books(
        balances=_balance_rows(coop, rows),
        pool=from_minor(pool, coop.currency),
        unallocated=from_minor(unallocated, coop.currency),
    )


@dataclass(frozen=True)
class PlannedTransfer:
    payer: Person | None  # None: the pool pays (a reimbursement)
    payee: Person | None  # None: paid into the pool
    amount: Decimal


@dataclass(frozen=True)
class SettlementPlan:
    transfers: list[PlannedTransfer]
    unallocated: Decimal  # while costs await allocation, nobody's share is known yet

    @property
    def fingerprint(self) -> str:
        """Names this exact plan, so recording can refuse a plan that changed meanwhile."""
        text = ";".join(
            f"{step.payer.pk if step.payer else 'pool'}>"
            f"{step.payee.pk if step.payee else 'pool'}:{step.amount}"
            for step in self.transfers
        )
        return hashlib.sha256(f"{text}|{self.unallocated}".encode()).hexdigest()[:32]


def settlement_plan(*, coop: Cooperative) -> SettlementPlan:
    """The fewest transfers fourfold can find that bring every balance to zero.

    The pool takes part like a member: money it holds is owed back to members, so it may pay
    some of them out. Costs not yet allocated cannot be settled (whose share are they?): while
    there are any, the plan is empty and says how much awaits allocation.
    """
    state = books(coop=coop)
    if state.unallocated:
        return SettlementPlan(transfers=[], unallocated=state.unallocated)
    people = {row.user.pk: row.user for row in state.balances}
    people[None] = None
    minor = {row.user.pk: to_minor(row.balance, coop.currency) for row in state.balances}
    minor[None] = -to_minor(state.pool, coop.currency)
    return SettlementPlan(
        transfers=[
            PlannedTransfer(
                payer=people[debtor],
                payee=people[creditor],
                amount=from_minor(amount, coop.currency),
            )
            for debtor, creditor, amount in settle(minor)
        ],
        unallocated=Decimal(0),
    )


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


def charge_legs(*, coop: Cooperative) -> QuerySet[Leg]:
    """What members are charged for the co-op's costs: the member legs of every cost
    allocation and of every reversal of one. A charge taken back (re-shared after an extra
    was claimed, or corrected) cancels against its reversal, so summing these legs counts
    each cost once, as the member's statement does. Positive: charged to the member.

    This is the one definition of "cost charged to a member"; callers narrow it (by member,
    batch or dates) and sum ``amount_minor``.
    """
    return Leg.objects.filter(account__coop=coop, account__kind=Account.Kind.MEMBER).filter(
        Q(transaction__kind=Transaction.Kind.COST_ALLOCATION)
        | Q(transaction__reverses__kind=Transaction.Kind.COST_ALLOCATION)
    )


def member_charges(
    *,
    coop: Cooperative,
    member_ids: list[int] | None = None,
    start: date | None = None,
    end: date | None = None,
) -> dict[int, Decimal]:
    """Cost charged to each member (by user id), net of reversals, in entries dated from
    ``start`` to ``end``: one aggregate query. Members charged nothing are absent."""
    legs = charge_legs(coop=coop)
    if member_ids is not None:
        legs = legs.filter(account__user_id__in=member_ids)
    if start is not None:
        legs = legs.filter(transaction__occurred_on__gte=start)
    if end is not None:
        legs = legs.filter(transaction__occurred_on__lte=end)
    rows = (
        legs.values("account__user_id")
        .annotate(total=Sum("amount_minor"))
        .values_list("account__user_id", "total")
    )
    return {user_id: from_minor(total, coop.currency) for user_id, total in rows}


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
                if account.user_id
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
                    item.payer.username if item.payer_id else "",
                    item.payee.username if item.payee_id else "",
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


@dataclass(frozen=True)
class LeftBalance:
    coop: Cooperative
    balance: Decimal  # positive: the co-op owes the former member

    @property
    def owed(self) -> Decimal:
        return -self.balance


def balances_left_behind(*, user: User) -> list[LeftBalance]:
    """What is still owed either way in the co-ops ``user`` has left: they no longer see
    those co-ops' pages, but they should see this until it is settled. One query."""
    accounts = (
        Account.objects.filter(
            user=user,
            kind=Account.Kind.MEMBER,
            coop__memberships__user=user,
            coop__memberships__status=Membership.Status.LEFT,
        )
        .exclude(total_minor=0)
        .select_related("coop")
        .order_by("coop__name")
    )
    return [
        # An account's total is what flowed in minus out; the member's balance is its opposite.
        LeftBalance(coop=a.coop, balance=from_minor(-a.total_minor, a.coop.currency))
        for a in accounts
    ]


def account_name(account: Account) -> str:
    """How an account is named in exports and checks: member:<username>, pool, cost:<category>."""
    if account.kind == Account.Kind.MEMBER:
        return f"member:{account.user.username}"
    if account.kind == Account.Kind.COST:
        return f"cost:{account.category}"
    return "pool"


def books_check(*, coop: Cooperative) -> list[str]:
    """What is wrong with the co-op's books, one sentence per problem; empty when they are
    sound. The services keep these true on every posting; this looks at what the database
    holds, so it also finds what a hand at the database changed behind their back:

    - every transaction's legs sum to zero, and its debits to its amount;
    - every account's running total equals the sum of its legs;
    - nothing is reversed twice, and no reversal is reversed;
    - the pool never held less than nothing, posting after posting.

    Five aggregate queries, whatever the size of the ledger.
    """

    def money(minor: int) -> str:
        return format_money(from_minor(minor, coop.currency), coop.currency)

    problems: list[str] = []
    unbalanced = (
        Transaction.objects.filter(coop=coop)
        .annotate(
            leg_sum=Coalesce(Sum("legs__amount_minor"), 0),
            debits=Coalesce(Sum("legs__amount_minor", filter=Q(legs__amount_minor__gt=0)), 0),
        )
        .filter(~Q(leg_sum=0) | ~Q(debits=F("amount_minor")))
        .order_by("pk")
        .values_list("pk", "amount_minor", "leg_sum", "debits")
    )
    for pk, amount, leg_sum, debits in unbalanced:
        if leg_sum:
            problems.append(
                _("Transaction #%(id)d: its legs sum to %(sum)s, not zero.")
                % {"id": pk, "sum": money(leg_sum)}
            )
        if debits != amount:
            problems.append(
                _("Transaction #%(id)d: its amount is %(amount)s, but its legs move %(debits)s.")
                % {"id": pk, "amount": money(amount), "debits": money(debits)}
            )
    drifted = (
        Account.objects.filter(coop=coop)
        .annotate(leg_sum=Coalesce(Sum("legs__amount_minor"), 0))
        .exclude(leg_sum=F("total_minor"))
        .select_related("user")
        .order_by("pk")
    )
    for account in drifted:
        problems.append(
            _("Account %(account)s: its total is %(total)s, but its legs sum to %(sum)s.")
            % {
                "account": account_name(account),
                "total": money(account.total_minor),
                "sum": money(account.leg_sum),
            }
        )
    twice = (
        Transaction.objects.filter(coop=coop, reverses__isnull=False)
        .values("reverses_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("reverses_id")
        .values_list("reverses_id", "n")
    )
    for pk, count in twice:
        problems.append(
            _("Transaction #%(id)d is reversed %(n)d times; once is the most.")
            % {"id": pk, "n": count}
        )
    for pk, of in (
        Transaction.objects.filter(coop=coop, reverses__kind=Transaction.Kind.REVERSAL)
        .order_by("pk")
        .values_list("pk", "reverses_id")
    ):
        problems.append(
            _("Reversal #%(id)d reverses #%(of)d, itself a reversal.") % {"id": pk, "of": of}
        )
    # In the order the postings were made (their ids): a backdated entry is still paid from
    # what the pool held when it was entered.
    overdrawn = (
        Leg.objects.filter(account__coop=coop, account__kind=Account.Kind.POOL)
        .annotate(held=Window(Sum("amount_minor"), order_by=["transaction_id", "pk"]))
        .filter(held__lt=0)
        .order_by("transaction_id", "pk")
        .values_list("transaction_id", "held")
        .first()
    )
    if overdrawn is not None:
        problems.append(
            _("The pool fell to %(held)s with transaction #%(id)d; it pays only what it holds.")
            % {"held": money(overdrawn[1]), "id": overdrawn[0]}
        )
    return problems


# The rolling window the four roles are measured over (insights) and the funder rule's
# "long overdue": owing more than four weeks of one's costs (insights, reminders).
WINDOW_WEEKS = 12
FUNDER_DEBT_WEEKS = 4


def window(coop: Cooperative, today: date | None = None) -> tuple[date, date]:
    today = today or coop_today(coop)
    return today - timedelta(weeks=WINDOW_WEEKS), today


def member_money(coop: Cooperative, ids: list[int], start: date, end: date):
    """Per member (the four roles, the funder reminders): money paid in or for the co-op in
    the window, costs charged in it, and the balance now. Three aggregate queries."""
    legs = Leg.objects.filter(
        account__coop=coop,
        account__kind=Account.Kind.MEMBER,
        account__user_id__in=ids,
        transaction__occurred_on__gte=start,
        transaction__occurred_on__lte=end,
    )
    paid_minor = dict(
        legs.filter(
            amount_minor__lt=0,
            transaction__kind__in=[
                Transaction.Kind.CONTRIBUTION,
                Transaction.Kind.EXPENSE,
                Transaction.Kind.TRANSFER,
            ],
        )
        .values("account__user_id")
        .annotate(s=Sum("amount_minor"))
        .values_list("account__user_id", "s")
    )
    charges = member_charges(coop=coop, member_ids=ids, start=start, end=end)
    totals = dict(
        Account.objects.filter(coop=coop, kind=Account.Kind.MEMBER, user_id__in=ids).values_list(
            "user_id", "total_minor"
        )
    )
    paid = defaultdict(Decimal)
    charged = defaultdict(Decimal)
    balance = defaultdict(Decimal)
    for uid in ids:
        paid[uid] = from_minor(-paid_minor.get(uid, 0), coop.currency)
        charged[uid] = charges.get(uid, Decimal(0))
        balance[uid] = from_minor(-totals.get(uid, 0), coop.currency)
    return paid, charged, balance


def batches_bought_for(*, coop: Cooperative, batch_ids) -> set[int]:
    """Which of these batches something was already bought for (an entry names the batch)."""
    return set(
        Transaction.objects.filter(coop=coop, batch_id__in=batch_ids).values_list(
            "batch_id", flat=True
        )
    )
