"""Nobody moves another member's money without their say, clicked through on a phone: Bob
records an expense Alice paid, and it moves nothing until Alice confirms it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from fourfold.testing import PASSWORD, CoopFactory, MembershipFactory

pytestmark = pytest.mark.browser


def field(page, label: str):
    """The input labelled exactly ``label`` (Django adds a colon to the label)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def log_in_to(page, username: str, path: str) -> None:
    page.goto(f"/accounts/login/?next={path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def balance_of(page, username: str):
    return page.get_by_role("table", name=re.compile("balances")).get_by_role(
        "row", name=re.compile(rf"^{username}\b")
    )


@pytest.fixture
def riverside(db):
    coop = CoopFactory(slug="riverside", name="Riverside Yogurt")
    for name in ("alice", "bob"):
        MembershipFactory(coop=coop, user__username=name)
    return coop


def test_an_expense_paid_by_another_waits_for_her_and_moves_when_she_confirms(
    riverside, new_page, check_page, artifacts_dir
):
    bob = new_page()
    log_in_to(bob, "bob", "/c/riverside/ledger/expense/")
    expect(bob.get_by_role("heading", level=1)).to_have_text("Record an expense")
    field(bob, "Amount (USD)").fill("40.00")
    field(bob, "Category").select_option("ingredients")
    field(bob, "Paid by").select_option("alice")
    field(bob, "What for").fill("milk")
    bob.get_by_role("button", name="Record the expense").click()
    expect(bob.get_by_role("heading", level=1)).to_have_text("Ledger of Riverside Yogurt")
    waiting = bob.locator("#waiting")
    expect(waiting).to_contain_text("Nothing waits for your say.")
    expect(waiting.get_by_role("listitem")).to_contain_text("Pending: waits for alice.")
    expect(waiting.get_by_role("button", name=re.compile("^Withdraw it"))).to_be_visible()
    expect(balance_of(bob, "alice")).to_contain_text("$0.00")
    check_page(bob)

    alice = new_page()
    log_in_to(alice, "alice", "/c/riverside/ledger/")
    expect(alice.get_by_role("heading", level=1)).to_have_text("Ledger of Riverside Yogurt")
    mine = alice.get_by_role("region", name="Waiting for your say")
    entry = mine.get_by_role("listitem").filter(has_text="milk")
    expect(entry).to_contain_text("Pending: waits for alice.")
    expect(entry.get_by_role("button", name=re.compile("^Decline"))).to_be_visible()
    expect(balance_of(alice, "alice")).to_contain_text("$0.00")
    expect(alice.get_by_role("row").filter(has_text="Expense #")).to_contain_text(
        "pending: waits for alice"
    )
    check_page(alice)
    alice.screenshot(path=artifacts_dir / "consent-waiting.png", full_page=True)

    entry.get_by_role("button", name=re.compile("^Confirm")).click()
    expect(alice.get_by_role("status").first).to_contain_text(
        "it is posted and the money has moved"
    )
    expect(alice.locator("#waiting")).to_contain_text("Nothing waits for your say.")
    expect(balance_of(alice, "alice")).to_contain_text("$20.00")
    expect(balance_of(alice, "bob")).to_contain_text("-$20.00")
    check_page(alice)
