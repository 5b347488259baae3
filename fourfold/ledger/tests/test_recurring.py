"""Recurring costs: each period enters its expense for the payer to confirm, once."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from fourfold.coops.models import AuditEvent
from fourfold.errors import Conflict, Invalid, NotFound, PrincipleViolation
from fourfold.ledger import consent, recurring, statements
from fourfold.ledger.models import RecurringPeriod, Transaction
from fourfold.portability.export import export_coop
from fourfold.reminders import tasks
from fourfold.reminders.models import SentReminder
from fourfold.workflows.portability import import_coop

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
# Years away from any real today: the tests travel there and never read the real date.
START = date(2031, 1, 1)


def morning(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=NEW_YORK)


def month_starts(count: int) -> list[date]:
    return [
        date(START.year + (START.month - 1 + n) // 12, (START.month - 1 + n) % 12 + 1, 1)
        for n in range(count)
    ]


def rent(personas, **fields):
    values = {
        "coop": personas.coop,
        "by": personas.alice,
        "amount": "80.00",
        "category": "space",
        "description": "Kitchen rent",
        "supplier": "Main Street Hall",
        "payer": personas.bob,
        "cadence": "monthly on the 1st",
        "starts": START,
    } | fields
    with time_machine.travel(morning(START) - timedelta(days=3), tick=False):
        return recurring.recurring_create(**values)


def posted_expenses(coop):
    return Transaction.objects.filter(coop=coop, kind=Transaction.Kind.EXPENSE).posted()


def test_a_year_of_monthly_rent_each_confirmed_posts_twelve_entries_on_their_days(personas):
    coop, bob = personas.coop, personas.bob
    cost = rent(personas)
    assert cost.cadence == "FREQ=MONTHLY;BYMONTHDAY=1"
    for day in month_starts(12):
        with time_machine.travel(morning(day), tick=False):
            assert recurring.recurring_due().entered == 1
            entry = Transaction.objects.get(coop=coop, kind="expense", occurred_on=day)
            assert entry.awaits_consent
            assert entry.description == f"Kitchen rent ({day.isoformat()})"
            consent.entry_confirm(coop=coop, transaction_id=entry.pk, member=bob)
    expenses = posted_expenses(coop).order_by("occurred_on")
    assert [entry.occurred_on for entry in expenses] == month_starts(12)
    assert {entry.amount for entry in expenses} == {Decimal("80.00")}
    assert {entry.entered_by for entry in expenses} == {personas.alice}
    assert {entry.payer for entry in expenses} == {bob}
    cost.refresh_from_db()
    assert cost.last_period == month_starts(12)[-1]
    assert recurring.next_period(cost) == date(2032, 1, 1)


def test_a_month_left_unconfirmed_posts_nothing_is_reminded_and_lapses(personas):
    coop, bob = personas.coop, personas.bob
    rent(personas)
    first, second = month_starts(2)
    with time_machine.travel(morning(first), tick=False):
        tasks.send_reminders_hourly.call()
    entry = Transaction.objects.get(coop=coop, kind="expense", occurred_on=first)
    assert statements.entry_status(statements.transactions(coop=coop).get(pk=entry.pk)).status == (
        "pending"
    )
    assert posted_expenses(coop).count() == 0
    [letter] = mail.outbox
    assert letter.to == [bob.email]
    assert f"entry #{entry.pk}" in letter.body
    assert SentReminder.objects.filter(kind=SentReminder.Kind.CONSENT, member=bob).count() == 1
    with time_machine.travel(morning(second), tick=False):
        tasks.send_reminders_hourly.call()
    entry.refresh_from_db()
    assert entry.outcome.outcome == "lapsed"
    assert posted_expenses(coop).count() == 0
    # The next month was entered all the same, waiting for its own answer.
    assert Transaction.objects.filter(coop=coop, kind="expense").pending().count() == 1


def test_running_again_enters_nothing_more_and_a_late_round_catches_up(personas):
    coop = personas.coop
    cost = rent(personas)
    with time_machine.travel(morning(date(2031, 3, 15)), tick=False):
        assert recurring.recurring_due().entered == 3
        assert recurring.recurring_due().entered == 0
    assert RecurringPeriod.objects.filter(recurring=cost).count() == 3
    assert Transaction.objects.filter(coop=coop, kind="expense").count() == 3


def test_a_cost_its_setter_pays_posts_at_once(personas):
    rent(personas, payer=personas.alice)
    with time_machine.travel(morning(START), tick=False):
        recurring.recurring_due()
    assert posted_expenses(personas.coop).count() == 1


def test_the_pool_paying_waits_for_a_second_member(personas):
    from fourfold.ledger import services

    coop, alice, bob = personas.coop, personas.alice, personas.bob
    with time_machine.travel(morning(START) - timedelta(days=5), tick=False):
        services.contribution_post(coop=coop, payer=alice, amount="500", entered_by=alice)
    rent(personas, payer=None)
    with time_machine.travel(morning(START), tick=False):
        recurring.recurring_due()
    entry = Transaction.objects.get(coop=coop, kind="expense")
    assert entry.awaits_consent and entry.payer is None
    consent.entry_confirm(coop=coop, transaction_id=entry.pk, member=bob)
    assert posted_expenses(coop).count() == 1


def test_ending_stops_new_periods_and_only_payer_or_setter_may(personas):
    from fourfold.testing import MembershipFactory

    coop = personas.coop
    carol = MembershipFactory(coop=coop, user__username="carol").user
    cost = rent(personas)
    with time_machine.travel(morning(START), tick=False):
        recurring.recurring_due()
        with pytest.raises(Conflict, match="Only its payer"):
            recurring.recurring_end(coop=coop, recurring_id=cost.pk, by=carol)
        recurring.recurring_end(coop=coop, recurring_id=cost.pk, by=personas.bob)
        with pytest.raises(Conflict, match="ended already"):
            recurring.recurring_end(coop=coop, recurring_id=cost.pk, by=personas.bob)
    with pytest.raises(NotFound):
        recurring.recurring_end(coop=personas.other_coop, recurring_id=cost.pk, by=personas.bob)
    with time_machine.travel(morning(date(2031, 6, 1)), tick=False):
        assert recurring.recurring_due().entered == 0
    cost.refresh_from_db()
    assert recurring.next_period(cost) is None
    assert Transaction.objects.filter(coop=coop, kind="expense").count() == 1
    actions = AuditEvent.objects.filter(coop=coop, action__startswith="ledger.recurring")
    assert sorted(actions.values_list("action", flat=True)) == [
        "ledger.recurring_created",
        "ledger.recurring_ended",
    ]


def test_an_end_date_stops_it(personas):
    rent(personas, ends=date(2031, 2, 15))
    with time_machine.travel(morning(date(2031, 5, 1)), tick=False):
        assert recurring.recurring_due().entered == 2


@pytest.mark.parametrize(
    ("words", "rule"),
    [
        ("monthly on the 1st", "FREQ=MONTHLY;BYMONTHDAY=1"),
        ("Every month on day 15", "FREQ=MONTHLY;BYMONTHDAY=15"),
        ("weekly on Monday", "FREQ=WEEKLY;BYDAY=MO"),
        ("every Friday", "FREQ=WEEKLY;BYDAY=FR"),
        ("RRULE:freq=monthly;bymonthday=3", "FREQ=MONTHLY;BYMONTHDAY=3"),
    ],
)
def test_cadence_in_plain_words_or_rrule(words, rule):
    assert recurring.cadence_from_words(words) == rule


@pytest.mark.parametrize("words", ["monthly on the 31st", "now and then", "FREQ=HOURLY"])
def test_a_cadence_it_cannot_read_is_refused(words):
    with pytest.raises(Invalid):
        recurring.cadence_from_words(words)


def test_validation_is_an_expenses(personas):
    with pytest.raises(Invalid):
        rent(personas, amount="-3")
    with pytest.raises(PrincipleViolation):
        rent(personas, category="labour")
    with pytest.raises(PrincipleViolation):
        rent(personas, supplier="bob")
    with pytest.raises(PrincipleViolation):
        rent(personas, payer=personas.outsider)
    with pytest.raises(Invalid, match="end before"):
        rent(personas, ends=date(2030, 12, 1))


def test_by_units_a_months_rent_with_one_batch_planned_is_charged_to_it(personas):
    """The co-op shares general costs by units: a confirmed month's rent falls on that
    month's batches; with one planned at a time, the month's first carries it all (the year
    of weekly batches is in workflows/tests/test_recurring_periods.py)."""
    from fourfold.consumption import services as consumption
    from fourfold.production.models import Batch, Shift
    from fourfold.workflows import money as money_flow
    from fourfold.workflows import production as production_flow

    coop, alice, bob = personas.coop, personas.alice, personas.bob
    assert coop.general_cost_mode == coop.GeneralCosts.BY_UNITS
    rent(personas)
    for member in (alice, bob):
        consumption.share_set(coop=coop, member=member, units=10)
    charged = {}
    for day in month_starts(2):
        with time_machine.travel(morning(day), tick=False):
            recurring.recurring_due()
            entry = Transaction.objects.get(coop=coop, kind="expense", occurred_on=day)
            money_flow.entry_confirm(coop=coop, transaction_id=entry.pk, member=bob)
            production_flow.batches_plan(coop=coop, weeks=1, by=None)
        batch = Batch.objects.filter(coop=coop, date__gte=day).order_by("date").first()
        producer = Shift.objects.filter(batch=batch).exclude(member=None).first().member
        with time_machine.travel(morning(batch.date), tick=False):
            production_flow.batch_record_made(
                batch=batch, by=producer, quantity=20, hours="3", today=batch.date
            )
        charged[day] = (batch.date, sum(a.amount for a in entry.allocations.all()))
    assert charged == {
        date(2031, 1, 1): (date(2031, 1, 5), Decimal("80.00")),
        date(2031, 2, 1): (date(2031, 2, 2), Decimal("80.00")),
    }


def test_the_activity_reads_setting_up_and_ending_in_words(personas):
    from fourfold.coops.activity import activity

    cost = rent(personas)
    with time_machine.travel(morning(START), tick=False):
        recurring.recurring_end(coop=personas.coop, recurring_id=cost.pk, by=personas.alice)
    summaries = [row.summary for row in activity(coop=personas.coop)]
    assert "alice ended the regular cost “Kitchen rent”" in summaries
    assert (
        "alice set up the regular cost “Kitchen rent”: $80.00, on day 1 of every month" in summaries
    )


def test_a_period_refused_is_tried_again_next_round(personas):
    from fourfold.ledger import services

    coop, alice = personas.coop, personas.alice
    rent(personas, payer=None)
    with time_machine.travel(morning(START), tick=False):
        refused = recurring.recurring_due()
        assert (refused.entered, refused.failed) == (0, 1)
        services.contribution_post(coop=coop, payer=alice, amount="100", entered_by=alice)
    with time_machine.travel(morning(START) + timedelta(hours=1), tick=False):
        tried_again = recurring.recurring_due()
        assert (tried_again.entered, tried_again.failed) == (1, 0)


def test_a_regular_cost_moves_with_the_co_op_and_goes_on_from_the_next_period(personas):
    coop, bob = personas.coop, personas.bob
    cost = rent(personas)
    for day in month_starts(3):
        with time_machine.travel(morning(day), tick=False):
            recurring.recurring_due()
            entry = Transaction.objects.get(coop=coop, kind="expense", occurred_on=day)
            consent.entry_confirm(coop=coop, transaction_id=entry.pk, member=bob)
    with time_machine.travel(morning(month_starts(3)[-1]) + timedelta(days=1), tick=False):
        exported = export_coop(coop=coop)
        copy_ = import_coop(exported, slug="home-copy")
        assert export_coop(coop=copy_)["recurring"] == exported["recurring"]
    [row] = exported["recurring"]
    assert (row["amount"], row["cadence"], len(row["periods"])) == (
        "80.00",
        "FREQ=MONTHLY;BYMONTHDAY=1",
        3,
    )
    moved = copy_.recurring_costs.get()
    cost.refresh_from_db()
    assert recurring.next_period(moved) == recurring.next_period(cost) == month_starts(4)[-1]
    with time_machine.travel(morning(month_starts(4)[-1]), tick=False):
        # One round for both co-ops: each enters its own fourth month, once.
        assert recurring.recurring_due().entered == 2
    assert RecurringPeriod.objects.filter(recurring=moved).count() == 4
