"""Races on PostgreSQL: a confirm and a decline of one entry at once — one of them wins, the
other is refused, and the money moved exactly as the winner said."""

from decimal import Decimal

import pytest
from django.db import connection

from fourfold.errors import Conflict
from fourfold.ledger import consent, selectors, services
from fourfold.ledger.models import ConsentAnswer, EntryOutcome
from fourfold.testing import MembershipFactory, make_personas, race
from fourfold.workflows import money as money_flow

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("a real race needs PostgreSQL")


def test_a_confirm_and_a_decline_at_once_one_wins():
    people = make_personas()
    carol = MembershipFactory(coop=people.coop, user__username="carol").user
    services.contribution_post(
        coop=people.coop, payer=people.alice, amount="50", entered_by=people.alice
    )
    # The pool pays Bob: Bob and a second member are asked; Bob has said yes already.
    entry = services.transfer_post(
        coop=people.coop, payer=None, payee=people.bob, amount="20", entered_by=people.alice
    )
    consent.entry_confirm(coop=people.coop, transaction_id=entry.pk, member=people.bob)

    def confirm():
        return money_flow.entry_confirm(coop=people.coop, transaction_id=entry.pk, member=carol)

    def withdraw():
        return consent.entry_decline(
            coop=people.coop, transaction_id=entry.pk, member=people.alice, reason="mistake"
        )

    work = iter([confirm, withdraw] * 3)
    jobs = [next(work) for _ in range(6)]
    results = race(6, lambda: jobs.pop()())
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(refused) == 5, results
    assert not [r for r in results if isinstance(r, Exception) and not isinstance(r, Conflict)]
    outcome = EntryOutcome.objects.get(transaction=entry)
    pool = selectors.books(coop=people.coop).pool
    if outcome.outcome == EntryOutcome.Outcome.POSTED:
        assert pool == Decimal("30.00")
        assert ConsentAnswer.objects.filter(ask__transaction=entry).count() == 2
    else:
        assert outcome.outcome == EntryOutcome.Outcome.DECLINED
        assert pool == Decimal("50.00")
