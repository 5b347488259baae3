"""Production, clicked through in a phone-sized chromium: plan, go away, swap, record."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fourfold.coops.selectors import coop_today
from fourfold.production.models import Batch, Shift
from fourfold.testing import PASSWORD, CoopFactory, MembershipFactory
from fourfold.web.tests.navigation import section
from fourfold.workflows import production as production_flow

pytestmark = pytest.mark.browser


def field(page, label: str):
    """The input labelled exactly ``label`` (Django adds a colon to the label)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def log_in_to(page, username: str, path: str) -> None:
    page.goto(f"/accounts/login/?next={path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def shown(day) -> str:
    """A batch's day as the pages show it: Sun 14 Jun 2026."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def production_nav(page, name: str) -> None:
    page.get_by_role("navigation", name="Production").get_by_role("link", name=name).click()


def batch_row(page, day):
    return page.get_by_role("table", name=re.compile("batches ahead")).get_by_role(
        "row", name=re.compile(rf"^{re.escape(shown(day))}\b")
    )


@pytest.fixture
def orchard(db):
    coop = CoopFactory(slug="orchard", name="Orchard Yogurt")
    for name in ("dee", "eli", "flo"):
        MembershipFactory(coop=coop, user__username=name)
    return coop


def movable_batch(coop, holder, *, without=None):
    """The first batch ``holder`` produces beyond the lock window (and ``without`` does not)."""
    first = coop_today(coop) + timedelta(days=coop.lock_window_days)
    batches = Batch.objects.filter(coop=coop, date__gte=first, shifts__member__username=holder)
    if without:
        batches = batches.exclude(shifts__member__username=without)
    return batches.order_by("date").first()


def test_members_plan_go_away_and_swap_a_shift(orchard, new_page, check_page, artifacts_dir):
    page = new_page()
    log_in_to(page, "dee", "/c/orchard/")
    section(page, "Produce")
    expect(page.get_by_role("heading", level=1)).to_have_text("Production of Orchard Yogurt")
    expect(page.get_by_role("main")).to_contain_text("No batch is planned yet")
    check_page(page)

    # Plan the next eight weeks (the form suggests eight).
    expect(field(page, "Weeks ahead")).to_have_value("8")
    page.get_by_role("button", name="Plan", exact=True).click()
    expect(page.get_by_role("status").first).to_have_text(
        re.compile(r"^8 new batches are planned, through ")
    )
    expect(page.get_by_role("table", name="8 batches ahead").get_by_role("row")).to_have_count(9)
    check_page(page)

    # Dee is away on the day of one of her batches: the plan gives her place to someone else.
    away = movable_batch(orchard, "dee")
    expect(batch_row(page, away.date)).to_contain_text("dee (you)")
    production_nav(page, "My days away")
    expect(page.get_by_role("heading", level=1)).to_have_text("My days away")
    check_page(page)
    field(page, "First day away").fill(away.date.isoformat())
    field(page, "Note").fill("at the coast")
    page.get_by_role("button", name="Mark me away").click()
    expect(page.get_by_role("status").first).to_have_text(
        f"You are marked away on {shown(away.date)}; the plan is updated."
    )
    expect(page.get_by_role("main")).to_contain_text("at the coast")
    check_page(page)
    production_nav(page, "Batches")
    row = batch_row(page, away.date)
    expect(row).not_to_contain_text("dee")
    expect(row).to_contain_text("eli")
    expect(row).to_contain_text("flo")

    # My shifts say why, and Dee offers one of hers that Eli is not on.
    production_nav(page, "My shifts")
    expect(page.get_by_role("heading", level=1)).to_have_text("My shifts")
    expect(page.get_by_role("main")).to_contain_text(re.compile(r"You: \d+ shifts planned"))
    expect(page.get_by_role("main")).to_contain_text(f"Not on {shown(away.date)}: you are away.")
    # Looking makes no calendar address; the button does.
    expect(page.get_by_label("Your calendar address")).to_have_count(0)
    page.get_by_role("button", name="Make my calendar address").click()
    expect(page.get_by_label("Your calendar address")).to_have_value(
        re.compile(r"/calendar/\S+\.ics$")
    )
    check_page(page)
    offered = movable_batch(orchard, "dee", without="eli")
    page.get_by_role(
        "button", name=f"Offer for swap {offered.date:%a} {offered.date.day} {offered.date:%b}"
    ).click()
    expect(page.get_by_role("status").first).to_contain_text("is on the swap board")
    expect(page.get_by_role("button", name=re.compile("^Withdraw the offer"))).to_have_count(1)
    check_page(page)
    page.screenshot(path=artifacts_dir / "production-shifts.png", full_page=True)

    # Eli, in a browser of his own, takes it from the swap board.
    eli = new_page()
    log_in_to(eli, "eli", "/c/orchard/production/swaps/")
    expect(eli.get_by_role("heading", level=1)).to_have_text("Swap board")
    offers = eli.get_by_role("list", name="Offered shifts").get_by_role("listitem")
    expect(offers).to_have_count(1)
    expect(offers).to_contain_text(f"{shown(offered.date)} · offered by dee")
    check_page(eli)
    offers.get_by_role("button", name=re.compile("^Take it")).click()
    expect(eli.get_by_role("status").first).to_contain_text(
        f"You took dee's shift on {shown(offered.date)}."
    )
    expect(eli.get_by_role("main")).to_contain_text("No shift is on offer.")
    check_page(eli)
    production_nav(eli, "Batches")
    expect(batch_row(eli, offered.date)).to_contain_text("eli (you)")
    assert Shift.objects.filter(batch=offered, member__username="eli").exists()
    assert not Shift.objects.filter(batch=offered, member__username="dee").exists()

    # Back in Dee's browser, the shift is gone from her list.
    page.reload()
    expect(page.get_by_role("main")).not_to_contain_text(shown(offered.date))


def test_a_producer_records_a_batch(orchard, new_page, check_page, time_machine, artifacts_dir):

    production_flow.batches_plan(coop=orchard, weeks=4, by=None)
    first = Batch.objects.filter(coop=orchard).order_by("date").first()
    producer = Shift.objects.filter(batch=first).order_by("slot").first().member.username
    time_machine.move_to(timezone.now() + timedelta(days=8), tick=True)

    page = new_page()
    log_in_to(page, producer, "/c/orchard/production/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Production of Orchard Yogurt")
    batch = page.get_by_role("article").filter(has_text=shown(first.date))
    expect(batch).to_contain_text(f"{producer} (you)")
    check_page(page)

    # A bad figure comes back next to its field, on the batch's own page.
    batch.get_by_label("Quantity made").fill("19")
    batch.get_by_label("Hours spent, all producers together").fill("a while")
    batch.get_by_role("button", name=re.compile("^Mark made")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Batch of {shown(first.date)}")
    hours = page.get_by_label("Hours spent, all producers together")
    expect(hours).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".errorlist")).to_contain_text("Enter the hours spent, e.g. 3.5.")
    check_page(page)
    hours.fill("2.5")
    page.get_by_role("button", name=re.compile("^Mark made")).click()

    expect(page.get_by_role("status").first).to_have_text(
        f"The batch of {shown(first.date)} is recorded as made: 19 quarts."
    )
    expect(page.get_by_role("region", name="Recently recorded")).to_contain_text(
        "made 19 quarts in 2.5 hours"
    )
    # 19 of a target of 20 is made, but not at target.
    expect(page.get_by_role("region", name="Consistency")).to_contain_text(
        "0% of batches made on their day and at target: 0 of 1 due so far."
    )
    check_page(page)
    page.screenshot(path=artifacts_dir / "production-page.png", full_page=True)
