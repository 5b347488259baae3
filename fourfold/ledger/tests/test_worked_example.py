"""DESIGN.md's worked example, to the cent."""

from decimal import Decimal

import pytest

from fourfold.ledger import selectors, services
from fourfold.testing import CoopFactory, MembershipFactory, consented
from fourfold.workflows import money as money_flow

pytestmark = pytest.mark.django_db


def balances(coop) -> dict[str, Decimal]:
    return {row.user.username: row.balance for row in selectors.member_balances(coop=coop)}


def test_dee_eli_and_flo_share_cultures_and_jars_then_flo_pays_dee():
    coop = CoopFactory()
    dee, eli, flo = (
        MembershipFactory(coop=coop, user__username=name).user for name in ("dee", "eli", "flo")
    )
    everyone = {dee: 1, eli: 1, flo: 1}
    money_flow.expense_post(
        coop=coop,
        payer=dee,
        amount="45.00",
        category="ingredients",
        entered_by=dee,
        description="cultures",
        split=everyone,
    )
    assert balances(coop) == {
        "dee": Decimal("30.00"),
        "eli": Decimal("-15.00"),
        "flo": Decimal("-15.00"),
    }
    money_flow.expense_post(
        coop=coop,
        payer=eli,
        amount="10.00",
        category="supplies",
        entered_by=eli,
        description="jars",
        split=everyone,
    )
    after_jars = balances(coop)
    assert sum(after_jars.values()) == Decimal("0.00")
    jars_shares = {
        "dee": Decimal("30.00") - after_jars["dee"],
        "eli": Decimal("-15.00") + Decimal("10.00") - after_jars["eli"],
        "flo": Decimal("-15.00") - after_jars["flo"],
    }
    assert sorted(jars_shares.values()) == [Decimal("3.33"), Decimal("3.33"), Decimal("3.34")]
    consented(
        services.transfer_post(coop=coop, payer=flo, payee=dee, amount="15.00", entered_by=flo)
    )
    final = balances(coop)
    assert final["flo"] == after_jars["flo"] + 15
    assert final["dee"] == after_jars["dee"] - 15
    assert sum(final.values()) == 0
