"""Self-funded and no paid staff: refused with the principle named, and nothing written."""

import pytest

from fourfold.coops.models import AuditEvent, Membership
from fourfold.errors import Invalid, PrincipleViolation
from fourfold.ledger import services
from fourfold.ledger.models import Leg, Transaction
from fourfold.testing import UserFactory
from fourfold.workflows import money as money_flow

pytestmark = pytest.mark.django_db


@pytest.fixture
def nothing_written():
    before = (Transaction.objects.count(), Leg.objects.count(), AuditEvent.objects.count())
    yield
    assert (Transaction.objects.count(), Leg.objects.count(), AuditEvent.objects.count()) == before


def test_a_contribution_from_a_non_member_is_refused(personas, nothing_written):
    with pytest.raises(PrincipleViolation) as refused:
        services.contribution_post(
            coop=personas.coop, payer=personas.outsider, amount="20", entered_by=personas.alice
        )
    assert refused.value.principle == "self_funded"
    assert "self-funded" in refused.value.detail


def test_a_contribution_from_someone_who_left_is_refused(personas, nothing_written):
    Membership.objects.filter(user=personas.bob).update(status=Membership.Status.LEFT)
    with pytest.raises(PrincipleViolation) as refused:
        services.contribution_post(
            coop=personas.coop, payer=personas.bob, amount="20", entered_by=personas.alice
        )
    assert refused.value.principle == "self_funded"


@pytest.mark.parametrize(
    "words",
    [
        "donation from the mayor",
        "City grant",
        "Sponsorship",
        "bake sale fundraising",
        "crowdfunding payout",
    ],
)
def test_outside_money_is_refused_whatever_it_is_called(personas, nothing_written, words):
    with pytest.raises(PrincipleViolation) as refused:
        services.contribution_post(
            coop=personas.coop,
            payer=personas.alice,
            amount="20",
            entered_by=personas.alice,
            description=words,
        )
    assert refused.value.principle == "self_funded"


@pytest.mark.parametrize("source", ["donation", "grant", "sponsorship", "fundraising"])
def test_a_contribution_marked_as_outside_money_is_refused(personas, nothing_written, source):
    with pytest.raises(PrincipleViolation):
        services.contribution_post(
            coop=personas.coop,
            payer=personas.alice,
            amount="20",
            entered_by=personas.alice,
            source=source,
        )


@pytest.mark.parametrize("category", ["wages", "salary", "labour", "fees", "stipend"])
def test_a_labour_category_is_refused_as_no_paid_staff(personas, nothing_written, category):
    with pytest.raises(PrincipleViolation) as refused:
        money_flow.expense_post(
            coop=personas.coop,
            payer=personas.alice,
            amount="50",
            category=category,
            entered_by=personas.alice,
        )
    assert refused.value.principle == "no_paid_staff"
    assert "no paid staff" in refused.value.detail


@pytest.mark.parametrize(
    "description", ["wages for Sunday", "Bob's salary", "fee for work", "paying the cleaner"]
)
def test_an_expense_that_pays_for_labour_is_refused(personas, nothing_written, description):
    with pytest.raises(PrincipleViolation) as refused:
        money_flow.expense_post(
            coop=personas.coop,
            payer=None,
            amount="50",
            category="other",
            entered_by=personas.alice,
            description=description,
        )
    assert refused.value.principle == "no_paid_staff"


def test_splitting_a_cost_with_a_non_member_is_refused(personas, nothing_written):
    with pytest.raises(PrincipleViolation) as refused:
        money_flow.expense_post(
            coop=personas.coop,
            payer=personas.alice,
            amount="9",
            category="ingredients",
            entered_by=personas.alice,
            split={personas.alice: 1, personas.outsider: 1},
        )
    assert refused.value.principle == "members_only"


def test_an_expense_paid_by_a_non_member_is_refused(personas, nothing_written):
    with pytest.raises(PrincipleViolation):
        money_flow.expense_post(
            coop=personas.coop,
            payer=UserFactory(),
            amount="9",
            category="ingredients",
            entered_by=personas.alice,
        )


@pytest.mark.parametrize("amount", ["0", "-5", "1.001", "abc", "NaN", "Infinity", 1.5])
def test_bad_amounts_are_refused(personas, nothing_written, amount):
    with pytest.raises(Invalid) as refused:
        services.contribution_post(
            coop=personas.coop, payer=personas.alice, amount=amount, entered_by=personas.alice
        )
    assert refused.value.field == "amount"


def test_an_unknown_category_is_invalid_not_a_principle(personas, nothing_written):
    with pytest.raises(Invalid) as refused:
        money_flow.expense_post(
            coop=personas.coop,
            payer=personas.alice,
            amount="5",
            category="snacks",
            entered_by=personas.alice,
        )
    assert refused.value.field == "category"


def test_milk_from_a_farm_is_an_ordinary_expense(personas):
    expense = money_flow.expense_post(
        coop=personas.coop,
        payer=personas.alice,
        amount="38.40",
        category="ingredients",
        supplier="Farmer's market",
        description="24 quarts of milk",
        entered_by=personas.alice,
    )
    assert expense.amount_minor == 3840
