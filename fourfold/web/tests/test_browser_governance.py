"""Governance, clicked through in a phone-sized chromium: a rule change proposed from the
settings page, voted on by all three members, applies itself."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from fourfold.coops.models import Cooperative
from fourfold.governance.tasks import facilitators_plan_all
from fourfold.testing import PASSWORD, CoopFactory, MembershipFactory
from fourfold.web.tests.navigation import section

pytestmark = pytest.mark.browser

TITLE = "Change the target quantity per batch from 20 to 24"


def field(page, label: str):
    """The input labelled exactly ``label`` (Django adds a colon to the label)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def log_in_to(page, username: str, path: str) -> None:
    page.goto(f"/accounts/login/?next={path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def vote(page, position: str, reason: str = "") -> None:
    choices = page.get_by_role("group", name="Your vote")
    choices.get_by_label(re.compile(rf"^\s*{position}\b")).check()
    if reason:
        field(page, "Reason").fill(reason)
    page.get_by_role("button", name="Vote", exact=True).click()


@pytest.fixture
def riverside(db):
    coop = CoopFactory(slug="riverside", name="Riverside Yogurt", target_quantity=20)
    for name in ("dee", "eli", "flo"):
        MembershipFactory(coop=coop, user__username=name)
    coop.founded_by = coop.memberships.get(user__username="dee").user
    coop.save()
    facilitators_plan_all()  # what the daily task has done by the time anyone looks
    return coop


def test_three_members_pass_a_rule_change_proposed_from_the_settings_page(
    riverside, new_page, check_page, artifacts_dir
):
    dee = new_page()
    log_in_to(dee, "dee", "/c/riverside/")
    section(dee, "Decide")
    expect(dee.get_by_role("heading", level=1)).to_have_text("Decisions of Riverside Yogurt")
    expect(dee.get_by_role("main")).to_contain_text("No proposal is open.")
    expect(dee.get_by_role("main")).to_contain_text("facilitates in")
    check_page(dee)

    # The rules are read-only; each links to proposing a change.
    dee.get_by_role("navigation", name="Decisions").get_by_role("link", name="Rules").click()
    expect(dee.get_by_role("heading", level=1)).to_have_text("Rules of Riverside Yogurt")
    check_page(dee)
    dee.get_by_role(
        "link", name=re.compile(r"^Propose a change\W+target quantity per batch$")
    ).click()
    expect(field(dee, "Rule")).to_have_value("target_quantity")

    # A value the rule cannot take is refused next to the field, and nothing is proposed.
    field(dee, "New value").fill("0")
    dee.get_by_role("button", name="Propose the change").click()
    expect(dee.locator(".field").filter(has=field(dee, "New value"))).to_contain_text(
        "The target quantity must be at least 1."
    )
    check_page(dee)

    field(dee, "New value").fill("24")
    field(dee, "Why").fill("The new pot holds 24 quarts.")
    dee.get_by_role("button", name="Propose the change").click()
    expect(dee.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(dee.get_by_role("status").first).to_contain_text("is open for votes")
    expect(dee.get_by_role("list", name="What changes")).to_have_text(
        re.compile(r"Target quantity per batch: 20\s*→\s*24")
    )
    expect(dee.locator(".tally")).to_contain_text("0 of 3 members voted")
    check_page(dee)

    vote(dee, "Agree", "The new pot holds 24.")
    expect(dee.get_by_role("status").first).to_contain_text("Your vote is recorded.")
    expect(dee.locator(".votes")).to_contain_text("The new pot holds 24.")
    expect(dee.locator(".tally")).to_contain_text("1 of 3 members voted")
    check_page(dee)
    proposal_url = dee.url

    eli = new_page()
    log_in_to(eli, "eli", "/c/riverside/decisions/")
    expect(eli.get_by_role("article").filter(has_text=TITLE)).to_contain_text(
        "You have not voted yet."
    )
    check_page(eli)
    eli.get_by_role("link", name=TITLE, exact=True).click()
    vote(eli, "Agree")
    expect(eli.locator(".tally")).to_contain_text("2 of 3 members voted")

    # Dee's open page polls the tally: eli's vote shows up without a reload.
    expect(dee.locator(".tally")).to_contain_text("2 of 3 members voted", timeout=15_000)
    dee.screenshot(path=artifacts_dir / "proposal-page.png", full_page=True)
    dee.goto("/c/riverside/decisions/")
    dee.screenshot(path=artifacts_dir / "decisions-page.png", full_page=True)

    # The third and last vote closes the proposal, and the rule changes itself.
    flo = new_page()
    log_in_to(flo, "flo", urlsplit(proposal_url).path)
    expect(flo.get_by_role("heading", level=1)).to_have_text(TITLE)
    vote(flo, "Agree", "Fine by me.")
    expect(flo.get_by_role("status").first).to_contain_text(
        "everyone has voted: the proposal passed"
    )
    expect(flo.get_by_role("region", name="Outcome")).to_contain_text("Passed: 3 agree of 3")
    expect(flo.get_by_role("region", name="What changed")).to_contain_text("20 → 24")
    expect(flo.get_by_role("button", name="Vote", exact=True)).to_have_count(0)
    check_page(flo)
    assert Cooperative.objects.get(pk=riverside.pk).target_quantity == 24

    flo.get_by_role("navigation", name="Decisions").get_by_role("link", name="Rules").click()
    expect(flo.locator("#rule-target_quantity + dd")).to_contain_text("24")
    check_page(flo)

    flo.get_by_role("navigation", name="Decisions").get_by_role("link", name="Decision log").click()
    expect(flo.get_by_role("heading", level=1)).to_have_text("Decision log of Riverside Yogurt")
    entry = flo.get_by_role("article").filter(has_text=TITLE)
    expect(entry).to_contain_text("Passed: 3 agree of 3")
    expect(entry.get_by_role("list", name="What changes")).to_have_text(
        re.compile(r"Target quantity per batch: 20\s*→\s*24")
    )
    check_page(flo)
    flo.screenshot(path=artifacts_dir / "decision-log.png", full_page=True)


def test_voting_works_without_javascript(riverside, new_page):
    page = new_page(java_script_enabled=False)
    log_in_to(page, "eli", "/c/riverside/settings/?rule=quorum_percent")
    field(page, "New value").fill("60")
    page.get_by_role("button", name="Propose the change").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Change the quorum (%) from 50% to 60%"
    )
    vote(page, "Block", "Too many of us travel.")
    expect(page.locator(".votes")).to_contain_text("Too many of us travel.")
    expect(page.locator(".tally")).to_contain_text("Block: 1")


def test_choosing_another_kind_swaps_the_proposal_fields_in_place(
    riverside, new_page, check_page, artifacts_dir
):
    page = new_page()
    log_in_to(page, "dee", "/c/riverside/decisions/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Decisions of Riverside Yogurt")
    # With scripts the fields follow the kind by themselves: nothing to press.
    expect(page.get_by_role("button", name="Choose this kind")).to_be_hidden()
    expect(field(page, "Options, one per line")).to_have_count(0)
    check_page(page)
    decisions_url = page.url

    field(page, "Kind").select_option("choice")
    expect(field(page, "Options, one per line")).to_be_visible()
    expect(page.get_by_role("group", name="Ranked choice")).to_be_visible()
    check_page(page)

    field(page, "Title").fill("A new fridge")
    field(page, "Kind").select_option("spending")
    expect(field(page, "Options, one per line")).to_have_count(0)
    expect(field(page, "Amount to approve (USD)")).to_be_visible()
    expect(field(page, "Title")).to_have_value("A new fridge")
    assert page.url == decisions_url, "the fields swap in without leaving the page"
    check_page(page)
    page.locator("#propose").screenshot(path=artifacts_dir / "proposal-form.png")

    field(page, "Amount to approve (USD)").fill("150")
    page.get_by_role("button", name="Open the proposal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("A new fridge")
    check_page(page)
