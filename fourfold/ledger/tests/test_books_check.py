"""``books_check`` reads what the database holds and names every way the books are wrong."""

from contextlib import contextmanager

import pytest
from django.db import connection
from django.utils import timezone

from fourfold.ledger import checks, corrections, posting, services
from fourfold.ledger.models import Account, Leg, Transaction
from fourfold.testing import MembershipFactory
from fourfold.workflows import money as money_flow

pytestmark = pytest.mark.django_db


@contextmanager
def guard_lifted(table: str):
    """Change posted money as a hand at the database could: with the table's append-only
    triggers out of the way (the test's rollback puts them back on both databases)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [table],
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f'DROP TRIGGER "{name}"')
        else:  # a superuser's session may skip every ordinary trigger
            cursor.execute("SET LOCAL session_replication_role = replica")
        yield cursor
        if connection.vendor != "sqlite":
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")


@pytest.fixture
def books(personas):
    """A little of everything: pay-ins, a split expense, a transfer, a reversal."""
    coop, alice, bob = personas.coop, personas.alice, personas.bob
    carol = MembershipFactory(coop=coop, user__username="carol").user
    services.contribution_post(coop=coop, payer=alice, amount="30", entered_by=alice)
    from_the_pool = money_flow.expense_post(
        coop=coop,
        payer=None,
        amount="12.00",
        category="ingredients",
        entered_by=bob,
        split={alice: 1, bob: 1, carol: 1},
    )
    # The pool pays only with a second member's say.
    money_flow.entry_confirm(coop=coop, transaction_id=from_the_pool.pk, member=carol)
    paid_back = services.transfer_post(
        coop=coop, payer=bob, payee=alice, amount="4", entered_by=bob
    )
    money_flow.entry_confirm(coop=coop, transaction_id=paid_back.pk, member=alice)
    mistaken = services.contribution_post(coop=coop, payer=bob, amount="7", entered_by=bob)
    corrections.transaction_reverse(original=mistaken, entered_by=bob)
    return coop


def test_sound_books_have_no_problem(books):
    assert checks.books_check(coop=books) == []


def test_it_names_a_leg_changed_behind_the_ledgers_back(books, personas):
    contribution = Transaction.objects.filter(coop=books, kind="contribution").first()
    leg = Leg.objects.get(transaction=contribution, account__kind="pool")
    with guard_lifted("ledger_leg") as cursor:
        cursor.execute("UPDATE ledger_leg SET amount_minor = 300000 WHERE id = %s", [leg.pk])
    assert checks.books_check(coop=books) == [
        f"Transaction #{contribution.pk}: its legs sum to $2,970.00, not zero.",
        f"Transaction #{contribution.pk}: its amount is $30.00, but its legs move $3,000.00.",
        "Account pool: its total is $18.00, but its legs sum to $2,988.00.",
    ]


def test_it_names_a_running_total_that_drifted_from_its_legs(books, personas):
    Account.objects.filter(coop=books, user=personas.bob).update(total_minor=1)
    assert checks.books_check(coop=books) == [
        "Account member:bob: its total is $0.01, but its legs sum to $0.00."
    ]


def test_it_names_a_reversal_of_a_reversal(books, personas):
    first = Transaction.objects.get(coop=books, kind="reversal")
    other = services.contribution_post(
        coop=books, payer=personas.alice, amount="1", entered_by=personas.alice
    )
    second = corrections.transaction_reverse(original=other, entered_by=personas.alice)
    with guard_lifted("ledger_transaction") as cursor:
        cursor.execute(
            "UPDATE ledger_transaction SET reverses_id = %s WHERE id = %s", [first.pk, second.pk]
        )
    assert checks.books_check(coop=books) == [
        f"Reversal #{second.pk} reverses #{first.pk}, itself a reversal."
    ]


def test_it_names_the_posting_that_overdrew_the_pool(personas):
    coop, alice = personas.coop, personas.alice
    pool = Account.objects.create(coop=coop, kind="pool")
    cost = Account.objects.create(coop=coop, kind="cost", category="supplies")
    # What a service that forgot to check the pool would write: paid out first, paid in after.
    spent = posting.legs_post(
        coop=coop,
        kind="expense",
        legs=[(cost, 5), (pool, -5)],
        entered_by=alice,
        occurred_on=None,
        now=timezone.now(),
        category="supplies",
    )
    services.contribution_post(coop=coop, payer=alice, amount="5", entered_by=alice)
    assert checks.books_check(coop=coop) == [
        f"The pool fell to -$5.00 with transaction #{spent.pk}; it pays only what it holds."
    ]
