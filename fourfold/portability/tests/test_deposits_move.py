"""A co-op's buy-in rule, owing limit, deposits and a deposit returned survive the round trip."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from fourfold.coops.models import Membership
from fourfold.ledger import consent, deposits, selectors
from fourfold.ledger.checks import books_check
from fourfold.ledger.models import Transaction
from fourfold.portability.export import export_coop
from fourfold.portability.tests.test_consent_and_history import renamed
from fourfold.testing import MembershipFactory
from fourfold.workflows import membership as membership_flow
from fourfold.workflows.portability import import_coop

pytestmark = pytest.mark.django_db

AT = datetime(2031, 5, 14, 10, tzinfo=ZoneInfo("America/New_York"))


def test_deposits_and_the_rules_that_ask_them_move_with_the_coop(personas):
    coop = personas.coop
    coop.buy_in, coop.owing_limit = Decimal("50.00"), Decimal("15.00")
    coop.save(update_fields=["buy_in", "owing_limit"])
    carol = MembershipFactory.create(coop=coop, user__username="carol").user
    Membership.objects.filter(coop=coop, user__in=[personas.bob, carol]).update(buy_in_minor=5000)
    with time_machine.travel(AT, tick=False):
        deposits.deposit_post(coop=coop, member=personas.bob, entered_by=personas.bob)
        deposits.deposit_post(coop=coop, member=carol, entered_by=carol, amount="20.00")
        membership_flow.membership_leave(coop=coop, member=personas.bob)
        back = Transaction.objects.get(kind=Transaction.Kind.DEPOSIT_RETURN)
        # Declined by the pool's second member: Bob's deposit stays held until returned.
        consent.entry_decline(coop=coop, transaction_id=back.pk, member=personas.alice)
    exported = export_coop(coop=coop)
    copy_ = import_coop(exported, slug="home-copy")
    assert export_coop(coop=copy_) == renamed(exported, "home-copy")
    assert (copy_.buy_in, copy_.owing_limit) == (Decimal("50.00"), Decimal("15.00"))
    assert Membership.objects.get(coop=copy_, user=carol).buy_in_minor == 5000

    def held(of):
        return {row.user.username: row.deposit for row in selectors.member_balances(coop=of)}

    assert (
        held(copy_)
        == held(coop)
        == {
            "alice": Decimal("0.00"),
            "bob": Decimal("50.00"),
            "carol": Decimal("20.00"),
        }
    )
    assert deposits.deposit_of(coop=copy_, member=carol).due == Decimal("30.00")
    assert selectors.books(coop=copy_).deposits == Decimal("70.00")
    assert books_check(coop=copy_) == []
