"""Races on PostgreSQL: double votes leave one vote (the unique constraint decides); expenses
drawing on one spending approval never spend more than it approved (its row lock decides)."""

from decimal import Decimal

import pytest
from django.db import connection

from fourfold.errors import PrincipleViolation
from fourfold.governance.models import Vote
from fourfold.ledger.models import Transaction
from fourfold.testing import MembershipFactory, make_personas, race
from fourfold.workflows import decisions as decisions_flow
from fourfold.workflows import money as money_flow

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("a real race needs PostgreSQL")


def test_concurrent_double_votes_leave_one_vote():
    people = make_personas()
    for _ in range(3):
        MembershipFactory(coop=people.coop)
    proposal = decisions_flow.proposal_open(
        coop=people.coop, by=people.alice, kind="general", title="Race"
    )
    positions = iter(["agree", "disagree"] * 5)
    chosen = [next(positions) for _ in range(10)]

    def vote():
        return decisions_flow.vote_cast(
            proposal=proposal, member=people.bob, position=chosen.pop()
        ).position

    results = race(10, vote)
    assert all(isinstance(r, str) for r in results), results
    assert Vote.objects.filter(proposal=proposal, member=people.bob).count() == 1


def test_concurrent_expenses_never_spend_more_than_the_approval():
    people = make_personas()
    people.coop.spending_limit = Decimal("100")
    people.coop.save()
    approval = decisions_flow.proposal_open(
        coop=people.coop, by=people.alice, kind="spending", title="Jars", amount="500"
    )
    for member in (people.alice, people.bob):
        decisions_flow.vote_cast(proposal=approval, member=member, position="agree")

    def spend():
        return money_flow.expense_post(
            coop=people.coop,
            payer=people.alice,
            amount="120",
            category="supplies",
            entered_by=people.alice,
            split={people.bob: 1},
            proposal=approval.pk,
        )

    results = race(10, spend)
    posted = [r for r in results if isinstance(r, Transaction)]
    assert len(posted) == 4, results
    assert all(isinstance(r, PrincipleViolation) for r in results if r not in posted)
