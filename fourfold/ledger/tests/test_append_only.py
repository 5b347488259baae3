"""The database itself refuses to change posted money, on SQLite as on PostgreSQL."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from fourfold.ledger import services
from fourfold.ledger.models import Account, Leg, Transaction
from fourfold.testing import make_personas


def _raw(sql: str) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)


@pytest.fixture
def posted(personas):
    return services.contribution_post(
        coop=personas.coop, payer=personas.alice, amount="5", entered_by=personas.alice
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE ledger_leg SET amount_minor = amount_minor * 2",
        "DELETE FROM ledger_leg",
        "UPDATE ledger_transaction SET amount_minor = 1",
        "DELETE FROM ledger_transaction",
    ],
)
def test_the_database_refuses_raw_sql_that_changes_posted_money(posted, sql):
    with pytest.raises(DatabaseError, match="append-only"):
        _raw(sql)
    assert Transaction.objects.get().amount_minor == 500
    assert sorted(Leg.objects.values_list("amount_minor", flat=True)) == [-500, 500]


@pytest.mark.django_db
def test_account_running_totals_stay_writable(posted):
    _raw("UPDATE ledger_account SET total_minor = total_minor")
    services.contribution_post(
        coop=posted.coop, payer=posted.payer, amount="1", entered_by=posted.payer
    )
    pool = Account.objects.get(coop=posted.coop, kind="pool")
    assert pool.total_minor == 600


@pytest.mark.django_db(transaction=True)
def test_flushing_the_whole_database_empties_the_ledger_and_keeps_the_guard():
    people = make_personas()
    services.contribution_post(
        coop=people.coop, payer=people.alice, amount="5", entered_by=people.alice
    )
    call_command("flush", interactive=False, verbosity=0)
    assert not Transaction.objects.exists()
    assert not Leg.objects.exists()
    people = make_personas()
    services.contribution_post(
        coop=people.coop, payer=people.alice, amount="5", entered_by=people.alice
    )
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("DELETE FROM ledger_leg")
