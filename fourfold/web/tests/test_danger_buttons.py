"""Every action that cannot simply be taken back looks it (the ``danger`` class) and says what it
will do, in words a screen reader also reads with the button (its ``aria-describedby``)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from html.parser import HTMLParser

import pytest
import time_machine

from fourfold.accounts.services import token_issue
from fourfold.consumption import services as consumption
from fourfold.coops.selectors import coop_today
from fourfold.ledger import recurring
from fourfold.ledger import services as ledger
from fourfold.production.models import Batch
from fourfold.testing import MembershipFactory
from fourfold.web.tests.histories import milk_paid_by_alice
from fourfold.workflows import production as production_flow

pytestmark = pytest.mark.django_db


class Page(HTMLParser):
    """The page's buttons (their classes, text and aria-describedby) and the text of each
    element that has an id."""

    VOID = {"input", "br", "img", "meta", "link", "hr", "source", "wbr"}

    def __init__(self, html: str) -> None:
        super().__init__()
        self.buttons: list[dict[str, str]] = []
        self.text_of: dict[str, str] = {}
        self._open: list[tuple[str, str | None]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        found = dict(attrs)
        if tag == "button":
            self.buttons.append(
                {
                    "class": found.get("class") or "",
                    "describedby": found.get("aria-describedby") or "",
                    "text": "",
                }
            )
        self._open.append((tag, found.get("id")))
        if found.get("id"):
            self.text_of[found["id"] or ""] = ""

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            if self._open.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        for tag, element_id in self._open:
            if element_id:
                self.text_of[element_id] += data
            if tag == "button" and self.buttons:
                self.buttons[-1]["text"] += data

    def danger(self) -> dict[str, str]:
        """Each danger button's words, mapped to what it says it does."""
        return {
            " ".join(b["text"].split()): " ".join(self.text_of.get(b["describedby"], "").split())
            for b in self.buttons
            if "danger" in b["class"].split()
        }


def page(client, url: str) -> Page:
    response = client.get(url)
    assert response.status_code == 200, url
    return Page(response.content.decode())


def assert_explained(found: Page, button: str, *words: str) -> None:
    danger = found.danger()
    matching = [text for text in danger if text.startswith(button)]
    assert matching, f"no danger button {button!r} among {list(danger)}"
    explanation = danger[matching[0]]
    for word in words:
        assert word in explanation, f"{button!r} says {explanation!r}"
    # And every danger button on the page explains itself.
    assert all(danger.values()), danger


def test_reversing_an_entry_says_a_counter_entry_cancels_it(client, personas):
    entry = ledger.contribution_post(
        coop=personas.coop, payer=personas.alice, amount="20.00", entered_by=personas.alice
    )
    client.force_login(personas.alice)
    found = page(client, f"/c/home/ledger/transactions/{entry.pk}/reverse/")
    assert_explained(found, "Reverse it", "a counter-entry cancels this one", "both stay")


def test_declining_and_withdrawing_an_entry_say_no_money_moves(client, personas):
    milk = milk_paid_by_alice(personas)
    client.force_login(personas.alice)
    assert_explained(page(client, "/c/home/ledger/"), f"Decline #{milk.pk}", "never moves")
    client.force_login(personas.bob)
    assert_explained(page(client, "/c/home/ledger/"), f"Withdraw it #{milk.pk}", "never moves")


def test_ending_a_regular_cost_says_no_further_entries_are_made(client, personas):
    recurring.recurring_create(
        coop=personas.coop,
        by=personas.alice,
        payer=personas.alice,
        amount="800",
        category="space",
        description="Kitchen rent",
        cadence="monthly on the 1st",
        starts=date(2031, 4, 1),
    )
    client.force_login(personas.alice)
    found = page(client, "/c/home/ledger/recurring/")
    assert_explained(found, "End it Kitchen rent", "no further entries are made")


def test_leaving_and_pausing_say_what_ends(client, personas):
    consumption.share_set(coop=personas.coop, member=personas.alice, units=2)
    client.force_login(personas.alice)
    found = page(client, "/c/home/shares/")
    assert_explained(found, "Pause my share", "skip the next batches")
    assert_explained(found, "Pause my membership", "no new shifts", "balance stays")
    leave = page(client, "/c/home/shares/membership/leave/")
    assert_explained(leave, "Leave", "membership ends", "new invitation")


def test_removing_a_day_away_says_the_rotation_may_give_shifts_then(client, personas):
    production_flow.unavailability_add(
        coop=personas.coop,
        member=personas.alice,
        start=coop_today(personas.coop) + timedelta(days=30),
        end=coop_today(personas.coop) + timedelta(days=31),
    )
    client.force_login(personas.alice)
    found = page(client, "/c/home/production/availability/")
    assert_explained(found, "Remove", "available again", "shifts")


def test_marking_a_batch_missed_says_it_counts_as_not_made(client, personas):
    MembershipFactory(coop=personas.coop, user__username="carol")
    production_flow.batches_plan(coop=personas.coop, weeks=4, by=personas.alice)
    first = Batch.objects.filter(coop=personas.coop).order_by("date").first()
    noon = datetime.combine(first.date + timedelta(days=1), time(12), tzinfo=personas.coop.zone)
    with time_machine.travel(noon, tick=False):
        producer = first.shifts.filter(member__isnull=False).first().member
        client.force_login(producer)
        found = page(client, f"/c/home/production/batches/{first.pk}/")
    assert_explained(found, "Mark missed", "not made")


def test_revoking_an_api_token_says_what_uses_it_stops(client, personas):
    token_issue(user=personas.alice)
    client.force_login(personas.alice)
    assert_explained(page(client, "/account/tokens/"), "Revoke the token", "stops working")


def test_an_unexplained_danger_button_is_caught():
    found = Page('<form><button class="danger" type="submit">Delete</button></form>')
    assert found.danger() == {"Delete": ""}
    with pytest.raises(AssertionError):
        assert_explained(found, "Delete")
