"""A race on PostgreSQL: several rounds at once enter each period once."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from fourfold.ledger import recurring
from fourfold.ledger.models import RecurringPeriod, Transaction
from fourfold.testing import make_personas, race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("a real race needs PostgreSQL")


def test_rounds_at_once_enter_each_period_once():
    people = make_personas()
    with time_machine.travel(datetime(2030, 12, 20, 12, tzinfo=ZoneInfo("UTC")), tick=False):
        cost = recurring.recurring_create(
            coop=people.coop,
            by=people.alice,
            payer=people.bob,
            amount="80",
            category="space",
            description="Kitchen rent",
            cadence="monthly on the 1st",
            starts=date(2031, 1, 1),
        )
    with time_machine.travel(datetime(2031, 3, 2, 15, tzinfo=ZoneInfo("UTC")), tick=False):
        results = race(4, recurring.recurring_due)
    assert sum(result.entered for result in results) == 3, results
    assert RecurringPeriod.objects.filter(recurring=cost).count() == 3
    assert Transaction.objects.filter(coop=people.coop, kind="expense").count() == 3
