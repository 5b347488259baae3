"""fourfold as an app on a phone: the week a member opened still shows when the connection
drops, says how old it is, and a page never opened offers the offline page."""

from __future__ import annotations

import re

import pytest
import time_machine
from playwright.sync_api import expect

from fourfold.insights.tests.weeks import NOW, alice_week
from fourfold.testing import PASSWORD
from fourfold.web.tests.navigation import log_out

pytestmark = pytest.mark.browser

# NOW is 14:30 UTC: 10:30 in New York, a minute later if the test is slow.
AS_OF = re.compile(r"^Offline — as of 10:3\d AM$")
KEPT = """async (path) => {
  for (const name of await caches.keys()) {
    if (name.startsWith("fourfold-pages-")
        && await (await caches.open(name)).match(path, { ignoreVary: true })) {
      return true;
    }
  }
  return false;
}"""


@pytest.fixture
def scene(personas):
    with time_machine.travel(NOW, tick=True):
        yield alice_week(personas)


@pytest.fixture
def phone(new_page):
    return new_page(timezone_id="America/New_York", locale="en-US")


def log_in_to_the_week(page) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("This week")
    # The worker installs on the first page; from the next load it controls the pages.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    wait_until_kept(page, "/week/", kept=True)


def wait_until_kept(page, path: str, *, kept: bool) -> None:
    """The worker keeps and forgets pages after answering: poll (wait_for_function would take
    the promise the check returns for a yes)."""
    for _ in range(50):
        if page.evaluate(KEPT, path) is kept:
            return
        page.wait_for_timeout(100)
    pytest.fail(f"{path} is {'not ' if kept else ''}kept on the device")


def test_the_week_opens_offline_and_says_how_old_it_is(scene, phone, check_page, artifacts_dir):
    log_in_to_the_week(phone)
    banner = phone.locator("#offline-banner")
    expect(banner).to_be_hidden()

    phone.context.set_offline(True)
    phone.reload()
    expect(phone.get_by_role("heading", level=1)).to_have_text("This week")
    expect(phone.get_by_role("main").locator("article.week-item")).to_have_count(7)
    expect(banner).to_be_visible()
    expect(banner).to_have_attribute("role", "status")
    expect(banner).to_have_text(AS_OF)
    served = phone.evaluate(
        "performance.getEntriesByType('navigation')[0].serverTiming.map((entry) => entry.name)"
    )
    assert "fourfold-kept" in served
    check_page(phone)
    phone.screenshot(path=artifacts_dir / "week-offline.png", full_page=True)


def test_a_page_never_opened_shows_the_offline_page(scene, phone, check_page):
    log_in_to_the_week(phone)
    phone.context.set_offline(True)
    phone.goto(f"/c/{scene.coop.slug}/ledger/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("You are offline")
    expect(phone.locator("#offline-banner")).to_have_count(0)
    check_page(phone)


def test_a_connection_lost_on_a_live_page_shows_the_banner(scene, phone):
    log_in_to_the_week(phone)
    banner = phone.locator("#offline-banner")
    phone.context.set_offline(True)
    expect(banner).to_have_text(AS_OF)
    phone.context.set_offline(False)
    expect(banner).to_be_hidden()


def test_logging_out_forgets_the_pages_kept(scene, phone):
    log_in_to_the_week(phone)
    log_out(phone, "alice")
    expect(phone.get_by_role("link", name="Log in", exact=True)).to_be_visible()
    wait_until_kept(phone, "/week/", kept=False)

    phone.context.set_offline(True)
    phone.goto("/week/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("You are offline")
    expect(phone.get_by_role("main")).not_to_contain_text("alice")
