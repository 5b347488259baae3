"""The ledger, clicked through in a phone-sized chromium: record, correct, settle up."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from fourfold.testing import PASSWORD, CoopFactory, MembershipFactory
from fourfold.web.tests.navigation import section

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
    for name in ("dee", "eli", "flo"):
        MembershipFactory(coop=coop, user__username=name)
    return coop


def test_members_record_an_expense_correct_a_payment_and_settle_up(
    riverside, new_page, check_page, artifacts_dir
):
    page = new_page()
    log_in_to(page, "dee", "/c/riverside/")
    section(page, "Money")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ledger of Riverside Yogurt")
    expect(page.get_by_role("status")).to_contain_text("0 transactions")
    check_page(page)

    # Dee paid 45.00 for cultures, shared by all three (every active member is checked).
    page.get_by_role("button", name="Record an expense").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record an expense")
    check_page(page)
    field(page, "Amount (USD)").fill("45.00")
    field(page, "Category").select_option("ingredients")
    field(page, "Supplier").fill("Valley Farm")
    field(page, "What for").fill("cultures")
    split = page.get_by_role("group", name="Split among")
    for name in ("dee", "eli", "flo"):
        expect(split.get_by_label(name)).to_be_checked()
    page.get_by_role("button", name="Record the expense").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ledger of Riverside Yogurt")
    expect(page.get_by_role("status").first).to_have_text(
        "The expense of $45.00 is recorded, shared among 3 members."
    )
    expect(balance_of(page, "dee")).to_contain_text("$30.00")
    expect(balance_of(page, "eli")).to_contain_text("-$15.00")
    expect(balance_of(page, "flo")).to_contain_text("-$15.00")
    check_page(page)

    # A refusal reads as a form error naming the principle.
    page.get_by_role("button", name="Record an expense").click()
    field(page, "Amount (USD)").fill("80")
    field(page, "What for").fill("wages for the Sunday batch")
    page.get_by_role("button", name="Record the expense").click()
    expect(page.get_by_role("alert")).to_contain_text("no paid staff")
    check_page(page)

    # Dee pays 6.00 into the pool by mistake, then reverses it.
    section(page, "Money")
    page.get_by_role("button", name="Pay in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pay in")
    check_page(page)
    field(page, "Amount (USD)").fill("6")
    page.get_by_label("This is my own money").check()
    page.get_by_role("button", name="Record my payment").click()
    expect(page.get_by_role("status").first).to_have_text(
        "Your payment of $6.00 into the pool is recorded."
    )
    expect(balance_of(page, "dee")).to_contain_text("$36.00")
    contribution = page.get_by_role("row").filter(has_text="Contribution")
    expect(contribution).to_contain_text("dee → the pool")
    contribution.get_by_role("link", name=re.compile("^Reverse")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Reverse transaction"))
    check_page(page)
    field(page, "Why").fill("paid in twice")
    page.get_by_role("button", name="Reverse it").click()
    expect(page.get_by_role("status").first).to_contain_text("is reversed by")
    expect(balance_of(page, "dee")).to_contain_text("$30.00")
    expect(page.get_by_role("row").filter(has_text="paid in twice")).to_contain_text("reverses #")

    # The filters swap the list in place and keep the address shareable.
    ledger_url = page.url.split("?")[0]
    field(page, "Kind").select_option("expense")
    expect(page).to_have_url(re.compile(r"kind=expense"))
    expect(page.locator("#transactions").get_by_role("status")).to_contain_text("1 transaction")
    assert page.url.startswith(ledger_url)
    check_page(page)
    field(page, "Kind").select_option("")

    page.get_by_role("link", name="My statement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My statement")
    expect(page.get_by_role("main")).to_contain_text(
        "Your balance is $30.00: the co-op owes you this."
    )
    check_page(page)

    section(page, "Money")
    page.get_by_role("link", name="Settle up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Settle up")
    transfers = page.get_by_role("list", name="Transfers").get_by_role("listitem")
    expect(transfers).to_have_count(2)
    expect(transfers.filter(has_text="eli pays dee $15.00")).to_have_count(1)
    expect(transfers.filter(has_text="flo pays dee $15.00")).to_have_count(1)
    expect(page.get_by_role("region", name="Your part")).to_contain_text(
        "Nothing: you pay nobody in this plan."
    )
    check_page(page)

    # Eli and Flo each record what they paid; Dee confirms that both reached her.
    for name in ("eli", "flo"):
        payer = new_page()
        log_in_to(payer, name, "/c/riverside/ledger/settle/")
        expect(payer.get_by_role("region", name="Your part")).to_contain_text("You pay dee $15.00")
        payer.get_by_role("button", name="Record that I paid").click()
        expect(payer.get_by_role("status").first).to_have_text(
            "Your payment is recorded. Nothing moves until dee confirms the money arrived."
        )
        check_page(payer)
    page.reload()
    waiting = page.get_by_role("region", name="Payments waiting for a confirmation")
    expect(waiting.get_by_role("listitem")).to_have_count(2)
    check_page(page)
    for left in (1, 0):
        waiting.get_by_role("button", name=re.compile("^Confirm")).first.click()
        expect(page.get_by_role("status").first).to_contain_text("it is posted")
        expect(waiting.get_by_role("listitem")).to_have_count(left)
    section(page, "Money")
    for name in ("dee", "eli", "flo"):
        expect(balance_of(page, name)).to_contain_text("$0.00")
    check_page(page)
    page.screenshot(path=artifacts_dir / "ledger-page.png", full_page=True)

    page.get_by_role("link", name="Settle up").click()
    expect(page.get_by_role("main")).to_contain_text("Everyone is even")
    check_page(page)


def test_the_ledger_works_without_javascript(riverside, new_page):
    page = new_page(java_script_enabled=False)
    log_in_to(page, "eli", "/c/riverside/ledger/expense/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Record an expense")
    field(page, "Amount (USD)").fill("9.00")
    field(page, "Category").select_option("supplies")
    page.get_by_role("group", name="Split among").get_by_label("dee").uncheck()
    page.get_by_role("button", name="Record the expense").click()
    expect(balance_of(page, "eli")).to_contain_text("$4.50")
    expect(balance_of(page, "flo")).to_contain_text("-$4.50")
    expect(balance_of(page, "dee")).to_contain_text("$0.00")

    field(page, "Kind").select_option("cost_allocation")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"kind=cost_allocation"))
    expect(page.locator("#transactions").get_by_role("status")).to_contain_text("1 transaction")
