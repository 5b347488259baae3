"""Reads from the ledger: balances, statements, the settle-up plan."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cache

from django.db.models import F, FilteredRelation, Max, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from fourfold.accounts.models import User
from fourfold.coops.models import Cooperative, Membership
from fourfold.coops.selectors import coop_for_member, coop_left_by, coop_today
from fourfold.errors import NotFound
from fourfold.ledger.models import Account, Leg, Spread, SpreadEnd, Transaction
from fourfold.lib.money import from_minor, split_largest_remainder, to_minor
from fourfold.lib.settlement import settle
from fourfold.production.models import Batch


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
    deposit: Decimal = Decimal(0)  # their buy-in deposit the co-op holds, apart from the balance


@dataclass(frozen=True)
class Books:
    balances: list[MemberBalance]
    pool: Decimal
    unallocated: Decimal  # costs paid but not yet charged to members
    deposits: Decimal = Decimal(0)  # members' deposits: part of the pool's cash, owed back

    @property
    def members_total(self) -> Decimal:
        return sum((row.balance for row in self.balances), Decimal(0))

    @property
    def balanced(self) -> bool:
        """What the co-op owes its members (balances and deposits) is what it holds in the
        pool plus the costs it paid and has yet to charge."""
        return self.members_total + self.deposits == self.pool + self.unallocated


def _account_of_kind(coop: Cooperative, kind: str) -> FilteredRelation:
    return FilteredRelation(
        "user__ledger_accounts",
        condition=Q(user__ledger_accounts__coop=coop, user__ledger_accounts__kind=kind),
    )


def _member_rows(coop: Cooperative, **extra) -> QuerySet:
    return (
        Membership.objects.filter(coop=coop)
        .annotate(
            account=_account_of_kind(coop, Account.Kind.MEMBER),
            equity=_account_of_kind(coop, Account.Kind.EQUITY),
        )
        .values_list(
            "user_id",
            "user__username",
            "status",
            Coalesce(F("account__total_minor"), 0),
            Coalesce(F("equity__total_minor"), 0),
            *extra.values(),
        )
        .order_by("user__username")
    )


def _balance_rows(coop: Cooperative, rows) -> list[MemberBalance]:
    # Members who left show only while they still owe or are owed, or hold a deposit.
    return [
        MemberBalance(
            user=Person(pk=row[0], username=row[1]),
            status=row[2],
            balance=from_minor(-row[3], coop.currency),
            deposit=from_minor(-row[4], coop.currency),
        )
        for row in rows
        if row[3] or row[4] or row[2] != Membership.Status.LEFT
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
        Transaction.objects.posted()
        .filter(
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


def coop_for_settling(
    *, user: User, slug: str, reading: bool = False, entry_id: int | None = None
) -> Cooperative:
    """The co-op ``slug`` for a member's own statement (``reading``) and their settling up.
    Leaving ends a membership, not what the member owes or is owed: a former member still
    reads their statement, and records or confirms settling payments (``entry_id``: a
    transfer naming them) while their balance is not zero. Every other page stays closed to
    them (``coop_for_member``), and so do these once they are settled, except the statement."""
    try:
        return coop_for_member(user=user, slug=slug)
    except NotFound:
        coop = coop_left_by(user=user, slug=slug)
    if reading:
        return coop
    if member_balance(coop=coop, member=user) == 0:
        raise NotFound(_("No such co-op."))
    if entry_id is not None:
        names_them = Q(payer=user) | Q(payee=user)
        transfer = Transaction.objects.filter(
            names_them, coop=coop, pk=entry_id, kind=Transaction.Kind.TRANSFER
        )
        if not transfer.exists():
            raise NotFound(_("No such entry."))
    return coop


def books(*, coop: Cooperative) -> Books:
    """Every member's balance, the pool and the costs awaiting allocation, in one query
    whatever the size of the co-op or its ledger (the running totals live on the accounts)."""

    def kind_total(kind: str) -> Coalesce:
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
    pool = rows[0][5] if rows else 0
    unallocated = rows[0][6] if rows else 0
    balances = _balance_rows(coop, rows)
    return Books(
        balances=balances,
        pool=from_minor(pool, coop.currency),
        unallocated=from_minor(unallocated, coop.currency),
        deposits=sum((row.deposit for row in balances), Decimal(0)),
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


def spreads_ahead(*, coop: Cooperative) -> dict[int | None, int]:
    """What the live spread expenses have still to charge to batches ahead, in minor units, by
    who paid for them (None: the pool). One query per live spread: there are few."""
    ahead: dict[int | None, int] = defaultdict(int)
    expenses = (
        Transaction.objects.posted()
        .filter(coop=coop, kind=Transaction.Kind.EXPENSE, reversed_by__isnull=True)
        .filter(spread__isnull=False)
        .select_related("coop", "spread")
    )
    for expense in expenses:
        schedule = spread_schedule(expense)
        if schedule is not None and schedule.remaining > 0:
            ahead[expense.payer_id] += to_minor(schedule.remaining, coop.currency)
    return dict(ahead)


# In a settle-up plan, the batches ahead that will carry what spread costs still hold back.
LATER = -1


def settlement_plan(*, coop: Cooperative) -> SettlementPlan:
    """The fewest transfers fourfold can find that bring every balance to zero.

    The pool takes part like a member: money it holds is owed back to members, so it may pay
    some of them out. Costs not yet allocated cannot be settled (whose share are they?): while
    there are any, the plan is empty and says how much awaits allocation. A spread cost is the
    exception: the batches ahead will carry what it still holds back, so whoever paid it stays
    owed that much, and the rest is settled now.
    """
    state = books(coop=coop)
    ahead = spreads_ahead(coop=coop)
    waiting = to_minor(state.unallocated, coop.currency) - sum(ahead.values())
    if waiting:
        return SettlementPlan(transfers=[], unallocated=from_minor(waiting, coop.currency))
    # The pool is the side keyed None.
    people: dict[int | None, Person | None] = {row.user.pk: row.user for row in state.balances}
    people[None] = None
    minor: dict[int | None, int] = {
        row.user.pk: to_minor(row.balance, coop.currency) for row in state.balances
    }
    minor[None] = -to_minor(state.pool, coop.currency)
    for payer, held in ahead.items():
        if payer is not None:
            minor[payer] -= held
        else:
            # The pool paid: the members are owed it back by the batches ahead, not by anyone now.
            minor[LATER] = minor.get(LATER, 0) - held
    return SettlementPlan(
        transfers=[
            PlannedTransfer(
                payer=people[debtor],
                payee=people[creditor],
                amount=from_minor(amount, coop.currency),
            )
            for debtor, creditor, amount in settle(minor)
            if LATER not in (debtor, creditor)
        ],
        unallocated=Decimal(0),
    )


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
        Transaction.objects.posted()
        .filter(coop=coop, batch_id__in=batch_ids)
        .values_list("batch_id", flat=True)
    )


def member_parts(allocation: Transaction) -> dict[int, int]:
    """What each member carries of a cost allocation, by user id, in minor units: its shares
    when it was charged within a batch's charge, else its members' legs."""
    if allocation.shares is not None:
        return {user_id: minor for user_id, minor in allocation.shares}
    return dict(
        allocation.legs.filter(account__kind=Account.Kind.MEMBER).values_list(
            "account__user_id", "amount_minor"
        )
    )


def charge_legs(*, coop: Cooperative) -> QuerySet[Leg]:
    """What members are charged for the co-op's costs: the member legs of every cost
    allocation and batch charge, and of every reversal of a cost allocation. A charge taken
    back (re-shared after an extra was claimed, or corrected) cancels against its reversal, so
    summing these legs counts each cost once, as the member's statement does.
    Positive: charged to the member.

    This is the one definition of "cost charged to a member"; callers narrow it (by member,
    batch or dates) and sum ``amount_minor``.
    """
    return Leg.objects.filter(account__coop=coop, account__kind=Account.Kind.MEMBER).filter(
        Q(transaction__kind__in=[Transaction.Kind.COST_ALLOCATION, Transaction.Kind.BATCH_CHARGE])
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


@dataclass(frozen=True)
class SpreadSchedule:
    over: str
    count: int
    allocated_parts: int  # batches: parts charged; months: months whose share is charged
    allocated: Decimal
    remaining: Decimal


def spread_parts(expense: Transaction, count: int) -> list[Decimal]:
    """The expense's amount in ``count`` parts that sum to it exactly, the odd cents first."""
    return split_largest_remainder(expense.amount, [1] * count, expense.coop.currency)


def _charged_by_batch(expense_ids: list[int]) -> dict[int, dict[int | None, int]]:
    """Per expense, what each batch carried of it in minor units (none: written off), in one
    query. A part re-shared after extras (reversed, charged again for the same amount) counts
    once, and a reversed spread still shows what it had charged."""
    charged: dict[int, dict[int | None, int]] = {pk: {} for pk in expense_ids}
    rows = (
        Transaction.objects.posted()
        .filter(allocates_id__in=expense_ids, kind=Transaction.Kind.COST_ALLOCATION)
        .values("allocates_id", "batch_id")
        .annotate(minor=Max("amount_minor"))
        .values_list("allocates_id", "batch_id", "minor")
    )
    for expense_id, batch_id, minor in rows:
        charged[expense_id][batch_id] = minor
    return charged


def _spread_charged(expense: Transaction) -> tuple[int, int]:
    """How many batches carried a part of the spread expense, and how many minor units in all."""
    per_batch = _charged_by_batch([expense.pk])[expense.pk]
    return len(per_batch), sum(per_batch.values())


def spreads_charged(expense_ids: list[int]) -> dict[int, int]:
    """What each of these spread expenses has charged so far, in minor units: one query."""
    return {pk: sum(per.values()) for pk, per in _charged_by_batch(expense_ids).items()}


def spread_schedule(expense: Transaction) -> SpreadSchedule | None:
    """What a spread expense has charged so far and what is left; ``None`` if not spread."""
    # Read through the relation: a listing that selected it asks no query per entry.
    spread: Spread | None = getattr(expense, "spread", None)
    if spread is None:
        return None
    batches, minor = _spread_charged(expense)
    if spread.over == Spread.Over.BATCHES:
        parts_done = batches
    else:
        currency = expense.coop.currency
        shares = [to_minor(part, currency) for part in spread_parts(expense, spread.count)]
        parts_done = 0
        while parts_done < spread.count and sum(shares[: parts_done + 1]) <= minor:
            parts_done += 1
    allocated = from_minor(minor, expense.coop.currency)
    return SpreadSchedule(
        over=spread.over,
        count=spread.count,
        allocated_parts=parts_done,
        allocated=allocated,
        remaining=expense.amount - allocated,
    )


def _months(day: date) -> int:
    return day.year * 12 + day.month - 1


def spread_ending(spread: Spread) -> SpreadEnd | None:
    """How the members ended the spread early, if they did. Read through the relation: a
    listing that selected ``spread__ending`` asks no query per entry."""
    try:
        return spread.ending
    except SpreadEnd.DoesNotExist:
        return None


def spread_rest(expense: Transaction, ending: SpreadEnd) -> Decimal:
    """What the members' ending left to charge: written off at once, or still waiting for the
    next batch made, or what that batch carried. The rest is a spread's last charge, so the
    batch that carried it is the latest one charged."""
    schedule = spread_schedule(expense)
    assert schedule is not None  # an ended spread has one
    if ending.rest == SpreadEnd.Rest.NEXT_BATCH and schedule.remaining > 0:
        return schedule.remaining
    charges = (
        expense.allocations.posted()
        .filter(kind=Transaction.Kind.COST_ALLOCATION)
        .values("batch_id", "batch__date")
        .annotate(minor=Max("amount_minor"))
    )
    if ending.rest == SpreadEnd.Rest.WRITE_OFF:
        minor = sum(row["minor"] for row in charges if row["batch_id"] is None)
    else:
        dated = [row for row in charges if row["batch_id"] is not None]
        minor = max(dated, key=lambda row: (row["batch__date"], row["batch_id"]))["minor"]
    return from_minor(minor, expense.coop.currency)


def _spread_charge(
    expense: Transaction,
    spread: Spread,
    batch: Batch,
    per_batch: dict[int | None, int],
    planned_later: Callable[[], int],
) -> Decimal | None:
    """What this made batch carries of the spread expense, or ``None``, from what each batch
    carried of it so far (``per_batch``).

    Over batches: the next part. Over months: what is due by the end of the batch's month (the
    months from the expense's own, each its part; a month with no batch made passes its share
    on) and not charged yet, shared evenly with the month's batches still planned after it."""
    currency = expense.coop.currency
    parts = [to_minor(part, currency) for part in spread_parts(expense, spread.count)]
    batches, minor = len(per_batch), sum(per_batch.values())
    ending = spread_ending(spread)
    if ending is not None:
        # Ended by the members: the rest goes whole to the next batch made, or was written off.
        due = expense.amount_minor - minor
        carries = ending.rest == SpreadEnd.Rest.NEXT_BATCH and batch.date >= ending.ended_on
        return from_minor(due, currency) if carries and due > 0 else None
    if spread.over == Spread.Over.BATCHES:
        return from_minor(parts[batches], currency) if batches < spread.count else None
    month = _months(batch.date) - _months(expense.occurred_on)
    if month < 0:
        return None
    due = sum(parts[: month + 1]) - minor
    if due <= 0:
        return None
    if month >= spread.count:
        return from_minor(due, currency)  # left over after the last month: all of it now
    # Integer division leaves the odd cents to the month's last batch made.
    return from_minor(due // (planned_later() + 1), currency) or None


def spreads_live(*, coop: Cooperative, batch: Batch) -> list[tuple[Transaction, Decimal]]:
    """The spread expenses still charging, each with what this made batch carries of it:
    posted, not reversed, not finished, not carried by this batch already. One still waiting
    for consent charges nothing until it posts. Three queries however many spreads."""
    expenses = list(
        Transaction.objects.posted()
        .filter(coop=coop, kind=Transaction.Kind.EXPENSE, reversed_by__isnull=True)
        .filter(spread__isnull=False)
        .select_related("coop", "spread__ending")
        .order_by("pk")
    )
    charged = _charged_by_batch([expense.pk for expense in expenses])
    planned_later = cache(
        Batch.objects.filter(
            coop=batch.coop,
            status=Batch.Status.PLANNED,
            date__gt=batch.date,
            date__year=batch.date.year,
            date__month=batch.date.month,
        ).count
    )
    live = []
    for expense in expenses:
        if batch.pk in charged[expense.pk]:
            continue  # this batch already carries its part
        charge = _spread_charge(expense, expense.spread, batch, charged[expense.pk], planned_later)
        if charge is not None:
            live.append((expense, charge))
    return live


@dataclass(frozen=True)
class Arrears:
    """Members owing the co-op more than its ``owing_limit`` rule allows, most owed first."""

    limit: Decimal
    owing: list[tuple[Person, Decimal]]

    @property
    def total(self) -> Decimal:
        return sum((owed for _person, owed in self.owing), Decimal(0))


def arrears(*, coop: Cooperative) -> Arrears | None:
    """One query; None when the co-op sets no owing limit. Members who left count while they
    owe: it is still the co-op's money."""
    if coop.owing_limit is None:
        return None
    limit = from_minor(to_minor(coop.owing_limit, coop.currency), coop.currency)
    rows = (
        Account.objects.filter(
            coop=coop,
            kind=Account.Kind.MEMBER,
            # Credit-normal: a positive total is a debt to the co-op.
            total_minor__gt=to_minor(limit, coop.currency),
        )
        .order_by("-total_minor", "user__username")
        .values_list("user_id", "user__username", "total_minor")
    )
    return Arrears(
        limit=limit,
        owing=[
            (Person(pk=pk, username=username), from_minor(total, coop.currency))
            for pk, username, total in rows
        ],
    )


def owed_beyond_limit(*, coop: Cooperative, member: User) -> Decimal | None:
    """What ``member`` owes when it is more than the co-op's owing limit, else None."""
    if coop.owing_limit is None:
        return None
    owed = -member_balance(coop=coop, member=member)
    return owed if owed > coop.owing_limit else None
