"""The budget, clicked through in a phone-sized chromium: propose it on the decisions page,
pass it, read it on the budget page and the dashboard."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from fourfold.governance.models import Proposal
from fourfold.testing import PASSWORD, CoopFactory, MembershipFactory
from fourfold.workflows import decisions as decisions_flow

pytestmark = pytest.mark.browser

# Mid-month, mid-day: the budget passes and is read in the same month of the co-op.
AT = datetime(2031, 5, 14, 10, tzinfo=ZoneInfo("America/New_York"))


def log_in_to(page, username: str, path: str) -> None:
    page.goto(f"/accounts/login/?next={path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_members_propose_pass_and_read_a_budget(db, new_page, check_page, time_machine):
    time_machine.move_to(AT, tick=True)
    coop = CoopFactory(slug="orchard", name="Orchard Yogurt")
    dee, eli = (MembershipFactory(coop=coop, user__username=name).user for name in ("dee", "eli"))
    page = new_page()
    log_in_to(page, "dee", "/c/orchard/ledger/budget/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Budget for May 2031")
    check_page(page)
    page.get_by_role("link", name="Propose a budget").click()
    page.get_by_label("Title").fill("Our monthly budget")
    page.get_by_label(re.compile(r"^Ingredients a month")).fill("120.00")
    page.get_by_label(re.compile(r"^Space a month")).fill("80")
    page.get_by_role("button", name=re.compile("Open|Propose")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Our monthly budget")
    proposal = Proposal.objects.get(coop=coop, kind="budget")
    for member in (dee, eli):
        decisions_flow.vote_cast(proposal=proposal, member=member, position="agree")
    page.goto("/c/orchard/ledger/budget/")
    lines = page.get_by_role("table", name="Each line against what was spent this month")
    expect(lines.get_by_role("row", name=re.compile("^Ingredients"))).to_contain_text("$120.00")
    check_page(page)
    page.goto("/c/orchard/dashboard/")
    expect(page.get_by_role("img", name="Budget against spending, month by month")).to_be_visible()
    check_page(page)
