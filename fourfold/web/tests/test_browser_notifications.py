"""The notifications page and the unsubscribe page on a phone-sized chromium."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from fourfold.reminders.mail import unsubscribe_url
from fourfold.reminders.models import Notification
from fourfold.reminders.selectors import deliveries_of
from fourfold.testing import PASSWORD, make_personas

pytestmark = pytest.mark.browser


def test_a_member_reads_their_notifications_and_chooses_on_a_phone(page, check_page):
    people = make_personas()
    for n in range(2):
        Notification.objects.create(
            coop=people.coop,
            member=people.bob,
            kind="proposal",
            subject=str(n),
            params={"proposal": n + 1, "title": f"Idea {n}", "by": "alice"},
            created_at=datetime(2026, 6, 17, 9, n, tzinfo=UTC),
        )
    page.goto("/accounts/login/?next=/notifications/")
    page.get_by_label("Username").fill("bob")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My notifications")
    expect(page.get_by_text("2 unread", exact=True)).to_be_visible()
    check_page(page)
    page.get_by_role("group", name="a new proposal").get_by_label("only here, in fourfold").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_be_visible()
    check_page(page)
    assert deliveries_of(member=people.bob)["proposal"] == "app"
    page.get_by_role("button", name="Mark all read").click()
    expect(page.get_by_text("0 unread", exact=True)).to_be_visible()
    check_page(page)


def test_the_unsubscribe_page_on_a_phone(page, check_page):
    people = make_personas()
    page.goto(unsubscribe_url(member=people.bob, kind="entry"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Unsubscribe")
    check_page(page)
    page.get_by_role("button", name="Stop these e-mails").click()
    expect(page.get_by_role("status")).to_contain_text("no more e-mails about")
    check_page(page)
    assert deliveries_of(member=people.bob)["entry"] == "app"
