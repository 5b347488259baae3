from decimal import Decimal

import pytest

from fourfold.errors import Conflict
from fourfold.ledger import corrections, selectors, services
from fourfold.ledger.models import AppendOnlyError, Leg, Transaction
from fourfold.workflows import money as money_flow

pytestmark = pytest.mark.django_db


def balances(coop):
    state = selectors.books(coop=coop)
    return (
        {row.user.username: row.balance for row in state.balances},
        state.pool,
        state.unallocated,
    )


def test_reversing_an_expense_restores_every_balance_and_its_allocation(personas):
    before = balances(personas.coop)
    expense = money_flow.expense_post(
        coop=personas.coop,
        payer=personas.alice,
        amount="10.00",
        category="supplies",
        entered_by=personas.alice,
        split={personas.alice: 1, personas.bob: 1},
    )
    charged = balances(personas.coop)
    assert charged != before
    # Alice's entry: Bob's reversal is a request that waits for her, and moves nothing yet.
    request = corrections.transaction_reverse(original=expense, entered_by=personas.bob)
    assert request.kind == Transaction.Kind.REVERSAL_REQUEST
    assert request.reversal_of == expense
    assert balances(personas.coop) == charged
    money_flow.entry_confirm(coop=personas.coop, transaction_id=request.pk, member=personas.alice)
    reversal = Transaction.objects.get(reverses=expense)
    assert reversal.entered_by == personas.bob
    assert balances(personas.coop) == before
    allocation = expense.allocations.get()
    assert allocation.reversed_by.kind == Transaction.Kind.REVERSAL


def test_reversing_twice_is_refused(personas):
    contribution = services.contribution_post(
        coop=personas.coop, payer=personas.alice, amount="5", entered_by=personas.alice
    )
    corrections.transaction_reverse(original=contribution, entered_by=personas.alice)
    with pytest.raises(Conflict, match="already reversed"):
        corrections.transaction_reverse(original=contribution, entered_by=personas.alice)


def test_a_reversal_cannot_itself_be_reversed(personas):
    contribution = services.contribution_post(
        coop=personas.coop, payer=personas.alice, amount="5", entered_by=personas.alice
    )
    reversal = corrections.transaction_reverse(original=contribution, entered_by=personas.alice)
    with pytest.raises(Conflict):
        corrections.transaction_reverse(original=reversal, entered_by=personas.alice)


def test_posted_legs_and_transactions_cannot_be_edited_or_deleted(personas):
    contribution = services.contribution_post(
        coop=personas.coop, payer=personas.alice, amount="5", entered_by=personas.alice
    )
    leg = contribution.legs.first()
    leg.amount_minor = 1
    with pytest.raises(AppendOnlyError):
        leg.save()
    with pytest.raises(AppendOnlyError):
        leg.delete()
    with pytest.raises(AppendOnlyError):
        Leg.objects.filter(pk=leg.pk).update(amount_minor=1)
    with pytest.raises(AppendOnlyError):
        Transaction.objects.all().delete()
    contribution.description = "changed"
    with pytest.raises(AppendOnlyError):
        contribution.save()


@pytest.mark.postgres
def test_postgresql_itself_refuses_to_change_a_leg(personas):
    from django.db import DatabaseError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    contribution = services.contribution_post(
        coop=personas.coop, payer=personas.alice, amount="5", entered_by=personas.alice
    )
    leg = contribution.legs.first()
    for statement in (
        "UPDATE ledger_leg SET amount_minor = 1 WHERE id = %s",
        "DELETE FROM ledger_leg WHERE id = %s",
        "UPDATE ledger_transaction SET description = 'x' WHERE id = %s",
    ):
        target = contribution.pk if "transaction" in statement else leg.pk
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [target])


def test_every_transaction_records_who_entered_it(personas):
    expense = money_flow.expense_post(
        coop=personas.coop,
        payer=personas.alice,
        amount="3",
        category="supplies",
        entered_by=personas.bob,
    )
    assert expense.entered_by == personas.bob
    assert expense.entered_at is not None
    assert personas.coop.audit_events.filter(action="ledger.expense", actor=personas.bob).exists()


def test_the_pool_pays_an_expense(personas):
    services.contribution_post(
        coop=personas.coop, payer=personas.alice, amount="30", entered_by=personas.alice
    )
    from_the_pool = money_flow.expense_post(
        coop=personas.coop, payer=None, amount="12.5", category="equipment", entered_by=personas.bob
    )
    money_flow.entry_confirm(
        coop=personas.coop, transaction_id=from_the_pool.pk, member=personas.alice
    )
    _members, pool, unallocated = balances(personas.coop)
    assert (pool, unallocated) == (Decimal("17.50"), Decimal("12.50"))
