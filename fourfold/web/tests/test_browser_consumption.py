"""Shares, clicked through in a phone-sized chromium: change my share in one click, see who
got what of this week's batch, claim an extra, collect it, read the costs."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from fourfold.consumption import services
from fourfold.production.models import Batch, Shift
from fourfold.testing import PASSWORD, CoopFactory, MembershipFactory
from fourfold.web.tests.navigation import section
from fourfold.workflows import money as money_flow
from fourfold.workflows import production as production_flow

pytestmark = pytest.mark.browser


def log_in_to(page, username: str, path: str) -> None:
    page.goto(f"/accounts/login/?next={path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def row_of(page, table: str, username: str):
    return page.get_by_role("table", name=re.compile(table)).get_by_role(
        "row", name=re.compile(rf"^{username}\b")
    )


@pytest.fixture
def riverside(db):
    """Dee takes 2 quarts, Eli 3; the first batch made 10 quarts for 12.00 of milk."""
    coop = CoopFactory(slug="riverside", name="Riverside Yogurt")
    members = {
        name: MembershipFactory(coop=coop, user__username=name).user
        for name in ("dee", "eli", "flo")
    }
    services.share_set(coop=coop, member=members["dee"], units=2)
    services.share_set(coop=coop, member=members["eli"], units=3)
    production_flow.batches_plan(coop=coop, weeks=3, by=None)
    batch = Batch.objects.filter(coop=coop).order_by("date").first()
    money_flow.expense_post(
        coop=coop,
        payer=members["flo"],
        amount="12.00",
        category="ingredients",
        entered_by=members["flo"],
        batch=batch,
    )
    producer = Shift.objects.filter(batch=batch).exclude(member=None).first().member
    production_flow.batch_record_made(
        batch=batch, by=producer, quantity=10, hours="3", today=batch.date
    )
    return coop


def test_a_member_changes_her_share_and_claims_an_extra(
    riverside, new_page, check_page, artifacts_dir
):
    page = new_page()
    log_in_to(page, "dee", "/c/riverside/")
    section(page, "Share")
    expect(page.get_by_role("heading", level=1)).to_have_text("Shares in Riverside Yogurt")
    expect(page.locator("#my-share")).to_contain_text("You take 2 quarts of every batch.")
    expect(row_of(page, "standing shares", "eli")).to_contain_text("3")
    check_page(page)

    # One click.
    page.get_by_role("button", name="One quart more").click()
    expect(page.get_by_role("status").first).to_have_text("You now take 3 quarts of every batch.")
    expect(page.locator("#my-share")).to_contain_text("You take 3 quarts of every batch.")
    expect(page.get_by_role("main")).to_contain_text("Together we take 6 of the 20 quarts")
    check_page(page)
    page.screenshot(path=artifacts_dir / "shares-page.png", full_page=True)

    # This week's batch: who got what, and why.
    page.get_by_role("navigation", name="Shares").get_by_role(
        "link", name="This week's batch"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("This week's batch")
    expect(row_of(page, "shares", "dee")).to_contain_text("as asked")
    expect(row_of(page, "shares", "eli")).to_contain_text("as asked")
    expect(page.get_by_role("main")).to_contain_text("$2.40 per quart")  # 12.00 over 5
    expect(page.get_by_role("main")).to_contain_text("It costs you $4.80.")
    check_page(page)

    page.get_by_role("button", name="Claim an extra quart").click()
    expect(page.get_by_role("status").first).to_contain_text("You claimed an extra quart")
    expect(page.locator("#mine")).to_contain_text("You get 3 quarts (you asked for 2).")
    expect(row_of(page, "shares", "dee")).to_contain_text("1 extra claimed")
    expect(page.get_by_role("main")).to_contain_text("$2.00 per quart")  # 12.00 over 6
    check_page(page)

    page.get_by_role("button", name="Mark collected").click()
    expect(page.get_by_role("status").first).to_contain_text("is collected")
    expect(page.get_by_role("button", name="Mark collected")).to_have_count(0)
    check_page(page)
    page.screenshot(path=artifacts_dir / "shares-batch-page.png", full_page=True)

    page.get_by_role("navigation", name="Shares").get_by_role("link", name="Costs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Costs per unit")
    expect(page.get_by_role("table", name=re.compile("batch made"))).to_contain_text("$6.00")
    check_page(page)

    page.get_by_role("navigation", name="Shares").get_by_role("link", name="My share").click()
    page.get_by_role("link", name="Leave the co-op…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leave Riverside Yogurt")
    check_page(page)
    page.get_by_role("link", name="Stay, back to my share").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shares in Riverside Yogurt")


def test_the_share_buttons_work_without_javascript(riverside, new_page):
    page = new_page(java_script_enabled=False)
    log_in_to(page, "flo", "/c/riverside/shares/")
    expect(page.locator("#my-share")).to_contain_text("You take no quarts of the batches yet.")
    page.get_by_role("button", name="One quart more").click()
    expect(page.locator("#my-share")).to_contain_text("You take 1 quart of every batch.")
    page.get_by_role("button", name="One quart less").click()
    expect(page.get_by_role("status").first).to_have_text("You stopped your standing share.")
