from decimal import Decimal

import pytest

from fourfold.errors import Conflict
from fourfold.ledger import corrections, entries, selectors, services, statements
from fourfold.testing import MembershipFactory
from fourfold.workflows import money as money_flow

pytestmark = pytest.mark.django_db


def member_balances(coop):
    return {row.user.username: row.balance for row in selectors.member_balances(coop=coop)}


def test_the_plan_brings_everyone_to_zero_and_recording_it_posts_the_transfers(personas):
    carol = MembershipFactory(coop=personas.coop, user__username="carol").user
    everyone = {personas.alice: 1, personas.bob: 1, carol: 1}
    money_flow.expense_post(
        coop=personas.coop,
        payer=personas.alice,
        amount="45.00",
        category="ingredients",
        entered_by=personas.alice,
        split=everyone,
    )
    money_flow.expense_post(
        coop=personas.coop,
        payer=personas.bob,
        amount="10.00",
        category="supplies",
        entered_by=personas.bob,
        split=everyone,
    )
    plan = selectors.settlement_plan(coop=personas.coop)
    assert len(plan.transfers) == 2
    assert all(step.payee.username == "alice" for step in plan.transfers)
    # Each records only what they pay; it moves money once Alice confirms it reached her.
    with pytest.raises(Conflict, match="You pay nobody"):
        corrections.settlement_record(coop=personas.coop, entered_by=personas.alice)
    paid = [
        *corrections.settlement_record(coop=personas.coop, entered_by=carol),
        *corrections.settlement_record(coop=personas.coop, entered_by=personas.bob),
    ]
    assert [(t.payer.username, t.payee.username) for t in paid] == [
        ("carol", "alice"),
        ("bob", "alice"),
    ]
    with pytest.raises(Conflict, match="still wait"):
        corrections.settlement_record(coop=personas.coop, entered_by=carol)
    assert set(member_balances(personas.coop).values()) != {Decimal("0.00")}
    for payment in paid:
        money_flow.entry_confirm(
            coop=personas.coop, transaction_id=payment.pk, member=personas.alice
        )
    assert set(member_balances(personas.coop).values()) == {Decimal("0.00")}
    with pytest.raises(Conflict, match="nothing to settle"):
        corrections.settlement_record(coop=personas.coop, entered_by=carol)


def test_money_in_the_pool_is_paid_back_as_part_of_the_plan(personas):
    services.contribution_post(
        coop=personas.coop, payer=personas.alice, amount="20", entered_by=personas.alice
    )
    plan = selectors.settlement_plan(coop=personas.coop)
    [step] = plan.transfers
    assert (step.payer, step.payee.pk, step.amount) == (None, personas.alice.pk, Decimal("20.00"))
    # Alice records what the pool pays her; a second member confirms it.
    [payment] = corrections.settlement_record(coop=personas.coop, entered_by=personas.alice)
    assert selectors.books(coop=personas.coop).pool == Decimal("20.00")
    money_flow.entry_confirm(coop=personas.coop, transaction_id=payment.pk, member=personas.bob)
    state = selectors.books(coop=personas.coop)
    assert state.pool == 0
    assert member_balances(personas.coop)["alice"] == 0


def test_unallocated_costs_block_settling_up_with_a_reason(personas):
    money_flow.expense_post(
        coop=personas.coop,
        payer=personas.alice,
        amount="8",
        category="equipment",
        entered_by=personas.alice,
    )
    plan = selectors.settlement_plan(coop=personas.coop)
    assert plan.transfers == []
    assert plan.unallocated == Decimal("8.00")
    with pytest.raises(Conflict, match="not allocated"):
        corrections.settlement_record(coop=personas.coop, entered_by=personas.alice)


def test_a_statement_shows_the_running_balance_newest_first(personas):
    services.contribution_post(
        coop=personas.coop, payer=personas.alice, amount="20", entered_by=personas.alice
    )
    money_flow.expense_post(
        coop=personas.coop,
        payer=personas.bob,
        amount="10",
        category="supplies",
        entered_by=personas.bob,
        split={personas.alice: 1, personas.bob: 1},
    )
    to_bob = services.transfer_post(
        coop=personas.coop,
        payer=personas.alice,
        payee=personas.bob,
        amount="1.25",
        entered_by=personas.alice,
    )
    money_flow.entry_confirm(coop=personas.coop, transaction_id=to_bob.pk, member=personas.bob)
    rows = list(statements.statement(coop=personas.coop, member=personas.alice))
    assert [row.transaction.kind for row in rows] == ["transfer", "cost_allocation", "contribution"]
    assert [-row.running_total for row in rows] == [1625, 1500, 2000]


@pytest.mark.parametrize("members", [3, 40])
def test_all_balances_and_the_pool_take_one_query_whatever_the_size(
    personas, members, django_assert_num_queries
):
    people = [MembershipFactory(coop=personas.coop).user for _ in range(members)]
    money_flow.expense_post(
        coop=personas.coop,
        payer=personas.alice,
        amount="100",
        category="ingredients",
        entered_by=personas.alice,
        split=dict.fromkeys(people, 1),
    )
    with django_assert_num_queries(1):
        state = selectors.books(coop=personas.coop)
    assert state.balanced and state.members_total == state.pool + state.unallocated


def test_the_same_idempotency_key_posts_once(personas):
    def post():
        return services.contribution_post(
            coop=personas.coop, payer=personas.alice, amount="5", entered_by=personas.alice
        )

    first, created = entries.idempotent(coop=personas.coop, key="k1", payload={"a": 1}, post=post)
    again, created_again = entries.idempotent(
        coop=personas.coop, key="k1", payload={"a": 1}, post=post
    )
    assert (created, created_again) == (True, False)
    assert first == again
    assert personas.coop.transactions.count() == 1
    with pytest.raises(Conflict, match="different request"):
        entries.idempotent(coop=personas.coop, key="k1", payload={"a": 2}, post=post)


def test_recording_a_plan_that_changed_meanwhile_is_refused(personas):
    services.contribution_post(
        coop=personas.coop, payer=personas.alice, amount="20", entered_by=personas.alice
    )
    seen = selectors.settlement_plan(coop=personas.coop).fingerprint
    services.contribution_post(
        coop=personas.coop, payer=personas.bob, amount="5", entered_by=personas.bob
    )
    with pytest.raises(Conflict, match="changed"):
        corrections.settlement_record(coop=personas.coop, entered_by=personas.alice, expected=seen)
    current = selectors.settlement_plan(coop=personas.coop).fingerprint
    assert (
        len(
            corrections.settlement_record(
                coop=personas.coop, entered_by=personas.alice, expected=current
            )
        )
        == 1
    )


def test_the_pool_never_pays_more_than_it_holds(personas):
    services.contribution_post(
        coop=personas.coop, payer=personas.alice, amount="20", entered_by=personas.alice
    )
    with pytest.raises(Conflict, match=r"The pool holds \$20\.00, less than \$20\.01"):
        money_flow.expense_post(
            coop=personas.coop,
            payer=None,
            amount="20.01",
            category="equipment",
            entered_by=personas.alice,
        )
    with pytest.raises(Conflict, match="pool holds"):
        services.transfer_post(
            coop=personas.coop,
            payer=None,
            payee=personas.bob,
            amount="21",
            entered_by=personas.alice,
        )
    from_the_pool = money_flow.expense_post(
        coop=personas.coop,
        payer=None,
        amount="20.00",
        category="equipment",
        entered_by=personas.alice,
    )
    money_flow.entry_confirm(
        coop=personas.coop, transaction_id=from_the_pool.pk, member=personas.bob
    )
    assert selectors.books(coop=personas.coop).pool == 0


def test_one_members_balance_is_read_from_their_account_alone(personas, django_assert_num_queries):
    coop = personas.coop
    money_flow.expense_post(
        coop=coop,
        payer=personas.alice,
        amount="9.00",
        category="ingredients",
        supplier="Valley Farm",
        description="milk",
        entered_by=personas.alice,
        split={personas.alice: 1, personas.bob: 1},
    )
    everyone = {row.user.pk: row.balance for row in selectors.member_balances(coop=coop)}
    with django_assert_num_queries(1):
        alice = selectors.member_balance(coop=coop, member=personas.alice)
    assert alice == everyone[personas.alice.pk] == Decimal("4.50")
    assert selectors.member_balance(coop=coop, member=personas.bob) == Decimal("-4.50")
    assert selectors.member_balance(coop=coop, member=personas.outsider) == Decimal(0)
