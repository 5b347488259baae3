"""Races settled by the database, not by process memory (PostgreSQL only: SQLite serialises
every writer, so there is no race to lose)."""

import threading

import pytest
from django.db import connection, connections

from fourfold.errors import Conflict
from fourfold.ledger import services
from fourfold.ledger.models import IdempotencyKey, Transaction
from fourfold.testing import make_personas

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("a real race needs PostgreSQL")


def race(count: int, work) -> list:
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work()
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_threads_with_the_same_idempotency_key_post_one_transaction():
    people = make_personas()

    def post():
        return services.idempotent(
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
        2, lambda: services.transaction_reverse(original=original, entered_by=people.bob).pk
    )
    assert sum(isinstance(result, int) for result in results) == 1, results
    assert sum(isinstance(result, Conflict) for result in results) == 1, results
    assert Transaction.objects.filter(kind="reversal").count() == 1
