"""The navigation on a 390 x 844 phone: the sections in a bar at the bottom where a thumb reaches,
a one-line header, the page's heading in sight at once; on a wide screen the same sections up
top. In light and in dark."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from fourfold.testing import PASSWORD, CoopFactory, MembershipFactory
from fourfold.web.tests.navigation import coop_page, log_out, open_menu, section

pytestmark = pytest.mark.browser

TOUCH = 44  # CSS px: the least a finger can hit (WCAG 2.5.5)
HEADING_WITHIN = 150  # px from the top of a phone's screen
WIDE = {"width": 1280, "height": 800}
COOP_SECTIONS = ["This week", "Produce", "Share", "Money", "Decide"]


@pytest.fixture
def orchard(db):
    coop = CoopFactory(slug="orchard", name="Orchard Yogurt Cooperative of Somerville")
    dee = MembershipFactory(coop=coop, user__username="dee").user
    MembershipFactory(coop=CoopFactory(slug="bikes", name="Bike Kitchen"), user=dee)
    return coop


def log_in_to(page, path: str) -> None:
    page.goto(f"/accounts/login/?next={path}")
    page.get_by_label("Username").fill("dee")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def sections(page):
    return page.get_by_role("navigation", name="Main")


def box(locator) -> dict:
    found = locator.bounding_box()
    assert found is not None, f"{locator} is not drawn"
    return found


def assert_thumb_bar(page, labels: list[str], current: str) -> None:
    """The sections sit at the bottom of the screen, each a finger high, ``current`` marked."""
    # The heading shows as soon as it is parsed; where things sit waits for the stylesheet.
    page.wait_for_load_state("load")
    links = sections(page).get_by_role("link")
    expect(links).to_have_text(labels)
    for index in range(len(labels)):
        link = links.nth(index)
        expect(link).to_be_visible()
        drawn = box(link)
        assert drawn["height"] >= TOUCH, f"{labels[index]} is {drawn['height']} px high"
        bottom = page.viewport_size["height"]
        assert drawn["y"] + drawn["height"] <= bottom + 0.5
        assert drawn["y"] >= bottom - 100, f"{labels[index]} is not at the bottom"
    marked = sections(page).locator('[aria-current="page"]')
    expect(marked).to_have_count(1)
    expect(marked).to_have_text(current)
    # The mark shows, not only to assistive technology: a colour of its own.
    colours = [links.nth(i).evaluate("a => getComputedStyle(a).color") for i in range(len(labels))]
    mark = colours[labels.index(current)]
    assert colours.count(mark) == 1, colours


def assert_heading_in_sight(page) -> None:
    top = box(page.get_by_role("heading", level=1))["y"]
    assert top < HEADING_WITHIN, f"the heading starts {top} px down"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_coop_page_fits_a_thumb(orchard, new_page, check_page, artifacts_dir, scheme):
    page = new_page(color_scheme=scheme)
    log_in_to(page, "/c/orchard/production/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Production of Orchard Yogurt Cooperative of Somerville"
    )
    assert_thumb_bar(page, COOP_SECTIONS, current="Produce")
    assert_heading_in_sight(page)
    # The header is one line, however long the co-op's name.
    assert box(page.get_by_role("banner"))["height"] <= 64
    # The part's own navigation stays one tap away, under the heading.
    subnav = page.get_by_role("navigation", name="Production")
    expect(subnav.get_by_role("link", name="Swap board")).to_be_visible()
    assert box(subnav.get_by_role("link", name="Batches"))["height"] >= TOUCH
    check_page(page)
    page.screenshot(path=artifacts_dir / f"nav-coop-{scheme}.png")

    # The switcher holds the co-op's own pages and the member's other co-ops.
    open_menu(page, "Orchard Yogurt Cooperative of Somerville")
    switch = page.get_by_role("navigation", name="Switch co-op")
    expect(switch.get_by_role("link")).to_have_text(
        ["Bike Kitchen", "Orchard Yogurt Cooperative of Somerville", "All my co-ops"]
    )
    expect(switch.locator('[aria-current="true"]')).to_have_text(
        "Orchard Yogurt Cooperative of Somerville"
    )
    check_page(page)
    page.screenshot(path=artifacts_dir / f"nav-switcher-{scheme}.png")
    page.get_by_role("navigation", name="Co-op").get_by_role("link", name="Members").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Members of Orchard Yogurt Cooperative of Somerville"
    )
    coop_page(page, "Dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "How Orchard Yogurt Cooperative of Somerville is doing"
    )
    check_page(page)

    section(page, "Money")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Ledger of Orchard Yogurt Cooperative of Somerville"
    )
    assert_thumb_bar(page, COOP_SECTIONS, current="Money")
    assert_heading_in_sight(page)
    check_page(page)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_my_coops_fits_a_thumb(orchard, new_page, check_page, artifacts_dir, scheme):
    page = new_page(color_scheme=scheme)
    log_in_to(page, "/coops/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My co-ops")
    assert_thumb_bar(page, ["This week", "My co-ops"], current="My co-ops")
    assert_heading_in_sight(page)
    check_page(page)
    page.screenshot(path=artifacts_dir / f"nav-my-coops-{scheme}.png")

    open_menu(page, "dee")
    expect(page.get_by_role("navigation", name="Account").get_by_role("link")).to_have_text(
        ["My language", "My API tokens"]
    )
    check_page(page)
    log_out(page, "dee")
    expect(page.get_by_role("heading", level=1)).to_have_text("Run your co-op together")
    expect(sections(page)).to_have_count(0)


def test_a_wide_screen_shows_the_sections_up_top(orchard, new_page, artifacts_dir):
    page = new_page(viewport=WIDE)
    log_in_to(page, "/c/orchard/ledger/")
    links = sections(page).get_by_role("link")
    expect(links).to_have_text(COOP_SECTIONS)
    page.wait_for_load_state("load")
    banner = box(page.get_by_role("banner"))
    heading = box(page.get_by_role("heading", level=1))
    for index in range(len(COOP_SECTIONS)):
        drawn = box(links.nth(index))
        assert drawn["y"] + drawn["height"] <= banner["y"] + banner["height"] + 0.5
        assert drawn["y"] < heading["y"]
    expect(sections(page).locator('[aria-current="page"]')).to_have_text("Money")
    page.screenshot(path=artifacts_dir / "nav-wide.png")
