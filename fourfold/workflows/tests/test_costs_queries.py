"""Recording a batch made asks the same number of queries however many consumers it has and
however many spread costs it carries (issue #14's benchmark, pinned)."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fourfold.consumption import selectors as consumption_selectors
from fourfold.consumption import services as consumption
from fourfold.production.models import Batch, Shift
from fourfold.testing import CoopFactory, MembershipFactory
from fourfold.workflows import money as money_flow
from fourfold.workflows import production as production_flow

pytestmark = pytest.mark.django_db

FIRST = date(2026, 3, 1)  # a Sunday: the co-op makes a batch every Sunday


def _at(day: date):
    return time_machine.travel(f"{day.isoformat()} 20:00Z", tick=False)


def _ready(*, consumers: int, spreads: int) -> tuple[Batch, object]:
    """A co-op whose first batch waits to be recorded made, with its own cost, one general cost
    and ``spreads`` spread costs waiting for it."""
    coop = CoopFactory(target_quantity=40)
    members = [MembershipFactory(coop=coop).user for _ in range(consumers)]
    with _at(FIRST - timedelta(days=3)):
        for member in members:
            consumption.share_set(coop=coop, member=member, units=1)
        production_flow.batches_plan(coop=coop, weeks=2, by=None, today=FIRST)
    batch = Batch.objects.filter(coop=coop).order_by("date").first()
    producer = Shift.objects.filter(batch=batch).exclude(member=None).first().member
    with _at(FIRST - timedelta(days=1)):
        cost = {"coop": coop, "payer": producer, "entered_by": producer, "amount": "24.00"}
        money_flow.expense_post(**cost, category="ingredients", supplier="Dairy", batch=batch)
        money_flow.expense_post(**cost, category="space", supplier="Union Hall")
        for _index in range(spreads):
            money_flow.expense_post(
                **cost, category="equipment", supplier="Hardware", spread={"batches": 4}
            )
    return batch, producer


def _record(batch: Batch, producer) -> None:
    with _at(FIRST):
        quantity = sum(consumption_selectors.demand(batch=batch).values())
        production_flow.batch_record_made(
            batch=batch, by=producer, quantity=quantity, hours="2", today=FIRST
        )


def _queries(*, consumers: int, spreads: int) -> int:
    batch, producer = _ready(consumers=consumers, spreads=spreads)
    with CaptureQueriesContext(connection) as queries:
        _record(batch, producer)
    return len(queries)


def test_recording_a_batch_made_asks_as_many_queries_for_3_consumers_as_for_12(
    django_assert_num_queries,
):
    few = _queries(consumers=3, spreads=2)
    batch, producer = _ready(consumers=12, spreads=2)
    with django_assert_num_queries(few):
        _record(batch, producer)


def test_recording_a_batch_made_asks_as_many_queries_for_1_spread_as_for_10(
    django_assert_num_queries,
):
    one = _queries(consumers=3, spreads=1)
    batch, producer = _ready(consumers=3, spreads=10)
    with django_assert_num_queries(one):
        _record(batch, producer)
