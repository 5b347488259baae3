"""A member's first steps, clicked through in a phone-sized chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from fourfold.testing import PASSWORD, MembershipFactory, UserFactory
from fourfold.web.tests import navigation

pytestmark = pytest.mark.browser

FIRST_PASSWORD = "plum-orchard-42"
NEW_PASSWORD = "quiet-harbour-lantern"
RESET_LINK = re.compile(r"https?://\S+/accounts/reset/\S+/")

COOP = {
    "Name": "Riverside Bread Co-op",
    "Short name for links": "riverside",
    "What you make or do together": "sourdough bread",
    "Unit": "loaf",
    "Target quantity per batch": "12",
    "Producers per batch": "2",
    "Currency": "USD",
    "Commercial price per unit": "7.50",
    "Minutes to make one unit alone": "90",
}


def log_in(page, check_page, username: str, password: str) -> None:
    """From any page a visitor sees, log in through the nav."""
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    check_page(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def log_out(page, username: str) -> None:
    navigation.log_out(page, username)
    expect(page.get_by_role("heading", level=1)).to_have_text("Run your co-op together")


def field(page, label: str):
    """The input labelled exactly ``label`` (Django adds a colon to the label)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def fill_coop_form(page, time_zone: str = "America/Chicago", **changes: str) -> None:
    field(page, "How often you make a batch").select_option("Every week")
    page.get_by_role("checkbox", name="Sunday").uncheck()
    page.get_by_role("checkbox", name="Saturday").check()
    for label, value in {**COOP, **changes}.items():
        field(page, label).fill(value)
    field(page, "Time zone").select_option(time_zone)


def test_a_neighbour_signs_up_founds_a_coop_and_invites_another(
    new_page, check_page, mailoutbox, artifacts_dir
):
    page = new_page()

    page.goto("/")
    check_page(page)
    page.get_by_role("main").get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign up")
    check_page(page)
    page.get_by_label("Username").fill("dee")
    page.get_by_label("E-mail address").fill("dee@example.org")
    page.get_by_label("Password").fill(FIRST_PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("status")).to_have_text("Welcome, dee.")
    expect(page.get_by_role("heading", level=1)).to_have_text("My co-ops")
    check_page(page)

    log_out(page, "dee")
    check_page(page)
    log_in(page, check_page, "dee", FIRST_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("This week")

    # Dee forgets the password: the link arrives by e-mail and works in the same browser.
    log_out(page, "dee")
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Log in").click()
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    check_page(page)
    page.get_by_label("Email").fill("dee@example.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    check_page(page)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["dee@example.org"]
    page.goto(RESET_LINK.search(mailoutbox[0].body).group(0))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    check_page(page)
    field(page, "New password").fill(NEW_PASSWORD)
    field(page, "New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set my password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Password changed")
    check_page(page)
    page.get_by_role("link", name="Log in with your new password").click()
    page.get_by_label("Username").fill("dee")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("This week")
    expect(page.get_by_role("main")).to_contain_text("you are not an active member of any co-op")
    check_page(page)

    page.get_by_role("button", name="Found a co-op").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Found a co-op")
    check_page(page)
    fill_coop_form(page)
    page.get_by_role("main").screenshot(path=artifacts_dir / "found-form.png")
    page.get_by_role("button", name="Found the co-op").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Riverside Bread Co-op")
    expect(page.get_by_role("status")).to_have_text(
        "Riverside Bread Co-op is founded. Invite your neighbours."
    )
    expect(page.get_by_role("region", name="How we produce")).to_contain_text("America/Chicago")
    expect(page.get_by_role("region", name="How we produce")).to_contain_text("Every Saturday")
    check_page(page)

    navigation.open_menu(page, "Riverside Bread Co-op")
    page.get_by_role("link", name="All my co-ops").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My co-ops")
    card = page.get_by_role("article").filter(has_text="Riverside Bread Co-op")
    expect(card).to_contain_text("12 loaves of sourdough bread per batch · 1 active member")
    check_page(page)
    card.get_by_role("link", name="Riverside Bread Co-op").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Riverside Bread Co-op")

    navigation.coop_page(page, "Members")
    expect(page.get_by_role("heading", level=1)).to_have_text("Members of Riverside Bread Co-op")
    members = page.get_by_role("table", name="1 member")
    expect(members.get_by_role("row")).to_have_count(2)
    expect(members).to_contain_text("dee")
    check_page(page)

    navigation.coop_page(page, "Overview")
    coop_url = page.url
    page.get_by_role("button", name="Invite a neighbour").click()
    invitation_field = page.get_by_label("Share this link with one neighbour")
    expect(invitation_field).to_have_value(re.compile(r"/invite/\S+/$"))
    assert page.url == coop_url, "htmx swaps the link in without leaving the page"
    check_page(page)
    invitation_url = invitation_field.input_value()

    # A second neighbour, in a browser of their own, follows the link.
    UserFactory(username="eli")
    neighbour = new_page()
    neighbour.goto(invitation_url)
    expect(neighbour.get_by_role("heading", level=1)).to_have_text(
        "You're invited to join Riverside Bread Co-op"
    )
    check_page(neighbour)
    neighbour.get_by_role("main").get_by_role("button", name="Log in").click()
    expect(neighbour.get_by_role("heading", level=1)).to_have_text("Log in")
    neighbour.get_by_label("Username").fill("eli")
    neighbour.get_by_label("Password").fill(PASSWORD)
    neighbour.get_by_role("button", name="Log in").click()
    expect(neighbour.get_by_role("heading", level=1)).to_have_text("Join Riverside Bread Co-op")
    check_page(neighbour)
    neighbour.get_by_role("button", name="Accept and join").click()
    expect(neighbour.get_by_role("heading", level=1)).to_have_text("Riverside Bread Co-op")
    expect(neighbour.get_by_role("status")).to_have_text(
        "You are now a member of Riverside Bread Co-op."
    )
    member_list = neighbour.get_by_role("region", name="2 members").get_by_role("listitem")
    expect(member_list).to_have_count(2)
    expect(member_list.filter(has_text="dee")).to_have_count(1)
    expect(member_list.filter(has_text="eli")).to_have_count(1)
    check_page(neighbour)
    neighbour.screenshot(path=artifacts_dir / "coop-page.png", full_page=True)


def test_the_invitation_link_appears_without_javascript_too(new_page):
    """With scripts off the form posts normally and the page comes back with the link."""
    MembershipFactory(user__username="flo", coop__name="Bike Kitchen", coop__slug="bikes")
    page = new_page(java_script_enabled=False)
    page.goto("/accounts/login/?next=/c/bikes/")
    page.get_by_label("Username").fill("flo")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bike Kitchen")
    page.get_by_role("button", name="Invite a neighbour").click()
    expect(page.get_by_label("Share this link with one neighbour")).to_have_value(
        re.compile(r"/invite/\S+/$")
    )


def test_a_form_error_shows_next_to_its_field(page, check_page):
    UserFactory(username="gus")
    page.goto("/")
    log_in(page, check_page, "gus", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("This week")

    page.goto("/coops/new/")
    fill_coop_form(page, **{"Target quantity per batch": "0"})
    page.get_by_role("button", name="Found the co-op").click()

    quantity = field(page, "Target quantity per batch")
    expect(quantity).to_have_value("0")
    expect(quantity).to_have_attribute("aria-invalid", "true")
    expect(quantity).to_have_accessible_description(re.compile("greater than or equal to 1"))
    group = page.locator(".field").filter(has=quantity)
    expect(group.locator(".errorlist")).to_contain_text("greater than or equal to 1")
    expect(page.locator("[aria-invalid=true]")).to_have_count(1)
    check_page(page)
