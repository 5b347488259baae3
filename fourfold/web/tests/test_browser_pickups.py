"""A shared phone at the fridge on a pick-up evening: it checks members off, takes back a
mark made by mistake, and keeps a mark made while the connection is down until it is back,
when it reaches the server exactly once."""

from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine
from playwright.sync_api import expect

from fourfold.consumption import services
from fourfold.consumption.models import Allocation
from fourfold.coops.models import AuditEvent, Cooperative
from fourfold.production.models import Batch, Shift
from fourfold.testing import PASSWORD, MembershipFactory
from fourfold.web.tests.test_browser_pwa import wait_until_kept
from fourfold.workflows import membership as membership_flow
from fourfold.workflows import money as money_flow
from fourfold.workflows import production as production_flow

pytestmark = pytest.mark.browser

SUNDAY_EVENING = "2026-06-14T18:00:00-04:00"
WAITING = "fourfold-pickups-waiting"


@pytest.fixture
def batch(personas):
    with time_machine.travel(SUNDAY_EVENING, tick=True):
        members = [personas.alice, personas.bob]
        members += [
            MembershipFactory(coop=personas.coop, user__username=name).user
            for name in ("carol", "dave", "erin")
        ]
        for member in members:
            services.share_set(coop=personas.coop, member=member, units=1)
        production_flow.batches_plan(coop=personas.coop, weeks=1, by=None, today=date(2026, 6, 10))
        planned = Batch.objects.get(coop=personas.coop)
        producer = Shift.objects.filter(batch=planned).exclude(member=None).first().member
        yield production_flow.batch_record_made(
            batch=planned, by=producer, quantity=10, hours="3", today=planned.date
        )


def collected(batch) -> dict[str, str | None]:
    return {
        a.member.username: (a.collected_by.username if a.collected_by else None)
        for a in Allocation.objects.filter(batch=batch).select_related("member", "collected_by")
    }


def marks_of(username: str) -> list[str]:
    member = Allocation.objects.get(member__username=username).member
    return list(
        AuditEvent.objects.filter(
            action__startswith="consumption.collected", data__member=member.pk
        )
        .order_by("pk")
        .values_list("action", flat=True)
    )


def button_for(page, label: str, username: str):
    # The member's name is in the button for a screen reader, hidden on screen.
    return page.get_by_role("button", name=re.compile(rf"^{label}\W+{username}$"))


def row(page, username: str):
    return page.locator("li.pickup", has=page.get_by_text(username, exact=True))


def test_a_shared_phone_checks_members_off_online_and_offline(batch, page, check_page):
    path = f"/c/home/batches/{batch.pk}/pickups/"
    page.goto(f"/accounts/login/?next={path}")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pick-up list of Sun 14 Jun 2026")
    # The worker installs on the first page; from the next load it keeps the list.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    wait_until_kept(page, path, kept=True)
    check_page(page)
    button = button_for(page, "Collected", "bob")
    box = button.bounding_box()
    assert box is not None and box["height"] >= 44, box

    for name in ("bob", "carol", "dave"):
        button_for(page, "Collected", name).click()
        expect(button_for(page, "Undo", name)).to_be_visible()
    # Carol was not there: that one was a slip of the thumb.
    button_for(page, "Undo", "carol").click()
    expect(button_for(page, "Collected", "carol")).to_be_visible()
    expect(row(page, "bob")).to_contain_text("marked by alice")
    assert collected(batch) == {
        "alice": None,
        "bob": "alice",
        "carol": None,
        "dave": "alice",
        "erin": None,
    }
    assert marks_of("carol") == ["consumption.collected", "consumption.collected_undone"]

    search = page.get_by_label("Find a name")
    search.fill("ER")
    expect(page.locator("li.pickup:visible")).to_have_count(1)
    expect(row(page, "erin")).to_be_visible()

    page.context.set_offline(True)
    button_for(page, "Collected", "erin").click()
    expect(row(page, "erin")).to_contain_text("Waiting to sync")
    expect(button_for(page, "Undo", "erin")).to_be_visible()
    assert collected(batch)["erin"] is None
    # Reloaded offline, the list kept on the phone still shows the mark waiting.
    page.reload()
    expect(row(page, "erin")).to_contain_text("Waiting to sync")
    check_page(page)

    page.context.set_offline(False)
    expect(row(page, "erin")).to_contain_text("marked by alice")
    expect(row(page, "erin")).not_to_contain_text("Waiting to sync")
    assert page.evaluate(f"localStorage.getItem('{WAITING}')") == "{}"
    assert collected(batch)["erin"] == "alice"
    assert marks_of("erin") == ["consumption.collected"]
    # A second phone (or a replay cut halfway) sending the same mark again changes nothing.
    page.evaluate(
        f"localStorage.setItem('{WAITING}', JSON.stringify({{"
        f"'/api/v1/coops/home/batches/{batch.pk}/pickups/erin': {{method: 'POST'}}}}))"
    )
    page.reload()
    expect(row(page, "erin")).not_to_contain_text("Waiting to sync")
    page.wait_for_function(f"localStorage.getItem('{WAITING}') === '{{}}'")
    assert marks_of("erin") == ["consumption.collected"]
    check_page(page)


def log_in(page, username: str, path: str) -> None:
    page.goto(f"/accounts/login/?next={path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_service_coops_desk_checks_members_in(batch, personas, page, check_page):
    Cooperative.objects.filter(pk=personas.coop.pk).update(
        kind=Cooperative.Kind.SERVICE, unit="slot", unit_plural="slots"
    )
    log_in(page, "bob", f"/c/home/batches/{batch.pk}/pickups/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check-in list of Sun 14 Jun 2026")
    button_for(page, "Checked in", "erin").click()
    expect(row(page, "erin")).to_contain_text("Checked in Sun 14 Jun 2026")
    check_page(page)


def test_a_former_members_statement_fits_a_phone(personas, page, check_page):
    with time_machine.travel(SUNDAY_EVENING, tick=True):
        carol = MembershipFactory(coop=personas.coop, user__username="carol").user
        money_flow.expense_post(
            coop=personas.coop,
            payer=personas.alice,
            amount="30.00",
            category="ingredients",
            entered_by=personas.alice,
            split={personas.alice: 1, personas.bob: 1, carol: 1},
        )
        membership_flow.membership_leave(coop=personas.coop, member=carol)
        log_in(page, "carol", "/c/home/ledger/statement/")
        expect(page.get_by_role("heading", level=1)).to_have_text("My statement")
        expect(page.get_by_role("main")).to_contain_text("You have left Home Co-op")
        check_page(page)
        page.get_by_role("link", name="Settle up", exact=True).last.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Settle up")
        check_page(page)
