"""On the ledger page: a member's deposit with the form to pay it, deposits apart from the
balances, and who owes beyond the owing limit; on the leave page, what the deposit returns."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from fourfold.coops.models import Membership
from fourfold.ledger import deposits, services

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
AT = datetime(2031, 5, 14, 10, tzinfo=NEW_YORK)
LEDGER = "/c/home/ledger/"


def _asked(personas, amount: str = "50.00") -> None:
    """Bob joined under a buy-in rule (the rule's own passing is tested in the workflows)."""
    personas.coop.buy_in = Decimal(amount)
    personas.coop.save(update_fields=["buy_in"])
    Membership.objects.filter(coop=personas.coop, user=personas.bob).update(
        buy_in_minor=personas.coop.buy_in_minor
    )


def test_a_member_sees_their_deposit_due_and_pays_it_from_the_ledger(client, personas):
    _asked(personas)
    with time_machine.travel(AT, tick=False):
        client.force_login(personas.bob)
        page = client.get(LEDGER).content.decode()
        assert page.count("<h1") == 1
        assert "Your deposit" in page and "$50.00 is still due." in page
        # Alice was asked nothing: no deposit section for her.
        client.force_login(personas.alice)
        assert "Your deposit" not in client.get(LEDGER).content.decode()
        client.force_login(personas.bob)
        refused = client.post("/c/home/ledger/deposit/", {"amount": "70"}, follow=True)
        assert "money beyond it is a pay-in" in refused.content.decode()
        paid = client.post("/c/home/ledger/deposit/", {"amount": "50.00"}, follow=True)
        text = paid.content.decode()
    assert "Your deposit of $50.00 is recorded" in text
    assert "is still due" not in text
    assert "Members' deposits, held in the pool" in text
    assert "balances and deposits add up" in text
    assert deposits.deposit_of(coop=personas.coop, member=personas.bob).held == 50


def test_the_leave_page_says_what_the_deposit_returns(client, personas):
    _asked(personas)
    with time_machine.travel(AT, tick=False):
        deposits.deposit_post(coop=personas.coop, member=personas.bob, entered_by=personas.bob)
        services.expense_post(
            coop=personas.coop,
            payer=personas.alice,
            amount="24.60",
            category="ingredients",
            supplier="Dairy",
            entered_by=personas.alice,
            split={personas.alice: 1, personas.bob: 1},
        )
        client.force_login(personas.bob)
        page = client.get("/c/home/shares/membership/leave/").content.decode()
    assert "your deposit of $50.00 comes back to you less the $12.30 you owe: $37.70" in page


def test_members_see_who_owes_beyond_the_limit(client, personas):
    personas.coop.owing_limit = Decimal("15.00")
    personas.coop.save(update_fields=["owing_limit"])
    with time_machine.travel(AT, tick=False):
        services.expense_post(
            coop=personas.coop,
            payer=personas.alice,
            amount="40.00",
            category="ingredients",
            supplier="Dairy",
            entered_by=personas.alice,
            split={personas.alice: 1, personas.bob: 1},
        )
        client.force_login(personas.alice)
        theirs = client.get(LEDGER).content.decode()
        client.force_login(personas.bob)
        mine = client.get(LEDGER).content.decode()
    assert "Owing more than the $15.00 limit" in theirs and "bob owes $20.00" in theirs
    assert "You owe $20.00" in mine
