"""Races settled by the database, not by process memory (PostgreSQL only: SQLite serialises
every writer, so there is no race to lose)."""

import pytest
from django.db import connection

from fourfold.errors import Conflict
from fourfold.ledger import corrections, entries, services
from fourfold.ledger.models import IdempotencyKey, Transaction
from fourfold.testing import make_personas, race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("a real race needs PostgreSQL")


def test_two_threads_with_the_same_idempotency_key_post_one_transaction():
    people = make_personas()

    def post():
        return entries.idempotent(
            coop=people.coop,
            key="same-key",
            payload={"kind": "contribution", "amount": "5"},
            post=lambda: services.contribution_post(
                coop=people.coop, payer=people.alice, amount="5", entered_by=people.alice
            ),
        )[0].pk

    results = race(2, post)
    assert results[0] == results[1], results
    assert Transaction.objects.filter(coop=people.coop).count() == 1
    assert IdempotencyKey.objects.filter(coop=people.coop).count() == 1


def test_two_reversals_of_one_transaction_post_one():
    people = make_personas()
    original = services.contribution_post(
        coop=people.coop, payer=people.alice, amount="5", entered_by=people.alice
    )
    results = race(
        2, lambda: corrections.transaction_reverse(original=original, entered_by=people.bob).pk
    )
    assert sum(isinstance(result, int) for result in results) == 1, results
    assert sum(isinstance(result, Conflict) for result in results) == 1, results
    # Alice's entry: Bob's reversal is a request, and only one of the two stands.
    assert Transaction.objects.filter(kind="reversal_request").count() == 1
    assert Transaction.objects.filter(kind="reversal").count() == 0


def test_two_reversals_of_your_own_entry_post_one():
    people = make_personas()
    original = services.contribution_post(
        coop=people.coop, payer=people.alice, amount="5", entered_by=people.alice
    )
    results = race(
        2, lambda: corrections.transaction_reverse(original=original, entered_by=people.alice).pk
    )
    assert sum(isinstance(result, int) for result in results) == 1, results
    assert sum(isinstance(result, Conflict) for result in results) == 1, results
    assert Transaction.objects.filter(kind="reversal").count() == 1


def test_fifty_concurrent_split_expenses_among_three_members_all_post_and_balance(api_client):
    """Each expense and its allocation lock the same accounts (the cost account, the payer,
    the three sharers): taken in one order, the 50 requests queue instead of deadlocking."""
    from django.db.models import Sum

    from fourfold.ledger import selectors
    from fourfold.ledger.models import Account, Leg
    from fourfold.testing import MembershipFactory

    people = make_personas()
    carol = MembershipFactory(coop=people.coop, user__username="carol").user
    members = [people.alice, people.bob, carol]
    count = 50
    clients = [api_client(members[index % 3]) for index in range(count)]
    for client in clients:
        client.raise_request_exception = False  # a deadlock is a 500 to count, not a crash

    def post(index: int) -> int:
        return (
            clients[index]
            .post(
                "/api/v1/coops/home/ledger/transactions",
                {
                    "kind": "expense",
                    "amount": "10.00",
                    "category": "ingredients",
                    "split": ["alice", "bob", "carol"],
                },
            )
            .status_code
        )

    counter = iter(range(count))
    results = race(count, lambda: post(next(counter)))
    failed = [result for result in results if result != 201]
    assert not failed, f"{len(failed)} of {count} failed: {failed}"
    assert Transaction.objects.filter(coop=people.coop, kind="expense").count() == count
    state = selectors.books(coop=people.coop)
    assert state.balanced and state.members_total == state.pool + state.unallocated
    assert state.unallocated == 0
    for account in Account.objects.filter(coop=people.coop):
        legs = Leg.objects.filter(account=account).aggregate(sum=Sum("amount_minor"))["sum"]
        assert account.total_minor == (legs or 0), account


def test_a_transaction_that_loses_a_deadlock_runs_again_and_both_succeed():
    import threading

    from django.db import transaction

    from fourfold.ledger.models import Account
    from fourfold.ledger.retry import retry_on_conflict

    people = make_personas()
    first, second = (
        Account.objects.create(coop=people.coop, kind="member", user=user)
        for user in (people.alice, people.bob)
    )
    barrier = threading.Barrier(2)
    attempts: list[str] = []

    def crossing(one, other, name):
        @retry_on_conflict
        def work():
            attempts.append(name)
            with transaction.atomic():
                list(Account.objects.select_for_update().filter(pk=one.pk))
                if attempts.count(name) == 1:
                    barrier.wait(timeout=10)  # both hold one row, then each wants the other's
                list(Account.objects.select_for_update().filter(pk=other.pk))
            return name

        return work

    works = [crossing(first, second, "a"), crossing(second, first, "b")]
    counter = iter(range(2))
    results = race(2, lambda: works[next(counter)]())
    assert sorted(results) == ["a", "b"], results
    assert len(attempts) >= 3, attempts  # the deadlock's loser ran again
