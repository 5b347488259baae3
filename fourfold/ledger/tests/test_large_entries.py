"""A pay-in or an expense far above the co-op's usual entries asks for a second look."""

from decimal import Decimal

import pytest

from fourfold.errors import NeedsConfirmation
from fourfold.ledger import corrections, selectors, services
from fourfold.ledger.models import Transaction
from fourfold.workflows import money as money_flow

pytestmark = pytest.mark.django_db


def pay_in(people, amount, **kwargs):
    return services.contribution_post(
        coop=people.coop, payer=people.alice, amount=amount, entered_by=people.alice, **kwargs
    )


def test_a_new_coop_asks_above_one_thousand(personas):
    assert selectors.large_entry_threshold(coop=personas.coop) == selectors.LargeEntry(
        threshold=Decimal(1000), median=None
    )


def test_the_threshold_is_ten_times_the_median_entry_never_below_one_thousand(personas):
    for amount in ("200", "300", "450"):
        pay_in(personas, amount)
    assert selectors.large_entry_threshold(coop=personas.coop).threshold == Decimal("3000.00")
    pay_in(personas, "10")  # an even count: the middle two, 200 and 300, make 250
    usual = selectors.large_entry_threshold(coop=personas.coop)
    assert (usual.median, usual.threshold) == (Decimal("250.00"), Decimal("2500.00"))
    for _ in range(5):
        pay_in(personas, "5")
    assert selectors.large_entry_threshold(coop=personas.coop).threshold == Decimal(1000)


def test_a_reversed_entry_does_not_count_towards_the_usual(personas):
    for amount in ("200", "300", "450"):
        pay_in(personas, amount)
    corrections.transaction_reverse(
        original=Transaction.objects.get(amount_minor=45000), entered_by=personas.alice
    )
    assert selectors.large_entry_threshold(coop=personas.coop).threshold == Decimal("2500.00")


def test_it_refuses_a_large_pay_in_until_confirmed(personas):
    pay_in(personas, "12")
    with pytest.raises(NeedsConfirmation) as refused:
        pay_in(personas, "1000000")
    assert refused.value.detail == (
        "Are you sure? $1,000,000.00 is far above this co-op's usual entries (the median "
        "entry is $12.00; a second look is asked above $1,000.00). Confirm the amount to "
        "record it."
    )
    assert (refused.value.code, refused.value.field) == ("confirm_large", "confirm_large")
    assert Transaction.objects.count() == 1
    assert pay_in(personas, "1000000", confirm_large=True).amount == Decimal("1000000.00")


def test_an_amount_at_the_threshold_needs_no_confirmation(personas):
    assert pay_in(personas, "1000").amount == Decimal("1000.00")


def test_it_refuses_a_large_expense_until_confirmed(personas):
    def spend(**kwargs):
        return money_flow.expense_post(
            coop=personas.coop,
            payer=personas.bob,
            amount="5000",
            category="equipment",
            entered_by=personas.bob,
            split={personas.alice: 1, personas.bob: 1},
            **kwargs,
        )

    with pytest.raises(NeedsConfirmation, match=r"^Are you sure\? \$5,000\.00 is far above"):
        spend()
    assert not Transaction.objects.exists()
    assert spend(confirm_large=True).amount == Decimal("5000.00")
    assert Transaction.objects.filter(kind="cost_allocation").count() == 1


def test_a_refused_expense_is_refused_before_it_is_questioned(personas):
    personas.coop.spending_limit = Decimal("100")
    personas.coop.save()
    from fourfold.errors import PrincipleViolation

    with pytest.raises(PrincipleViolation, match="spending limit"):
        money_flow.expense_post(
            coop=personas.coop,
            payer=personas.bob,
            amount="5000",
            category="equipment",
            entered_by=personas.bob,
        )
