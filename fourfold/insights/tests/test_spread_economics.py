"""Economics that follow (issue #14): equipment spread over the batches that use it makes no
jump in the cost per unit in the week it is bought."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine

from fourfold.consumption import selectors as consumption_selectors
from fourfold.consumption import services as consumption
from fourfold.insights.economics import economics
from fourfold.production.models import Batch, Shift
from fourfold.testing import MembershipFactory
from fourfold.workflows import money as money_flow
from fourfold.workflows import production as production_flow

pytestmark = pytest.mark.django_db

FIRST = date(2026, 3, 1)  # a Sunday: the co-op makes a batch every Sunday


def _at(day: date):
    return time_machine.travel(f"{day.isoformat()} 20:00Z", tick=False)


def _weeks(personas, *, spread: bool) -> list[Decimal | None]:
    """Six weekly batches of 4 units, each with 24.00 of milk; a 240.00 stand bought the day
    before the third, spread over 12 batches or not. The cost per unit of each batch."""
    coop = personas.coop
    carol = MembershipFactory.create(coop=coop, user__username="carol").user
    with _at(FIRST - timedelta(days=3)):
        for member, units in ((personas.alice, 1), (personas.bob, 1), (carol, 2)):
            consumption.share_set(coop=coop, member=member, units=units)
        production_flow.batches_plan(coop=coop, weeks=6, by=None, today=FIRST)
    batches = list(Batch.objects.filter(coop=coop).order_by("date"))
    for index, batch in enumerate(batches):
        producer = Shift.objects.filter(batch=batch).exclude(member=None).first().member
        with _at(batch.date - timedelta(days=1)):
            money_flow.expense_post(
                coop=coop,
                payer=producer,
                amount="24.00",
                category="ingredients",
                supplier="Dairy",
                entered_by=producer,
                batch=batch,
            )
            if index == 2:
                money_flow.expense_post(
                    coop=coop,
                    payer=personas.alice,
                    amount="240.00",
                    category="equipment",
                    supplier="Hardware store",
                    description="A stand",
                    entered_by=personas.alice,
                    **({"spread": {"batches": 12}} if spread else {}),
                )
        with _at(batch.date):
            production_flow.batch_record_made(
                batch=batch, by=producer, quantity=4, hours="2", today=batch.date
            )
    return [row.per_unit for row in consumption_selectors.batch_costs(coop=coop, batches=batches)]


def test_a_stand_bought_at_once_makes_its_week_jump(personas):
    assert (
        _weeks(personas, spread=False)
        == [Decimal("6.00")] * 2 + [Decimal("66.00")] + [Decimal("6.00")] * 3
    )


def test_a_spread_stand_costs_its_week_what_the_weeks_after_it_cost(personas):
    # 24.00 of milk and 20.00 of the stand over 4 units: 11.00 from the week it is bought on.
    assert _weeks(personas, spread=True) == [Decimal("6.00")] * 2 + [Decimal("11.00")] * 4
    with _at(FIRST + timedelta(weeks=5, days=1)):
        months = economics(coop=personas.coop, months=2).months
    # March: five batches of 4 units, 5 x 24.00 of milk and 3 parts of 20.00 of the stand;
    # April: one batch, 24.00 + 20.00.
    assert [(m.units, m.cost, m.cost_per_unit) for m in months] == [
        (20, Decimal("180.00"), Decimal("9.00")),
        (4, Decimal("44.00"), Decimal("11.00")),
    ]
