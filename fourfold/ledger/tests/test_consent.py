"""Nobody moves another member's money without their say: an entry naming someone else as
paying or receiving waits for them, a payment out of the pool for a second member."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine

from fourfold.coops.activity import activity
from fourfold.coops.models import AuditEvent, Membership
from fourfold.errors import Conflict
from fourfold.ledger import checks, consent, corrections, selectors, services, statements
from fourfold.ledger.models import EntryOutcome, Transaction
from fourfold.testing import MembershipFactory
from fourfold.workflows import money as money_flow

pytestmark = pytest.mark.django_db


def balances(coop) -> dict[str, Decimal]:
    return {row.user.username: row.balance for row in selectors.member_balances(coop=coop)}


def status(entry: Transaction) -> statements.EntryStatus:
    return statements.entry_status(statements.transactions(coop=entry.coop).get(pk=entry.pk))


@pytest.fixture
def carol(personas):
    return MembershipFactory(coop=personas.coop, user__username="carol").user


def test_an_expense_paid_by_another_member_stays_out_of_every_balance_until_they_confirm(
    personas,
):
    coop, alice, bob = personas.coop, personas.alice, personas.bob
    before = balances(coop)
    entry = money_flow.expense_post(
        coop=coop,
        payer=bob,
        amount="100.00",
        category="ingredients",
        supplier="Valley Farm",
        description="milk",
        entered_by=alice,
        split={alice: 1, bob: 1},
    )
    assert status(entry) == statements.EntryStatus("pending", ["bob"], lapses_at=entry.lapses_at)
    assert entry.lapses_at == entry.entered_at + timedelta(days=14)
    assert balances(coop) == before
    assert selectors.books(coop=coop).unallocated == 0
    # Alice cannot confirm for Bob; Bob can.
    with pytest.raises(Conflict, match="does not wait for your confirmation"):
        consent.entry_confirm(coop=coop, transaction_id=entry.pk, member=alice)
    money_flow.entry_confirm(coop=coop, transaction_id=entry.pk, member=bob)
    assert status(entry).status == "posted"
    assert balances(coop) == {"alice": Decimal("-50.00"), "bob": Decimal("50.00")}
    actions = list(
        AuditEvent.objects.filter(coop=coop).order_by("pk").values_list("action", "actor")
    )
    assert actions[-4:] == [
        ("ledger.expense", alice.pk),
        ("ledger.cost_allocation", alice.pk),
        ("ledger.confirmed", bob.pk),
        ("ledger.posted", bob.pk),
    ]


def test_a_declined_entry_moves_nothing_for_good(personas):
    coop, alice, bob = personas.coop, personas.alice, personas.bob
    entry = services.transfer_post(coop=coop, payer=alice, payee=bob, amount="12", entered_by=alice)
    assert status(entry).awaiting == ["bob"]
    consent.entry_decline(coop=coop, transaction_id=entry.pk, member=bob, reason="I never got it")
    assert status(entry).status == "declined"
    assert "I never got it" in status(entry).reason
    assert balances(coop) == {"alice": Decimal("0.00"), "bob": Decimal("0.00")}
    with pytest.raises(Conflict, match="already declined"):
        consent.entry_confirm(coop=coop, transaction_id=entry.pk, member=bob)
    with pytest.raises(Conflict, match="declined; it moved no money"):
        corrections.transaction_reverse(original=entry, entered_by=alice)


def test_whoever_entered_it_may_withdraw_it(personas):
    coop, alice, bob = personas.coop, personas.alice, personas.bob
    entry = services.contribution_post(coop=coop, payer=bob, amount="5", entered_by=alice)
    assert status(entry).awaiting == ["bob"]
    consent.entry_decline(coop=coop, transaction_id=entry.pk, member=alice, reason="typo")
    assert status(entry).status == "declined"
    assert selectors.books(coop=coop).pool == 0


def test_an_entry_nobody_confirms_lapses_and_posts_nothing(personas):
    coop, alice, bob = personas.coop, personas.alice, personas.bob
    entry = services.transfer_post(coop=coop, payer=bob, payee=alice, amount="9", entered_by=alice)
    assert entry.awaits_consent
    assert consent.entries_lapse() == 0
    with time_machine.travel(entry.lapses_at + timedelta(minutes=1)):
        with pytest.raises(Conflict, match="lapsed"):
            consent.entry_confirm(coop=coop, transaction_id=entry.pk, member=bob)
        assert consent.entries_lapse() == 1
        assert consent.entries_lapse() == 0
    outcome = EntryOutcome.objects.get(transaction=entry)
    assert outcome.outcome == EntryOutcome.Outcome.LAPSED
    assert status(entry).status == "declined"
    assert "lapsed" in status(entry).reason
    assert balances(coop) == {"alice": Decimal("0.00"), "bob": Decimal("0.00")}


def test_the_co_op_sets_how_long_an_entry_may_wait(personas):
    coop = personas.coop
    coop.consent_days = 3
    coop.save()
    entry = services.transfer_post(
        coop=coop, payer=personas.bob, payee=personas.alice, amount="1", entered_by=personas.alice
    )
    assert entry.lapses_at - entry.entered_at == timedelta(days=3)


def test_a_payment_out_of_the_pool_needs_a_second_active_member(personas, carol):
    coop, alice, bob = personas.coop, personas.alice, personas.bob
    services.contribution_post(coop=coop, payer=alice, amount="40", entered_by=alice)
    entry = services.transfer_post(coop=coop, payer=None, payee=bob, amount="10", entered_by=alice)
    assert status(entry).awaiting == [statements.POOL_SECOND, "bob"]
    assert selectors.books(coop=coop).pool == Decimal("40.00")
    # Whoever entered it is not the second pair of eyes, nor is Bob, who it pays.
    with pytest.raises(Conflict, match="does not wait"):
        consent.entry_confirm(coop=coop, transaction_id=entry.pk, member=alice)
    consent.entry_confirm(coop=coop, transaction_id=entry.pk, member=bob)
    assert status(entry).awaiting == [statements.POOL_SECOND]
    with pytest.raises(Conflict, match="does not wait"):
        consent.entry_confirm(coop=coop, transaction_id=entry.pk, member=bob)
    Membership.objects.filter(coop=coop, user=carol).update(status=Membership.Status.PAUSED)
    with pytest.raises(Conflict, match="Only an active member"):
        consent.entry_confirm(coop=coop, transaction_id=entry.pk, member=carol)
    Membership.objects.filter(coop=coop, user=carol).update(status=Membership.Status.ACTIVE)
    consent.entry_confirm(coop=coop, transaction_id=entry.pk, member=carol)
    assert status(entry).status == "posted"
    assert selectors.books(coop=coop).pool == Decimal("30.00")


def test_the_pool_pays_on_confirmation_only_what_it_holds_then(personas, carol):
    coop, alice, bob = personas.coop, personas.alice, personas.bob
    services.contribution_post(coop=coop, payer=alice, amount="20", entered_by=alice)
    first = money_flow.expense_post(
        coop=coop, payer=None, amount="15", category="equipment", entered_by=alice
    )
    second = money_flow.expense_post(
        coop=coop, payer=None, amount="15", category="equipment", entered_by=bob
    )
    money_flow.entry_confirm(coop=coop, transaction_id=first.pk, member=carol)
    with pytest.raises(Conflict, match="pool holds"):
        money_flow.entry_confirm(coop=coop, transaction_id=second.pk, member=carol)
    assert status(second).status == "pending"
    assert selectors.books(coop=coop).pool == Decimal("5.00")


def test_your_own_money_split_by_the_rules_posts_at_once(personas):
    coop, alice, bob = personas.coop, personas.alice, personas.bob
    entry = money_flow.expense_post(
        coop=coop,
        payer=alice,
        amount="10",
        category="supplies",
        entered_by=alice,
        split={alice: 1, bob: 1},
    )
    assert status(entry).status == "posted"
    assert balances(coop) == {"alice": Decimal("5.00"), "bob": Decimal("-5.00")}


def test_what_waits_for_a_member_is_theirs_to_answer(personas, carol):
    coop, alice, bob = personas.coop, personas.alice, personas.bob
    services.contribution_post(coop=coop, payer=alice, amount="40", entered_by=alice)
    for_bob = services.transfer_post(
        coop=coop, payer=alice, payee=bob, amount="3", entered_by=alice
    )
    from_pool = services.transfer_post(
        coop=coop, payer=None, payee=alice, amount="4", entered_by=alice
    )
    assert [e.pk for e in statements.waiting_for(coop=coop, member=bob)] == [
        for_bob.pk,
        from_pool.pk,
    ]
    assert [e.pk for e in statements.waiting_for(coop=coop, member=carol)] == [from_pool.pk]
    assert statements.waiting_for(coop=coop, member=alice) == []


def test_reversing_someone_elses_entry_waits_for_them_and_a_no_leaves_it(personas):
    coop, alice, bob = personas.coop, personas.alice, personas.bob
    milk = money_flow.expense_post(
        coop=coop,
        payer=alice,
        amount="100",
        category="ingredients",
        entered_by=alice,
        split={alice: 1, bob: 1},
    )
    charged = balances(coop)
    request = corrections.transaction_reverse(original=milk, entered_by=bob, reason="not milk")
    assert request.kind == Transaction.Kind.REVERSAL_REQUEST
    assert status(request).awaiting == ["alice"]
    assert balances(coop) == charged
    with pytest.raises(Conflict, match="already waits"):
        corrections.transaction_reverse(original=milk, entered_by=bob)
    consent.entry_decline(coop=coop, transaction_id=request.pk, member=alice, reason="it was")
    assert balances(coop) == charged
    assert not Transaction.objects.filter(reverses=milk).exists()
    # Asked again, and agreed to this time: the reversal posts, entered by who asked.
    again = corrections.transaction_reverse(original=milk, entered_by=bob)
    consent.entry_confirm(coop=coop, transaction_id=again.pk, member=alice)
    reversal = Transaction.objects.get(reverses=milk)
    assert reversal.entered_by == bob
    assert EntryOutcome.objects.get(transaction=again).posted == reversal
    assert balances(coop) == {"alice": Decimal("0.00"), "bob": Decimal("0.00")}


def test_reversing_your_own_entry_that_names_nobody_else_posts_at_once(personas):
    coop, alice = personas.coop, personas.alice
    entry = services.contribution_post(coop=coop, payer=alice, amount="7", entered_by=alice)
    reversal = corrections.transaction_reverse(original=entry, entered_by=alice)
    assert reversal.kind == Transaction.Kind.REVERSAL
    assert selectors.books(coop=coop).pool == 0


def test_an_entry_waiting_for_consent_is_declined_not_reversed(personas):
    coop, alice, bob = personas.coop, personas.alice, personas.bob
    entry = services.transfer_post(coop=coop, payer=bob, payee=alice, amount="2", entered_by=alice)
    with pytest.raises(Conflict, match="waits for bob"):
        corrections.transaction_reverse(original=entry, entered_by=alice)


def test_the_books_check_passes_with_entries_waiting_declined_and_confirmed(personas, carol):
    coop, alice, bob = personas.coop, personas.alice, personas.bob
    services.contribution_post(coop=coop, payer=alice, amount="40", entered_by=alice)
    services.transfer_post(coop=coop, payer=alice, payee=bob, amount="3", entered_by=alice)
    declined = services.transfer_post(
        coop=coop, payer=alice, payee=carol, amount="3", entered_by=alice
    )
    consent.entry_decline(coop=coop, transaction_id=declined.pk, member=carol)
    confirmed = money_flow.expense_post(
        coop=coop, payer=None, amount="5", category="supplies", entered_by=bob, split={bob: 1}
    )
    money_flow.entry_confirm(coop=coop, transaction_id=confirmed.pk, member=carol)
    assert checks.books_check(coop=coop) == []


def test_the_activity_says_whose_say_an_entry_waits_for(personas):
    coop, alice, bob = personas.coop, personas.alice, personas.bob
    services.contribution_post(coop=coop, payer=bob, amount="5", entered_by=bob)
    services.transfer_post(coop=coop, payer=bob, payee=alice, amount="9", entered_by=alice)
    services.transfer_post(coop=coop, payer=None, payee=alice, amount="1", entered_by=alice)
    summaries = [row.summary for row in activity(coop=coop, kind="ledger")]
    assert summaries[:2] == [
        "alice recorded a transfer of $1.00, waiting for a second member",
        "alice recorded a transfer of $9.00, waiting for bob",
    ]
