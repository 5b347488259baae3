"""The one way money enters the books: balanced legs on locked accounts, amounts parsed exactly."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from fourfold.accounts.models import User
from fourfold.coops.audit import audit_record, audit_records
from fourfold.coops.models import Cooperative
from fourfold.coops.selectors import coop_today
from fourfold.errors import Conflict, Invalid
from fourfold.ledger.models import Account, ConsentAsk, PendingLeg, Transaction
from fourfold.lib.money import format_money, from_minor, parse_money, to_minor

MAX_AMOUNT = Decimal("1e12")


def parse_amount(raw, *, currency: str, field: str = "amount") -> Decimal:
    """A positive amount in ``currency``, no finer than its minor unit. Never a float."""
    try:
        return parse_money(raw, currency, maximum=MAX_AMOUNT)
    except ValueError as error:
        raise Invalid(str(error), field=field) from error


def account_get(
    coop: Cooperative, kind: str, *, user: User | None = None, category: str = ""
) -> Account:
    account, _created = Account.objects.get_or_create(
        coop=coop, kind=kind, user=user, category=category
    )
    return account


def member_accounts(coop: Cooperative, users: list[User]) -> dict[int, Account]:
    """The accounts of ``users``, opening the missing ones: two queries, not one per member."""
    found = {
        a.user_id: a
        for a in Account.objects.filter(coop=coop, kind=Account.Kind.MEMBER, user__in=users)
        if a.user_id is not None
    }
    missing = [user for user in users if user.pk not in found]
    if missing:
        Account.objects.bulk_create(
            [Account(coop=coop, kind=Account.Kind.MEMBER, user=user) for user in missing],
            ignore_conflicts=True,  # a concurrent posting may open the same account
        )
        found = {
            a.user_id: a
            for a in Account.objects.filter(coop=coop, kind=Account.Kind.MEMBER, user__in=users)
            if a.user_id is not None
        }
    return found


def accounts_lock(accounts) -> None:
    """Lock every account a service call will move, all at once and in one order (by id),
    before it writes anything.

    A posting moves its accounts' running totals, and the database locks each row it
    updates until commit. An expense then its allocation would otherwise take those locks
    in two steps and two orders (the payer and the cost account, then the sharers and the
    cost account again), and two such calls at once deadlock. Taking them in id order up
    front makes concurrent calls queue instead; locking a row this transaction already
    holds is free, so nested services may lock again.
    """
    ids = sorted({account.pk for account in accounts})
    if ids:
        list(Account.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))


Ask = tuple[User | None, str]


def consent_asks(
    *, kind: str, entered_by: User, payer: User | None, payee: User | None = None
) -> list[Ask]:
    """Whose say an entry waits for: every member it names as paying or receiving other than
    the one entering it, and a second member when the pool pays. An entry that moves only
    the entering member's own money waits for nobody."""
    asks: list[Ask] = []
    if payer is None and kind in (Transaction.Kind.EXPENSE, Transaction.Kind.TRANSFER):
        asks.append((None, ConsentAsk.Role.POOL))
    elif payer is not None and payer != entered_by:
        asks.append((payer, ConsentAsk.Role.PAYER))
    if payee is not None and payee != entered_by:
        asks.append((payee, ConsentAsk.Role.PAYEE))
    return asks


def _merged(
    coop: Cooperative, legs: list[tuple[Account, Decimal]]
) -> dict[int, tuple[Account, int]]:
    merged: dict[int, tuple[Account, int]] = {}
    for account, amount in legs:
        previous = merged.get(account.pk, (account, 0))[1]
        merged[account.pk] = (account, previous + to_minor(amount, coop.currency))
    if sum(minor for _account, minor in merged.values()) != 0:
        raise AssertionError("a transaction's legs must sum to zero")
    return merged


def legs_move(posted: Transaction, moves: list[tuple[int, int]]) -> None:
    """Write ``posted``'s legs (account id, minor amount) and move their accounts' totals."""
    _legs_write([(posted.pk, account_id, minor) for account_id, minor in moves])


def _legs_write(legs: list[tuple[int, int, int]]) -> None:
    """Insert legs (transaction id, account id, minor amount), skipping zeros, and add each
    account's sum to its running total: one INSERT and one UPDATE however many legs.

    A made batch posts a leg per member for every cost it carries, thousands of rows in a large
    co-op, so the rows go to the database as arrays (PostgreSQL) or one prepared statement
    (SQLite) rather than as model instances. The database locks the rows it changes until
    commit, so concurrent postings add up instead of overwriting each other."""
    rows = [leg for leg in legs if leg[2] != 0]
    if not rows:
        return
    moves: dict[int, int] = {}
    for _transaction, account_id, minor in rows:
        moves[account_id] = moves.get(account_id, 0) + minor
    accounts = sorted(moves)  # in id order, as accounts_lock takes them
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "INSERT INTO ledger_leg (transaction_id, account_id, amount_minor) "
                "SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[])",
                [list(column) for column in zip(*rows, strict=True)],
            )
            cursor.execute(
                "UPDATE ledger_account AS account SET total_minor = account.total_minor + "
                "move.minor FROM unnest(%s::bigint[], %s::bigint[]) AS move(id, minor) "
                "WHERE account.id = move.id",
                [accounts, [moves[pk] for pk in accounts]],
            )
        else:
            cursor.executemany(
                "INSERT INTO ledger_leg (transaction_id, account_id, amount_minor) "
                "VALUES (%s, %s, %s)",
                rows,
            )
            cursor.executemany(
                "UPDATE ledger_account SET total_minor = total_minor + %s WHERE id = %s",
                [(moves[pk], pk) for pk in accounts],
            )


@dataclass(frozen=True)
class Posting:
    """One balanced transaction to write with others in ``postings_write``: its legs as
    (account id, minor amount), summing to zero."""

    kind: str
    moves: list[tuple[int, int]]
    entered_by: User
    occurred_on: date | None
    held: bool = False
    fields: dict[str, Any] = field(default_factory=dict)


def postings_write(
    *, coop: Cooperative, postings: Sequence[Posting], now: datetime
) -> list[Transaction]:
    """Write many balanced transactions that ask nobody's consent, at once: one INSERT each for
    the transactions, their legs (or held legs) and their audit rows, and one UPDATE of the
    accounts they move. The caller has locked those accounts (``accounts_lock``)."""
    for posting in postings:
        if sum(minor for _account, minor in posting.moves) != 0:
            raise AssertionError("a transaction's legs must sum to zero")
    written = Transaction.objects.bulk_create(
        [
            Transaction(
                coop=coop,
                kind=posting.kind,
                amount_minor=sum(minor for _account, minor in posting.moves if minor > 0),
                entered_by=posting.entered_by,
                entered_at=now,
                occurred_on=posting.occurred_on or coop_today(coop, now=now),
                awaits_consent=posting.held,
                lapses_at=now + timedelta(days=coop.consent_days) if posting.held else None,
                **posting.fields,
            )
            for posting in postings
        ]
    )
    PendingLeg.objects.bulk_create(
        [
            PendingLeg(transaction=entry, account_id=account_id, amount_minor=minor)
            for entry, posting in zip(written, postings, strict=True)
            if posting.held
            for account_id, minor in posting.moves
            if minor != 0
        ]
    )
    _legs_write(
        [
            (entry.pk, account_id, minor)
            for entry, posting in zip(written, postings, strict=True)
            if not posting.held
            for account_id, minor in posting.moves
        ]
    )
    audit_records(
        coop=coop,
        at=now,
        events=[
            (
                entry.entered_by,
                f"ledger.{entry.kind}",
                {
                    "transaction": entry.pk,
                    "amount": str(entry.amount),
                    **({"category": entry.category} if entry.category else {}),
                },
            )
            for entry in written
        ],
    )
    return written


def legs_post(
    *,
    coop: Cooperative,
    kind: str,
    legs: list[tuple[Account, Decimal]],
    entered_by: User,
    occurred_on: date | None,
    now: datetime,
    asks: Sequence[Ask] = (),
    held: bool = False,
    **fields: Any,
) -> Transaction:
    """Write one balanced transaction and move its accounts' running totals.

    With ``asks`` it waits for those members' consent instead: its legs are held apart and
    move nothing until they confirm. ``held`` holds an entry that follows another one
    waiting for consent (the allocation of its cost), with no asks of its own.
    """
    merged = _merged(coop, legs)
    debit = sum(minor for _account, minor in merged.values() if minor > 0)
    waits = bool(asks) or held
    posted = Transaction.objects.create(
        coop=coop,
        kind=kind,
        amount_minor=debit,
        entered_by=entered_by,
        entered_at=now,
        occurred_on=occurred_on or coop_today(coop, now=now),
        awaits_consent=waits,
        lapses_at=now + timedelta(days=coop.consent_days) if waits else None,
        **fields,
    )
    moves = [(account.pk, minor) for account, minor in merged.values()]
    if waits:
        PendingLeg.objects.bulk_create(
            [
                PendingLeg(transaction=posted, account_id=account_id, amount_minor=minor)
                for account_id, minor in moves
                if minor != 0
            ]
        )
        ConsentAsk.objects.bulk_create(
            [ConsentAsk(transaction=posted, member=member, role=role) for member, role in asks]
        )
    else:
        legs_move(posted, moves)
    audit_record(
        coop=coop,
        actor=entered_by,
        action=f"ledger.{kind}",
        at=now,
        transaction=posted.pk,
        amount=str(posted.amount),
        **({"category": posted.category} if posted.category else {}),
        **({"awaiting": [_asked(member, role) for member, role in asks]} if asks else {}),
        **(
            {"declared": posted.declared, "declaration": posted.declaration}
            if posted.declared
            else {}
        ),
    )
    return posted


def _asked(member: User | None, role: str) -> str:
    return member.username if member is not None else role


def require_pool_holds(coop: Cooperative, amount: Decimal) -> None:
    """The pool pays only money it holds. The row lock makes two payments from the pool queue,
    so together they cannot overdraw it."""
    pool = Account.objects.select_for_update().filter(coop=coop, kind=Account.Kind.POOL).first()
    held = pool.total_minor if pool else 0
    if held < to_minor(amount, coop.currency):
        raise Conflict(
            _("The pool holds %(held)s, less than %(amount)s; a member can pay instead.")
            % {
                "held": format_money(from_minor(held, coop.currency), coop.currency),
                "amount": format_money(amount, coop.currency),
            },
            field="payer",
        )


def side_account(coop: Cooperative, user: User | None) -> Account:
    if user is None:
        return account_get(coop, Account.Kind.POOL)
    return account_get(coop, Account.Kind.MEMBER, user=user)
