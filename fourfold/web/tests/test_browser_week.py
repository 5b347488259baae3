"""A member's week, looked at on a phone right after logging in."""

from __future__ import annotations

import pytest
import time_machine
from playwright.sync_api import expect

from fourfold.insights.tests.weeks import NOW, alice_week
from fourfold.testing import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def scene(personas):
    # Ticking on, so that the session and the login work as they would on any day.
    with time_machine.travel(NOW, tick=True):
        yield alice_week(personas)


def test_a_member_logs_in_to_their_week_and_confirms_an_entry(
    scene, page, check_page, artifacts_dir
):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("This week")
    box = heading.bounding_box()
    assert box is not None and box["y"] < 150, box
    main = page.get_by_role("main")
    expect(main.locator("article.week-item")).to_have_count(7)
    # Each co-op's health line loads after the page.
    expect(page.get_by_role("region", name="Your co-ops")).to_contain_text("principle")
    check_page(page)
    page.screenshot(path=artifacts_dir / "week.png", full_page=True)
    # Drawn afresh in the dark scheme: measured mid-switch, the colours would still be fading.
    page.emulate_media(color_scheme="dark")
    page.reload()
    expect(page.get_by_role("region", name="Your co-ops")).to_contain_text("principle")
    check_page(page)
    page.screenshot(path=artifacts_dir / "week-dark.png", full_page=True)
    page.emulate_media(color_scheme="light")
    page.reload()

    page.get_by_role("button", name=f"Confirm #{scene.entry.pk}").click()
    expect(heading).to_have_text("This week")
    expect(page.get_by_role("status")).to_contain_text("it is posted")
    expect(main.locator("article.week-item")).to_have_count(6)
    check_page(page)
