"""A made batch charges its consumers once, however many costs it carries: each cost moves
into the charging account with what each member carries of it, and one batch charge moves the
sum to the members, a leg each. Reversing a cost gives each member their part back."""

from datetime import timedelta
from decimal import Decimal

import pytest

from fourfold.errors import Conflict
from fourfold.ledger import corrections, selectors
from fourfold.ledger.checks import books_check
from fourfold.ledger.models import Account, Leg, Transaction
from fourfold.workflows import money as money_flow
from fourfold.workflows.tests.test_spread import FIRST, _at, _made, _stand, coop  # noqa: F401

pytestmark = pytest.mark.django_db


def _milk(personas, amount: str) -> Transaction:
    with _at(FIRST - timedelta(days=1)):
        return money_flow.expense_post(
            coop=personas.coop,
            payer=personas.alice,
            amount=Decimal(amount),
            category="ingredients",
            entered_by=personas.alice,
            batch=personas.coop.batches.get(date=FIRST),
        )


def _balances(personas) -> dict[str, Decimal]:
    return {row.user.username: row.balance for row in selectors.books(coop=personas.coop).balances}


def test_a_batch_with_two_costs_charges_each_member_once(coop):  # noqa: F811
    stand = _stand(coop, amount="120.00", batches=12)
    milk = _milk(coop, "10.01")
    _made(coop, FIRST)
    (batch_charge,) = Transaction.objects.filter(coop=coop.coop, kind="batch_charge")
    costs = list(batch_charge.costs.order_by("pk"))
    assert [cost.allocates for cost in costs] == [milk, stand]
    # Each cost's legs move it off its cost account into the charging account, nothing more.
    for cost in costs:
        kinds = sorted(cost.legs.values_list("account__kind", flat=True))
        assert kinds == [Account.Kind.CHARGING, Account.Kind.COST]
    # One leg per member: carol takes 2 of 4 units, alice and bob 1 each; the odd cent of the
    # milk goes by largest remainder.
    members = dict(
        batch_charge.legs.filter(account__kind=Account.Kind.MEMBER).values_list(
            "account__user__username", "amount_minor"
        )
    )
    parts = {
        name: sum(selectors.member_parts(cost).get(getattr(coop, name).pk, 0) for cost in costs)
        for name in ("alice", "bob", "carol")
    }
    assert members == parts
    assert sum(members.values()) == 1001 + 1000
    assert Account.objects.get(coop=coop.coop, kind=Account.Kind.CHARGING).total_minor == 0
    assert books_check(coop=coop.coop) == []


def test_reversing_a_cost_charged_in_a_batch_gives_each_member_their_part_back(coop):  # noqa: F811
    milk = _milk(coop, "12.00")
    before = _balances(coop)
    _made(coop, FIRST)
    charged = _balances(coop)
    assert charged["carol"] == before["carol"] - Decimal("6.00")
    with _at(FIRST + timedelta(days=1)):
        corrections.reversal_post(original=milk, entered_by=coop.alice, reason="Wrong shop")
    # The milk's cost goes back to alice, who paid it, and its parts back to the members.
    after = _balances(coop)
    assert after["carol"] == before["carol"]
    assert after["bob"] == before["bob"]
    assert after["alice"] == before["alice"] - Decimal("12.00")
    allocation = milk.allocations.get(kind=Transaction.Kind.COST_ALLOCATION)
    reversal = allocation.reversed_by
    assert sorted(
        reversal.legs.filter(account__kind=Account.Kind.MEMBER).values_list(
            "account__user__username", "amount_minor"
        )
    ) == [("alice", -300), ("bob", -300), ("carol", -600)]
    assert Account.objects.get(coop=coop.coop, kind=Account.Kind.CHARGING).total_minor == 0
    assert books_check(coop=coop.coop) == []


def test_a_batch_charge_itself_is_not_reversed(coop):  # noqa: F811
    _milk(coop, "8.00")
    _made(coop, FIRST)
    batch_charge = Transaction.objects.get(coop=coop.coop, kind="batch_charge")
    with _at(FIRST + timedelta(days=1)), pytest.raises(Conflict, match="reverse the cost"):
        corrections.transaction_reverse(original=batch_charge, entered_by=coop.alice)
    assert not Transaction.objects.filter(reverses=batch_charge).exists()


def test_the_books_check_finds_money_left_in_the_charging_account(coop):  # noqa: F811
    _milk(coop, "8.00")
    _made(coop, FIRST)
    charging = Account.objects.get(coop=coop.coop, kind=Account.Kind.CHARGING)
    # As a hand at the database could: the running total moved without a leg.
    Account.objects.filter(pk=charging.pk).update(total_minor=5)
    problems = books_check(coop=coop.coop)
    assert any("charging account holds $0.05" in problem for problem in problems)


def test_the_api_shows_who_carries_what_of_a_cost_charged_in_a_batch(coop, api_client):  # noqa: F811
    milk = _milk(coop, "8.00")
    _made(coop, FIRST)
    allocation = milk.allocations.get(kind=Transaction.Kind.COST_ALLOCATION)
    with _at(FIRST + timedelta(days=1)):
        body = (
            api_client(coop.bob)
            .get(f"/api/v1/coops/{coop.coop.slug}/ledger/transactions/{allocation.pk}")
            .json()
        )
    assert body["batch_charge"] == Transaction.objects.get(kind="batch_charge").pk
    assert body["shares"] == [
        {"member": "alice", "amount": "2.00"},
        {"member": "bob", "amount": "2.00"},
        {"member": "carol", "amount": "4.00"},
    ]
    assert Leg.objects.filter(transaction=allocation).count() == 2
