"""A cost spread over the next N batches made: each made batch carries one part, exact to the
cent over the whole spread, shared among that batch's consumers by units (issue #14)."""

import copy
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st

from fourfold.consumption import selectors as consumption_selectors
from fourfold.consumption import services as consumption
from fourfold.coops.models import Cooperative
from fourfold.errors import Invalid
from fourfold.ledger import corrections, selectors
from fourfold.ledger.checks import books_check
from fourfold.ledger.models import Transaction
from fourfold.lib.money import from_minor, to_minor
from fourfold.portability.export import export_coop
from fourfold.production.models import Batch, Shift
from fourfold.production.services import batch_record_missed
from fourfold.testing import MembershipFactory
from fourfold.workflows import money as money_flow
from fourfold.workflows import production as production_flow
from fourfold.workflows.portability import import_coop

pytestmark = pytest.mark.django_db

FIRST = date(2026, 3, 1)  # a Sunday: the co-op makes a batch every Sunday


def _at(day: date):
    return time_machine.travel(f"{day.isoformat()} 20:00Z", tick=False)


@pytest.fixture
def coop(personas):
    carol = MembershipFactory.create(coop=personas.coop, user__username="carol").user
    with _at(FIRST - timedelta(days=3)):
        consumption.share_set(coop=personas.coop, member=personas.alice, units=1)
        consumption.share_set(coop=personas.coop, member=personas.bob, units=1)
        consumption.share_set(coop=personas.coop, member=carol, units=2)
        production_flow.batches_plan(
            coop=personas.coop, weeks=14, by=None, today=FIRST - timedelta(days=3)
        )
    personas.carol = carol
    return personas


def _batch(coop, day: date) -> Batch:
    return Batch.objects.get(coop=coop, date=day)


def _made(personas, day: date) -> Batch:
    batch = _batch(personas.coop, day)
    producer = Shift.objects.filter(batch=batch).exclude(member=None).first().member
    with _at(day):
        # Made exactly what the standing shares ask: everyone gets what they asked.
        quantity = sum(consumption_selectors.demand(batch=batch).values())
        return production_flow.batch_record_made(
            batch=batch, by=producer, quantity=quantity, hours="2", today=day
        )


def _missed(personas, day: date) -> Batch:
    batch = _batch(personas.coop, day)
    producer = Shift.objects.filter(batch=batch).exclude(member=None).first().member
    with _at(day):
        return batch_record_missed(batch=batch, by=producer, reason="ill", today=day)


def _stand(personas, amount: str = "240.00", batches: int = 12) -> Transaction:
    with _at(FIRST - timedelta(days=2)):
        return money_flow.entry_record(
            coop=personas.coop,
            entered_by=personas.alice,
            kind="expense",
            amount=amount,
            category="equipment",
            supplier="Hardware store",
            description="A stand",
            spread={"batches": batches},
        )


def _charges(expense: Transaction) -> dict[int, Decimal]:
    """Per batch: what the spread expense's live parts charged to it."""
    out: dict[int, Decimal] = {}
    charges = expense.allocations.posted().filter(reversed_by__isnull=True)
    for charge in charges.order_by("batch__date", "pk"):
        out[charge.batch_id] = out.get(charge.batch_id, Decimal(0)) + charge.amount
    return out


def _paid(expense: Transaction, member) -> Decimal:
    minor = 0
    for charge in expense.allocations.posted().filter(reversed_by__isnull=True):
        minor += selectors.member_parts(charge).get(member.pk, 0)
    return from_minor(minor, "USD")


def _weeks(count: int, skip: int = 0) -> list[date]:
    return [FIRST + timedelta(weeks=week) for week in range(count + skip)]


def test_a_240_stand_over_12_batches_charges_20_a_batch_and_carol_pays_for_her_3(coop):
    stand = _stand(coop)
    days = _weeks(12)
    for index, day in enumerate(days):
        if index == 3:
            with _at(day - timedelta(days=3)):
                consumption.share_set(coop=coop.coop, member=coop.carol, units=0)
        _made(coop, day)
    per_batch = _charges(stand)
    assert list(per_batch.values()) == [Decimal("20.00")] * 12
    assert sum(per_batch.values()) == Decimal("240.00")
    # Carol took 2 of 4 units in the first 3 batches: half of 3 x 20.00.
    assert _paid(stand, coop.carol) == Decimal("30.00")
    assert _paid(stand, coop.alice) == Decimal("105.00")
    assert _paid(stand, coop.bob) == Decimal("105.00")
    schedule = selectors.spread_schedule(stand)
    assert (schedule.allocated_parts, schedule.allocated, schedule.remaining) == (
        12,
        Decimal("240.00"),
        Decimal("0.00"),
    )
    # A thirteenth batch carries nothing more: the spread is finished.
    _made(coop, FIRST + timedelta(weeks=12))
    assert sum(_charges(stand).values()) == Decimal("240.00")
    assert books_check(coop=coop.coop) == []


def test_a_missed_batch_carries_nothing_and_the_part_moves_on(coop):
    stand = _stand(coop)
    days = _weeks(12, skip=1)
    for index, day in enumerate(days):
        if index == 4:
            _missed(coop, day)
            assert selectors.spread_schedule(stand).allocated_parts == 4
        else:
            _made(coop, day)
    per_batch = _charges(stand)
    assert _batch(coop.coop, days[4]).pk not in per_batch
    assert len(per_batch) == 12
    assert sum(per_batch.values()) == Decimal("240.00")
    assert books_check(coop=coop.coop) == []


def test_a_spread_cost_is_not_also_charged_as_a_general_cost(coop):
    coop.coop.general_cost_mode = coop.coop.GeneralCosts.BY_UNITS
    coop.coop.save(update_fields=["general_cost_mode"])
    stand = _stand(coop)
    _made(coop, FIRST)
    assert list(_charges(stand).values()) == [Decimal("20.00")]
    assert selectors.spread_schedule(stand).remaining == Decimal("220.00")


def test_an_uneven_amount_is_spread_exactly(coop):
    stand = _stand(coop, amount="100.00")
    parts = selectors.spread_parts(stand, 12)
    assert sum(parts) == Decimal("100.00")
    assert set(parts) == {Decimal("8.34"), Decimal("8.33")}
    for day in _weeks(12):
        _made(coop, day)
    assert sum(_charges(stand).values()) == Decimal("100.00")
    assert books_check(coop=coop.coop) == []


@given(cents=st.integers(1, 10**6), count=st.integers(2, 52))
def test_the_parts_sum_to_the_amount_and_differ_by_at_most_a_cent(cents, count):
    expense = Transaction(amount_minor=cents)
    expense.coop = _usd()
    parts = [to_minor(part, "USD") for part in selectors.spread_parts(expense, count)]
    assert sum(parts) == cents
    assert max(parts) - min(parts) <= 1


def _usd() -> Cooperative:
    return Cooperative(currency="USD")


@pytest.mark.parametrize(
    "extra",
    [
        {"split": ["alice", "bob"]},
        {"batch": "first"},
        {"spread": {"batches": 1}},
        {"spread": {"batches": 261}},
        {"spread": {"weeks": 3}},
    ],
)
def test_a_spread_with_a_split_a_batch_or_a_count_out_of_range_is_refused(coop, extra):
    fields = {"spread": {"batches": 12}, **extra}
    if fields.get("batch") == "first":
        fields["batch"] = _batch(coop.coop, FIRST).pk
    with _at(FIRST - timedelta(days=2)), pytest.raises(Invalid) as refused:
        money_flow.entry_record(
            coop=coop.coop,
            entered_by=coop.alice,
            kind="expense",
            amount="240.00",
            category="equipment",
            **fields,
        )
    assert refused.value.field == "spread"
    assert not Transaction.objects.filter(kind="expense").exists()


def test_a_spread_waiting_for_consent_charges_nothing_until_it_posts(coop):
    with _at(FIRST - timedelta(days=2)):
        stand = money_flow.entry_record(
            coop=coop.coop,
            entered_by=coop.alice,
            kind="expense",
            payer="bob",
            amount="240.00",
            category="equipment",
            spread={"batches": 12},
        )
    assert stand.awaits_consent
    _made(coop, FIRST)
    assert _charges(stand) == {}
    with _at(FIRST + timedelta(days=1)):
        money_flow.entry_confirm(coop=coop.coop, transaction_id=stand.pk, member=coop.bob)
    _made(coop, FIRST + timedelta(weeks=1))
    assert list(_charges(stand).values()) == [Decimal("20.00")]
    assert books_check(coop=coop.coop) == []


def test_reversing_a_spread_mid_way_reverses_its_parts_and_charges_no_more(coop):
    stand = _stand(coop)
    for day in _weeks(3):
        _made(coop, day)
    assert sum(_charges(stand).values()) == Decimal("60.00")
    with _at(FIRST + timedelta(weeks=2, days=1)):
        corrections.reversal_post(original=stand, entered_by=coop.alice, reason="Returned")
    assert _charges(stand) == {}
    fourth = _made(coop, FIRST + timedelta(weeks=3))
    assert _charges(stand) == {}
    assert selectors.spreads_live(coop=coop.coop, batch=fourth) == []
    # The schedule keeps what was charged before the reversal undid it.
    schedule = selectors.spread_schedule(stand)
    assert (schedule.allocated_parts, schedule.allocated) == (3, Decimal("60.00"))
    for member in (coop.alice, coop.bob, coop.carol):
        assert _paid(stand, member) == Decimal("0.00")
    assert books_check(coop=coop.coop) == []


def test_the_api_takes_a_spread_and_shows_its_schedule(coop, api_client):
    client = api_client(coop.alice)
    with _at(FIRST - timedelta(days=2)):
        created = client.post(
            "/api/v1/coops/home/ledger/transactions",
            {
                "kind": "expense",
                "amount": "240.00",
                "category": "equipment",
                "supplier": "Hardware store",
                "spread": {"batches": 12},
            },
        )
    assert created.status_code == 201, created.json()
    assert created.json()["spread"] == {
        "over": "batches",
        "count": 12,
        "allocated_parts": 0,
        "allocated": "0.00",
        "remaining": "240.00",
        "ended": None,
    }
    for day in _weeks(2):
        _made(coop, day)
    with _at(FIRST + timedelta(weeks=1, days=1)):
        detail = client.get(f"/api/v1/coops/home/ledger/transactions/{created.json()['id']}")
        refused = client.post(
            "/api/v1/coops/home/ledger/transactions",
            {
                "kind": "expense",
                "amount": "10.00",
                "category": "equipment",
                "split": ["alice"],
                "spread": {"batches": 12},
            },
        )
        schema = client.get("/api/v1/openapi.json").json()
    assert detail.json()["spread"] == {
        "over": "batches",
        "count": 12,
        "allocated_parts": 2,
        "allocated": "40.00",
        "remaining": "200.00",
        "ended": None,
    }
    assert refused.status_code == 400
    assert "spread" in str(refused.json())
    schemas = schema["components"]["schemas"]
    assert "spread" in schemas["TransactionIn"]["properties"]
    assert "spread" in schemas["TransactionOut"]["properties"]


def _over_months(personas, amount: str, months: int) -> Transaction:
    with _at(FIRST):
        return money_flow.entry_record(
            coop=personas.coop,
            entered_by=personas.alice,
            kind="expense",
            amount=amount,
            category="space",
            description="The kitchen, by the month",
            spread={"months": months},
        )


def _sundays(month: int) -> list[date]:
    return [day for day in _weeks(14) if day.month == month]


def test_a_cost_over_3_months_goes_to_each_months_batches_made(coop):
    rent = _over_months(coop, "120.00", 3)
    for day in _weeks(14):
        _made(coop, day)
    per_batch = _charges(rent)
    by_month = {
        month: [per_batch[_batch(coop.coop, day).pk] for day in _sundays(month)]
        for month in (3, 4, 5)
    }
    assert by_month == {
        3: [Decimal("8.00")] * 5,
        4: [Decimal("10.00")] * 4,
        5: [Decimal("8.00")] * 5,
    }
    schedule = selectors.spread_schedule(rent)
    assert (schedule.over, schedule.allocated_parts, schedule.remaining) == (
        "months",
        3,
        Decimal("0.00"),
    )
    assert books_check(coop=coop.coop) == []


def test_a_month_with_no_batch_made_passes_its_share_on(coop):
    rent = _over_months(coop, "100.00", 3)
    for day in _weeks(14):
        if day.month == 4:
            _missed(coop, day)
        else:
            _made(coop, day)
    per_batch = _charges(rent)
    march = sum(per_batch[_batch(coop.coop, day).pk] for day in _sundays(3))
    may = sum(per_batch[_batch(coop.coop, day).pk] for day in _sundays(5))
    assert (march, may) == (Decimal("33.34"), Decimal("66.66"))
    assert sum(per_batch.values()) == Decimal("100.00")
    assert books_check(coop=coop.coop) == []


def test_the_api_takes_a_spread_over_months(coop, api_client):
    with _at(FIRST):
        created = api_client(coop.alice).post(
            "/api/v1/coops/home/ledger/transactions",
            {"kind": "expense", "amount": "120.00", "category": "space", "spread": {"months": 3}},
        )
    assert created.status_code == 201, created.json()
    assert created.json()["spread"]["over"] == "months"
    assert created.json()["spread"]["remaining"] == "120.00"


def test_settling_up_mid_spread_leaves_the_payer_owed_only_what_the_batches_ahead_carry(coop):
    stand = _stand(coop)
    for day in _weeks(3):
        _made(coop, day)
    # 3 of 12 parts charged: $60.00; $180.00 waits for the 9 batches ahead.
    assert selectors.spread_schedule(stand).remaining == Decimal("180.00")
    assert selectors.books(coop=coop.coop).unallocated == Decimal("180.00")
    plan = selectors.settlement_plan(coop=coop.coop)
    assert plan.unallocated == 0
    balances = {row.user.username: row.balance for row in selectors.member_balances(coop=coop.coop)}
    after = dict(balances)
    for step in plan.transfers:
        after[step.payer.username] += step.amount
        after[step.payee.username] -= step.amount
    # Alice paid $240 and took $15 of the first three parts: she stays owed the $180 ahead.
    assert after == {"alice": Decimal("180.00"), "bob": Decimal("0.00"), "carol": Decimal("0.00")}


def test_a_spread_moves_with_the_co_op_and_keeps_charging_where_it_left_off(coop):
    stand = _stand(coop)
    for day in _weeks(3):
        _made(coop, day)
    exported = export_coop(coop=coop.coop)
    [row] = [t for t in exported["ledger"]["transactions"] if t["spread"]]
    assert row["spread"] == {"over": "batches", "count": 12, "ending": None}
    copy_ = import_coop(exported, slug="home-copy")
    again = export_coop(coop=copy_)
    assert again["ledger"] == exported["ledger"]
    moved = Transaction.objects.get(coop=copy_, kind="expense", description="A stand")
    assert selectors.spread_schedule(moved) == selectors.spread_schedule(stand)
    assert selectors.spread_schedule(moved).remaining == Decimal("180.00")
    broken = copy.deepcopy(exported)
    [bad] = [t for t in broken["ledger"]["transactions"] if t["spread"]]
    bad["spread"] = {"over": "years", "count": 12}
    with pytest.raises(Invalid, match="batches or months"):
        import_coop(broken, slug="home-broken")
