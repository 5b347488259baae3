"""A member's monthly pay-in (issue #14): their own money into the pool each month, posted as
it falls due; set up through the API or the regular-costs page, prefilled from the budget."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from fourfold.errors import Invalid
from fourfold.ledger import recurring, selectors
from fourfold.ledger.models import Account, RecurringCost, Transaction
from fourfold.portability.export import export_coop
from fourfold.reminders import services as reminders
from fourfold.workflows.portability import import_coop

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
START = date(2031, 1, 1)


def morning(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=NEW_YORK)


def _pay_in(personas, **fields):
    values = {
        "coop": personas.coop,
        "by": personas.bob,
        "payer": personas.bob,
        "kind": "contribution",
        "amount": "50.00",
        "category": "",
        "description": "Monthly pay-in",
        "cadence": "monthly on the 1st",
        "starts": START,
    } | fields
    with time_machine.travel(morning(START), tick=False):
        return recurring.recurring_create(**values)


def test_each_month_the_pay_in_posts_into_the_pool(personas):
    cost = _pay_in(personas)
    for month in (1, 2, 3):
        with time_machine.travel(morning(date(2031, month, 1)), tick=False):
            reminders.round_run()
    entries = Transaction.objects.filter(coop=personas.coop, kind="contribution").posted()
    assert [entry.occurred_on for entry in entries.order_by("occurred_on")] == [
        date(2031, 1, 1),
        date(2031, 2, 1),
        date(2031, 3, 1),
    ]
    pool = Account.objects.get(coop=personas.coop, kind=Account.Kind.POOL)
    assert pool.total_minor == 15000
    assert selectors.member_balance(coop=personas.coop, member=personas.bob) == Decimal("150.00")
    assert cost.kind == RecurringCost.Kind.CONTRIBUTION and cost.category == ""


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"payer": None}, "your own"),
        ({"by": "alice"}, "your own"),
        ({"supplier": "Bank"}, "not to a supplier"),
        ({"kind": "gift"}, "expense or contribution"),
    ],
)
def test_a_pay_in_is_the_members_own(personas, fields, message):
    if fields.get("by") == "alice":
        fields = {"by": personas.alice}
    with pytest.raises(Invalid, match=message):
        _pay_in(personas, **fields)


def test_the_api_sets_up_a_pay_in(personas, api_client):
    with time_machine.travel(morning(START), tick=False):
        answer = api_client(personas.bob).post(
            "/api/v1/coops/home/ledger/recurring",
            {
                "kind": "contribution",
                "amount": "42.50",
                "description": "Monthly pay-in",
                "cadence": "monthly on the 1st",
                "starts": "2031-01-01",
            },
        )
    assert answer.status_code == 201, answer.json()
    assert (answer.json()["kind"], answer.json()["amount"]) == ("contribution", "42.50")


def test_the_page_prefills_the_budgets_amount_and_sets_it_up(client, personas):
    with time_machine.travel(morning(START), tick=False):
        client.force_login(personas.bob)
        page = client.get("/c/home/ledger/recurring/?pay_in=37.25").content.decode()
        answer = client.post(
            "/c/home/ledger/recurring/",
            {"pay_in-amount": "37.25", "pay_in-month_day": "3", "pay_in-starts": "2031-01-01"},
        )
    assert 'name="pay_in-amount"' in page and 'value="37.25"' in page
    assert answer.status_code == 302
    cost = RecurringCost.objects.get(coop=personas.coop, kind="contribution")
    assert (cost.payer, cost.amount, cost.cadence) == (
        personas.bob,
        Decimal("37.25"),
        "FREQ=MONTHLY;BYMONTHDAY=3",
    )


def test_a_pay_in_moves_with_the_co_op(personas):
    _pay_in(personas)
    with time_machine.travel(morning(date(2031, 2, 1)), tick=False):
        reminders.round_run()
    exported = export_coop(coop=personas.coop)
    [row] = exported["recurring"]
    assert row["kind"] == "contribution"
    copy_ = import_coop(exported, slug="home-copy")
    assert RecurringCost.objects.get(coop=copy_).kind == "contribution"
    assert export_coop(coop=copy_)["recurring"] == exported["recurring"]
