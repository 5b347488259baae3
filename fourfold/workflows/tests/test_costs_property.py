"""Property (issue #14): for any sequence of spread, recurring, general and batch costs, with
batches made or missed in between, the books balance and every part charged sums to its cost,
exact to the cent."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fourfold.consumption import selectors as consumption_selectors
from fourfold.consumption import services as consumption
from fourfold.ledger import recurring, selectors
from fourfold.ledger.checks import books_check
from fourfold.ledger.models import Account, Leg, Transaction
from fourfold.lib.money import to_minor
from fourfold.production.models import Batch, Shift
from fourfold.production.services import batch_record_missed
from fourfold.testing import CoopFactory, MembershipFactory
from fourfold.workflows import money as money_flow
from fourfold.workflows import production as production_flow

pytestmark = pytest.mark.django_db

FIRST = date(2026, 3, 1)  # a Sunday: the co-op makes a batch every Sunday
WEEKS = 8

cents = st.integers(min_value=1, max_value=2_000_00)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("spread"), cents, st.integers(2, 5)),
        st.tuples(st.just("general"), cents, st.just(0)),
        st.tuples(st.just("recurring"), cents, st.just(0)),
        st.tuples(st.just("batch"), cents, st.just(0)),
        st.tuples(st.just("made"), st.just(0), st.just(0)),
        st.tuples(st.just("missed"), st.just(0), st.just(0)),
    ),
    min_size=1,
    max_size=12,
)


def _at(day: date):
    return time_machine.travel(f"{day.isoformat()} 20:00Z", tick=False)


def _coop():
    coop = CoopFactory()
    members = [MembershipFactory(coop=coop).user for _ in range(3)]
    with _at(FIRST - timedelta(days=3)):
        for member, units in zip(members, (1, 1, 2), strict=True):
            consumption.share_set(coop=coop, member=member, units=units)
        production_flow.batches_plan(coop=coop, weeks=WEEKS, by=None, today=FIRST)
    return coop


def _expense(coop, payer, minor: int, day: date, **fields) -> Transaction:
    with _at(day - timedelta(days=1)):
        return money_flow.expense_post(
            coop=coop,
            payer=payer,
            amount=Decimal(minor) / 100,
            category="equipment" if "spread" in fields else "supplies",
            supplier="Hardware store",
            description="Tools",
            entered_by=payer,
            confirm_large=True,
            **fields,
        )


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(steps=steps)
def test_any_sequence_of_costs_keeps_the_books_balanced_and_every_part_exact(steps):
    coop = _coop()
    batches = list(Batch.objects.filter(coop=coop).order_by("date"))
    spreads: list[tuple[Transaction, int, int]] = []  # expense, count, batches made before it
    periods: list[tuple[Transaction, int]] = []  # a period's entry, batches made before it
    made = 0
    for kind, minor, count in steps:
        if not batches:
            break
        batch = batches[0]
        producer = Shift.objects.filter(batch=batch).exclude(member=None).first().member
        if kind == "spread":
            expense = _expense(coop, producer, minor, batch.date, spread={"batches": count})
            spreads.append((expense, count, made))
        elif kind == "general":
            _expense(coop, producer, minor, batch.date)
        elif kind == "recurring":
            # One period, from this batch's day to the next one's: the batch carries it.
            with _at(batch.date - timedelta(days=1)):
                recurring.recurring_create(
                    coop=coop,
                    by=producer,
                    payer=producer,
                    amount=Decimal(minor) / 100,
                    category="space",
                    description="Hall",
                    cadence="FREQ=WEEKLY;BYDAY=SU",
                    starts=batch.date,
                    ends=batch.date,
                    confirm_large=True,
                )
            with time_machine.travel(f"{batch.date.isoformat()} 14:00Z", tick=False):
                [entry] = recurring.recurring_due().entries
                consumption.period_catch_up(expense=entry, by=None)
            periods.append((entry, made))
        elif kind == "batch":
            _expense(coop, producer, minor, batch.date, batch=batch)
        elif kind == "made":
            with _at(batch.date):
                quantity = sum(consumption_selectors.demand(batch=batch).values())
                production_flow.batch_record_made(
                    batch=batch, by=producer, quantity=quantity, hours="2", today=batch.date
                )
            batches.pop(0)
            made += 1
        else:
            with _at(batch.date):
                batch_record_missed(batch=batch, by=producer, reason="ill", today=batch.date)
            batches.pop(0)

    assert books_check(coop=coop) == []
    books = selectors.books(coop=coop)
    assert sum(row.balance for row in books.balances) == books.pool + books.unallocated
    assert (
        Leg.objects.filter(account__coop=coop).aggregate(total=Sum("amount_minor"))["total"] or 0
    ) == 0
    # Every part charged: its members' legs add up to exactly what it moved off the cost account.
    for charge in Transaction.objects.filter(coop=coop, kind=Transaction.Kind.COST_ALLOCATION):
        assert sum(selectors.member_parts(charge).values()) == charge.amount_minor
    # A batch charge moves to each member exactly the parts its batch's costs gave them, and
    # the charging account is back at zero.
    for batch_charge in Transaction.objects.filter(coop=coop, kind=Transaction.Kind.BATCH_CHARGE):
        parts: dict[int, int] = {}
        for charge in batch_charge.costs.all():
            for user_id, minor in selectors.member_parts(charge).items():
                parts[user_id] = parts.get(user_id, 0) + minor
        moved = dict(
            batch_charge.legs.filter(account__kind=Account.Kind.MEMBER).values_list(
                "account__user_id", "amount_minor"
            )
        )
        assert moved == {user_id: minor for user_id, minor in parts.items() if minor}
    assert (
        not Account.objects.filter(coop=coop, kind=Account.Kind.CHARGING)
        .exclude(total_minor=0)
        .exists()
    )
    # Every spread has charged exactly its first parts, one per batch made after it posted.
    for expense, count, made_before in spreads:
        parts = [to_minor(p, coop.currency) for p in selectors.spread_parts(expense, count)]
        carried = min(count, made - made_before)
        allocated = sum(
            c.amount_minor
            for c in expense.allocations.filter(kind=Transaction.Kind.COST_ALLOCATION)
        )
        assert allocated == sum(parts[:carried])
        assert sum(parts) == expense.amount_minor
    # A period's cost is charged whole by the batches made from its start on, or not yet.
    for entry, made_before in periods:
        allocated = sum(
            c.amount_minor for c in entry.allocations.filter(kind=Transaction.Kind.COST_ALLOCATION)
        )
        assert allocated == (entry.amount_minor if made > made_before else 0)
