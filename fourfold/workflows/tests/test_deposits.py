"""Buy-in deposits and arrears (issue #14): a rule the members pass asks each newcomer for a
refundable deposit, held apart from their balance, able to fund equipment, and returned less
what they owe when they leave; a member owing beyond the owing limit is reminded and takes no
more than their standing share until they settle."""

from datetime import timedelta
from decimal import Decimal

import pytest

from fourfold.accounts.models import User
from fourfold.consumption import services as consumption
from fourfold.coops import services as coops
from fourfold.coops.models import AuditEvent
from fourfold.errors import Conflict, Invalid, PrincipleViolation
from fourfold.insights.principles import principles_audit
from fourfold.ledger import consent, deposits, selectors, services
from fourfold.ledger.checks import books_check
from fourfold.ledger.models import Transaction
from fourfold.reminders.selectors import reminders_due
from fourfold.workflows import membership as membership_flow
from fourfold.workflows.tests.test_endings import _pass
from fourfold.workflows.tests.test_spread import FIRST, _at, _batch, coop  # noqa: F401

pytestmark = pytest.mark.django_db


def _buy_in(personas, amount: str = "50.00") -> None:
    _pass(
        personas,
        FIRST - timedelta(days=2),
        kind="rule_change",
        title="A deposit from each newcomer",
        change={"buy_in": amount},
    )
    personas.coop.refresh_from_db()


def _join(personas, name: str = "dee") -> User:
    dee = User.objects.create_user(username=name, email=f"{name}@example.org", password="x")
    with _at(FIRST - timedelta(days=1)):
        code = coops.invitation_create(coop=personas.coop, by=personas.alice).code
        membership_flow.invitation_accept(code=code, user=dee)
    return dee


def test_a_newcomer_owes_the_buy_in_and_pays_it_apart_from_their_balance(coop):  # noqa: F811
    _buy_in(coop)
    assert coop.coop.buy_in == Decimal("50.00")
    dee = _join(coop)
    before = deposits.deposit_of(coop=coop.coop, member=dee)
    assert (before.asked, before.held, before.due) == (Decimal("50.00"), 0, Decimal("50.00"))
    # The members admitted before the rule are asked nothing.
    assert deposits.deposit_of(coop=coop.coop, member=coop.alice).due == 0
    with _at(FIRST - timedelta(days=1)):
        with pytest.raises(Invalid, match=r"\$50\.00"):
            deposits.deposit_post(coop=coop.coop, member=dee, entered_by=dee, amount="60.00")
        deposits.deposit_post(coop=coop.coop, member=dee, entered_by=dee, amount="20.00")
        deposits.deposit_post(coop=coop.coop, member=dee, entered_by=dee)
        with pytest.raises(Conflict, match="owes no deposit"):
            deposits.deposit_post(coop=coop.coop, member=dee, entered_by=dee)
    assert deposits.deposit_of(coop=coop.coop, member=dee).held == Decimal("50.00")
    state = selectors.books(coop=coop.coop)
    mine = next(row for row in state.balances if row.user.username == "dee")
    assert (mine.balance, mine.deposit) == (Decimal("0.00"), Decimal("50.00"))
    assert state.pool == Decimal("50.00") and state.deposits == Decimal("50.00")
    assert state.balanced
    assert books_check(coop=coop.coop) == []


def test_another_member_entering_a_deposit_waits_for_the_depositor(coop):  # noqa: F811
    _buy_in(coop)
    dee = _join(coop)
    with _at(FIRST - timedelta(days=1)):
        entry = deposits.deposit_post(coop=coop.coop, member=dee, entered_by=coop.alice)
        assert entry.awaits_consent
        assert deposits.deposit_of(coop=coop.coop, member=dee).held == 0
        consent.entry_confirm(coop=coop.coop, transaction_id=entry.pk, member=dee)
    assert deposits.deposit_of(coop=coop.coop, member=dee).held == Decimal("50.00")


def test_a_deposit_can_fund_equipment_and_comes_back_less_what_the_leaver_owes(
    coop,  # noqa: F811
):
    _buy_in(coop)
    dee = _join(coop)
    with _at(FIRST - timedelta(days=1)):
        deposits.deposit_post(coop=coop.coop, member=dee, entered_by=dee)
        # The pool's cash, deposits included, pays for a pot.
        pot = services.expense_post(
            coop=coop.coop,
            payer=None,
            amount="10.00",
            category="equipment",
            supplier="Kitchen shop",
            entered_by=coop.alice,
        )
        consent.entry_confirm(coop=coop.coop, transaction_id=pot.pk, member=coop.bob)
        # Dee owes 12.30 of a shared cost.
        services.expense_post(
            coop=coop.coop,
            payer=coop.alice,
            amount="24.60",
            category="ingredients",
            supplier="Dairy",
            entered_by=coop.alice,
            split={coop.alice: 1, dee: 1},
        )
    assert selectors.member_balance(coop=coop.coop, member=dee) == Decimal("-12.30")
    leaving = deposits.deposit_return_of(coop=coop.coop, member=dee)
    assert (leaving.held, leaving.owed, leaving.paid_out) == (
        Decimal("50.00"),
        Decimal("12.30"),
        Decimal("37.70"),
    )
    with _at(FIRST):
        membership_flow.membership_leave(coop=coop.coop, member=dee)
    back = Transaction.objects.get(kind=Transaction.Kind.DEPOSIT_RETURN)
    # The pool pays out only with a second member's say; the leaver gave theirs by leaving.
    assert back.awaits_consent and back.payee == dee and back.entered_by == dee
    with _at(FIRST):
        with pytest.raises(Conflict, match="already on its way back"):
            deposits.deposit_return(coop=coop.coop, member=dee, entered_by=coop.bob)
        consent.entry_confirm(coop=coop.coop, transaction_id=back.pk, member=coop.bob)
    assert deposits.deposit_of(coop=coop.coop, member=dee).held == 0
    assert selectors.member_balance(coop=coop.coop, member=dee) == 0
    assert selectors.books(coop=coop.coop).pool == Decimal("50.00") - Decimal("10.00") - Decimal(
        "37.70"
    )
    assert books_check(coop=coop.coop) == []
    assert AuditEvent.objects.filter(action="ledger.deposit_return").count() == 1


def test_a_deposit_comes_back_only_to_a_member_who_left(coop):  # noqa: F811
    _buy_in(coop)
    dee = _join(coop)
    with _at(FIRST - timedelta(days=1)):
        deposits.deposit_post(coop=coop.coop, member=dee, entered_by=dee)
        with pytest.raises(Conflict, match="when its member leaves"):
            deposits.deposit_return(coop=coop.coop, member=dee, entered_by=coop.alice)


def test_a_leaver_owing_more_than_their_deposit_keeps_owing_the_rest(coop):  # noqa: F811
    _buy_in(coop, "10.00")
    dee = _join(coop)
    with _at(FIRST - timedelta(days=1)):
        deposits.deposit_post(coop=coop.coop, member=dee, entered_by=dee)
        services.expense_post(
            coop=coop.coop,
            payer=coop.alice,
            amount="30.00",
            category="ingredients",
            supplier="Dairy",
            entered_by=coop.alice,
            split={coop.alice: 1, dee: 1},
        )
        membership_flow.membership_leave(coop=coop.coop, member=dee)
    back = Transaction.objects.get(kind=Transaction.Kind.DEPOSIT_RETURN)
    # Nothing leaves the pool, so nobody else's say is needed.
    assert not back.awaits_consent
    assert selectors.member_balance(coop=coop.coop, member=dee) == Decimal("-5.00")
    assert books_check(coop=coop.coop) == []


def test_only_an_active_member_pays_a_deposit(coop):  # noqa: F811
    _buy_in(coop)
    dee = _join(coop)
    with _at(FIRST - timedelta(days=1)):
        membership_flow.membership_leave(coop=coop.coop, member=dee)
        with pytest.raises(PrincipleViolation):
            deposits.deposit_post(coop=coop.coop, member=dee, entered_by=dee)


def _owing(personas, amount: str = "40.00") -> None:
    """Bob owes half of what Alice paid."""
    with _at(FIRST - timedelta(days=2)):
        services.expense_post(
            coop=personas.coop,
            payer=personas.alice,
            amount=amount,
            category="ingredients",
            supplier="Dairy",
            entered_by=personas.alice,
            split={personas.alice: 1, personas.bob: 1},
        )


def test_a_member_beyond_the_owing_limit_takes_only_their_standing_share(coop):  # noqa: F811
    _owing(coop)
    batch = _batch(coop.coop, FIRST + timedelta(weeks=1))
    with _at(FIRST - timedelta(days=1)):
        consumption.reservation_set(batch=batch, member=coop.bob, units=3)
    _pass(
        coop,
        FIRST,
        kind="rule_change",
        title="No one owes more than 15",
        change={"owing_limit": "15.00"},
    )
    coop.coop.refresh_from_db()
    batch = _batch(coop.coop, FIRST + timedelta(weeks=1))
    owing = selectors.arrears(coop=coop.coop)
    assert owing is not None and owing.limit == Decimal("15.00")
    assert [(p.username, owed) for p, owed in owing.owing] == [("bob", Decimal("20.00"))]
    with _at(FIRST + timedelta(days=1)):
        with pytest.raises(Conflict, match=r"standing share \(1 quart\)"):
            consumption.reservation_set(batch=batch, member=coop.bob, units=2)
        # Down to the standing share, or skipping, is always open.
        consumption.reservation_set(batch=batch, member=coop.bob, units=1)
        consumption.reservation_set(batch=batch, member=coop.bob, units=0)
        # Alice, owed money, reserves as she likes.
        consumption.reservation_set(batch=batch, member=coop.alice, units=3)
        services.contribution_post(
            coop=coop.coop, payer=coop.bob, amount="10.00", entered_by=coop.bob
        )
        consumption.reservation_set(batch=batch, member=coop.bob, units=2)
    assert selectors.arrears(coop=coop.coop).owing == []


def test_arrears_put_self_funding_at_risk_by_count_and_amount_without_names(
    coop,  # noqa: F811
):
    _owing(coop)
    audit = {item.name: item for item in principles_audit(coop=coop.coop)}
    assert "limit" not in audit["self_funded"].figure
    _pass(coop, FIRST, kind="rule_change", title="A limit", change={"owing_limit": "15.00"})
    coop.coop.refresh_from_db()
    with _at(FIRST + timedelta(days=1)):
        item = {i.name: i for i in principles_audit(coop=coop.coop)}["self_funded"]
    assert item.status == "at_risk"
    assert item.figure.endswith("; 1 member owes more than the $15.00 limit, $20.00 in all")
    assert "bob" not in item.figure + item.fix


def test_a_member_beyond_the_owing_limit_is_reminded_at_once(coop):  # noqa: F811
    _owing(coop)
    with _at(FIRST + timedelta(days=1)):
        before = [r for r in reminders_due() if r.kind == "balance"]
    assert all("limit" not in r.body for r in before)
    _pass(coop, FIRST, kind="rule_change", title="A limit", change={"owing_limit": "15.00"})
    with _at(FIRST + timedelta(days=1)):
        due = [r for r in reminders_due() if r.kind == "balance"]
    assert [r.member.username for r in due] == ["bob"]
    assert "more than its limit of $15.00" in due[0].body
