"""A recurring cost's period falls on the batches made within it (issue #14): a year of rent,
each month's on that month's batches, shared by units; a month left unconfirmed charges
nothing and is reminded; a late confirmation catches up; a month without a batch passes on."""

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from fourfold.consumption import services as consumption
from fourfold.ledger import recurring
from fourfold.ledger.checks import books_check
from fourfold.ledger.models import Transaction
from fourfold.ledger.selectors import member_parts
from fourfold.lib.money import from_minor
from fourfold.production.models import Batch, Shift
from fourfold.production.services import batch_record_missed
from fourfold.reminders import services as reminders
from fourfold.reminders.models import SentReminder
from fourfold.workflows import money as money_flow
from fourfold.workflows import production as production_flow

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
# Years away from any real today: the tests travel there and never read the real date.
START = date(2031, 1, 1)  # a Wednesday; the co-op makes a batch every Sunday


def morning(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=NEW_YORK)


def month_start(n: int) -> date:
    return date(START.year + (START.month - 1 + n) // 12, (START.month - 1 + n) % 12 + 1, 1)


@pytest.fixture
def coop(personas):
    with time_machine.travel(morning(START) - timedelta(days=3), tick=False):
        consumption.share_set(coop=personas.coop, member=personas.alice, units=3)
        consumption.share_set(coop=personas.coop, member=personas.bob, units=1)
        production_flow.batches_plan(
            coop=personas.coop, weeks=56, by=None, today=START - timedelta(days=3)
        )
        recurring.recurring_create(
            coop=personas.coop,
            by=personas.alice,
            amount="80.00",
            category="space",
            description="Kitchen rent",
            supplier="Main Street Hall",
            payer=personas.bob,
            cadence="monthly on the 1st",
            starts=START,
        )
    return personas


def _round(day: date) -> None:
    with time_machine.travel(morning(day), tick=False):
        reminders.round_run()


def _confirm(personas, day: date, on: date | None = None) -> Transaction:
    entry = Transaction.objects.get(coop=personas.coop, kind="expense", occurred_on=day)
    with time_machine.travel(morning(on or day), tick=False):
        money_flow.entry_confirm(coop=personas.coop, transaction_id=entry.pk, member=personas.bob)
    return entry


def _make(personas, batch: Batch) -> None:
    producer = Shift.objects.filter(batch=batch).exclude(member=None).first().member
    with time_machine.travel(morning(batch.date) + timedelta(hours=8), tick=False):
        production_flow.batch_record_made(
            batch=batch, by=producer, quantity=4, hours="3", today=batch.date
        )


def _sundays(start: date, end: date) -> list[Batch]:
    return list(
        Batch.objects.filter(date__gte=start, date__lt=end, status=Batch.Status.PLANNED).order_by(
            "date"
        )
    )


def _live_charges(entry: Transaction):
    return entry.allocations.posted().filter(reversed_by__isnull=True)


def _per_batch(entry: Transaction) -> dict[date, Decimal]:
    out: dict[date, Decimal] = defaultdict(Decimal)
    for charge in _live_charges(entry).select_related("batch"):
        out[charge.batch.date] += charge.amount
    return dict(out)


def _paid(entry: Transaction, member) -> Decimal:
    minor = sum(member_parts(charge).get(member.pk, 0) for charge in _live_charges(entry))
    return from_minor(minor, "USD")


def test_a_year_of_rent_each_months_on_that_months_batches_and_june_unconfirmed(coop):
    june = month_start(5)
    for n in range(12):
        first, following = month_start(n), month_start(n + 1)
        _round(first)
        if first != june:
            _confirm(coop, first)
        for batch in _sundays(first, following):
            _make(coop, batch)
    entries = {
        entry.occurred_on: entry
        for entry in Transaction.objects.filter(coop=coop.coop, kind="expense")
    }
    assert sorted(entries) == [month_start(n) for n in range(12)]
    for n in range(12):
        first, following = month_start(n), month_start(n + 1)
        per_batch = _per_batch(entries[first])
        if first == june:
            assert per_batch == {}
            continue
        sundays = [day for day in (first + timedelta(days=d) for d in range(31)) if day < following]
        sundays = [day for day in sundays if day.weekday() == 6]
        # Every Sunday of the month carries its part, and nothing outside the month does.
        assert sorted(per_batch) == sundays
        assert sum(per_batch.values()) == Decimal("80.00")
        expected = {Decimal("80.00") / len(sundays)}
        if len(sundays) == 5:
            expected = {Decimal("16.00")}
        assert set(per_batch.values()) == expected
        # Shared by units: alice takes 3 of 4, bob 1.
        assert _paid(entries[first], coop.alice) == Decimal("60.00")
        assert _paid(entries[first], coop.bob) == Decimal("20.00")
    # June's rent was never confirmed: it posted nothing, was reminded, then lapsed.
    assert not Transaction.objects.posted().filter(pk=entries[june].pk).exists()
    assert entries[june].outcome.outcome == "lapsed"
    assert SentReminder.objects.filter(
        kind=SentReminder.Kind.CONSENT, member=coop.bob, coop=coop.coop
    ).exists()
    assert any(f"entry #{entries[june].pk}" in letter.body for letter in mail.outbox)
    assert books_check(coop=coop.coop) == []


def test_a_late_confirmation_charges_the_months_batches_already_made(coop):
    first, following = month_start(0), month_start(1)
    _round(first)
    january = _sundays(first, following)
    assert [batch.date.day for batch in january] == [5, 12, 19, 26]
    for batch in january[:2]:
        _make(coop, batch)
    # Confirmed within the co-op's days for consent, after two of the month's batches.
    entry = _confirm(coop, first, on=date(2031, 1, 14))
    assert _per_batch(entry) == {
        date(2031, 1, 5): Decimal("20.00"),
        date(2031, 1, 12): Decimal("20.00"),
    }
    for batch in january[2:]:
        _make(coop, batch)
    assert set(_per_batch(entry).values()) == {Decimal("20.00")}
    assert sum(_per_batch(entry).values()) == Decimal("80.00")


def test_a_round_that_runs_late_charges_its_periods_batches_made(coop):
    """A cost its payer set up posts at once: entered late by the round, it still falls on
    its own month's batches, not on the next one made."""
    with time_machine.travel(morning(START) - timedelta(days=2), tick=False):
        storage = recurring.recurring_create(
            coop=coop.coop,
            by=coop.alice,
            amount="30.00",
            category="space",
            description="Storage",
            payer=coop.alice,
            cadence="monthly on the 1st",
            starts=START,
        )
    for batch in _sundays(month_start(0), month_start(1))[:2]:
        _make(coop, batch)
    _round(date(2031, 1, 13))
    [entry] = [period.transaction for period in storage.periods.select_related("transaction").all()]
    # Four Sundays in January: the two made carry a quarter each, the two ahead the rest.
    assert _per_batch(entry) == {
        date(2031, 1, 5): Decimal("7.50"),
        date(2031, 1, 12): Decimal("7.50"),
    }


def test_a_month_with_no_batch_made_passes_its_cost_to_the_next_one_made(coop):
    _round(month_start(0))
    entry = _confirm(coop, month_start(0))
    for batch in _sundays(month_start(0), month_start(1)):
        producer = Shift.objects.filter(batch=batch).exclude(member=None).first().member
        with time_machine.travel(morning(batch.date), tick=False):
            batch_record_missed(batch=batch, by=producer, reason="hall closed", today=batch.date)
    _make(coop, _sundays(month_start(1), month_start(2))[0])
    assert _per_batch(entry) == {date(2031, 2, 2): Decimal("80.00")}
