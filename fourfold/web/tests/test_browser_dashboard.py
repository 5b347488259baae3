"""The dashboard of a co-op with half a year behind it, looked at on a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from fourfold.testing import PASSWORD, CoopFactory, MembershipFactory
from fourfold.web.tests.histories import build_history
from fourfold.web.tests.navigation import coop_page

pytestmark = pytest.mark.browser


def log_in_to(page, username: str, path: str) -> None:
    page.goto(f"/accounts/login/?next={path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


@pytest.fixture
def riverside(db):
    """Dee, Eli and Flo make and take the yogurt; Gus only belongs. Thirty Sundays behind them,
    two batches missed and one short."""
    coop = CoopFactory(slug="riverside", name="Riverside Yogurt")
    people = [
        MembershipFactory(coop=coop, user__username=name).user
        for name in ("dee", "eli", "flo", "gus")
    ]
    build_history(coop, people, weeks=30, missed=(5, 17), short=(9,))
    return coop


def test_a_member_reads_the_dashboard_and_a_neighbours_four_roles(
    riverside, new_page, check_page, artifacts_dir
):
    page = new_page()
    log_in_to(page, "dee", "/c/riverside/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Riverside Yogurt")
    principles = page.get_by_role("region", name="Our principles")
    expect(principles.get_by_role("listitem")).to_have_count(6)
    expect(principles).to_contain_text("Holds Self-funded")
    check_page(page)

    coop_page(page, "Dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text("How Riverside Yogurt is doing")
    main = page.get_by_role("main")
    expect(main.get_by_role("region", name="Our principles").get_by_role("listitem")).to_have_count(
        6
    )
    # Flo takes the most and pays in turn with the others: she owes over four weeks of costs.
    expect(main).to_contain_text("50% of the members are active in all four roles: 2 of 4.")
    expect(main.get_by_role("definition").first).to_have_text(
        re.compile(r"^\$1\.9\d, against \$6\.50 to buy$")
    )
    for name in (
        "Members and their four roles",
        "Consistency per month",
        "Cost per quart, month by month",
    ):
        expect(page.get_by_role("img", name=name, exact=True)).to_be_visible()
    expect(
        page.get_by_role("img", name="Members and their four roles")
    ).to_have_accessible_description(re.compile(r"^2 of 4 members are active in all four roles"))
    # Each chart's numbers are a click away, as a table.
    for summary in ("The roles in figures", "Consistency in figures", "Costs in figures"):
        page.get_by_text(summary, exact=True).click()
    expect(page.get_by_role("table", name="Each member's part in each role")).to_be_visible()
    expect(
        page.get_by_role("table", name="Batches due and made on target, per month")
        .get_by_role("row")
        .nth(1)
    ).to_be_visible()
    check_page(page)
    page.screenshot(path=artifacts_dir / "dashboard.png", full_page=True)

    page.get_by_role("table", name="Each member's part in each role").get_by_role(
        "link", name="gus"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The four roles of gus")
    expect(page.get_by_role("heading", name=re.compile("^Producer"))).to_contain_text("absent")
    expect(page.get_by_role("main")).to_contain_text("Not yet active in all four roles")
    check_page(page)

    coop_page(page, "Members")
    page.get_by_role("link", name="dee", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your four roles")
    for role in ("Producer", "Funder", "Manager", "Consumer"):
        expect(page.get_by_role("heading", name=re.compile(f"^{role}"))).to_contain_text("active")
    check_page(page)
    page.screenshot(path=artifacts_dir / "member-roles.png", full_page=True)


def test_the_dashboard_works_without_javascript(riverside, new_page):
    page = new_page(java_script_enabled=False)
    log_in_to(page, "eli", "/c/riverside/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("How Riverside Yogurt is doing")
    expect(page.get_by_role("img", name="Consistency per month")).to_be_visible()


def test_a_founder_reads_a_new_coops_principles_as_not_measured_yet(db, new_page, check_page):
    coop = CoopFactory(slug="sprouts", name="Sprouts")
    MembershipFactory(coop=coop, user__username="dee")
    page = new_page()
    log_in_to(page, "dee", "/c/sprouts/")
    principles = page.get_by_role("region", name="Our principles")
    expect(principles.get_by_role("listitem")).to_have_count(6)
    expect(principles).not_to_contain_text("Broken")
    expect(principles.get_by_role("listitem").first).to_contain_text("Not measured yet Self-funded")
    check_page(page)
    coop_page(page, "Dashboard")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Measured once the first batch is due.")
    expect(main).not_to_contain_text("Broken")
    check_page(page)
