"""Races settled by the database, not by process memory (PostgreSQL only: SQLite serialises
every writer, so there is no race to lose)."""

import pytest
from django.db import connection

from fourfold.errors import Conflict
from fourfold.ledger import services
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
