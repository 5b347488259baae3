"""Which database errors run a transaction again (the real deadlock is in test_concurrency)."""

import pytest
from django.db import OperationalError

from fourfold.ledger.retry import retry_on_conflict

pytestmark = pytest.mark.django_db(transaction=True)


class _Cause(Exception):
    def __init__(self, sqlstate):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def _failing(times: int, sqlstate: str | None, calls: list):
    @retry_on_conflict
    def work():
        calls.append(1)
        if len(calls) <= times:
            error = OperationalError("database is locked" if sqlstate is None else sqlstate)
            raise error from (_Cause(sqlstate) if sqlstate else None)
        return "done"

    return work


@pytest.mark.parametrize("sqlstate", ["40P01", "40001"])
def test_it_runs_a_deadlocked_or_unserializable_transaction_again(sqlstate):
    calls: list = []
    assert _failing(2, sqlstate, calls)() == "done"
    assert len(calls) == 3


def test_it_gives_up_after_a_bounded_number_of_attempts():
    calls: list = []
    with pytest.raises(OperationalError):
        _failing(100, "40P01", calls)()
    assert len(calls) == 5


def test_it_does_not_retry_sqlite_database_is_locked():
    calls: list = []
    with pytest.raises(OperationalError, match="database is locked"):
        _failing(1, None, calls)()
    assert len(calls) == 1


def test_inside_an_enclosing_transaction_it_leaves_the_retry_to_its_opener():
    from django.db import transaction

    calls: list = []
    with pytest.raises(OperationalError), transaction.atomic():
        _failing(1, "40P01", calls)()
    assert len(calls) == 1
