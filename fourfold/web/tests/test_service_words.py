"""Service wording (issue #15): a bike kitchen's pages, e-mails and calendar feed use no goods
word (batch, collect, quart), while a yogurt co-op's same pages still say batch."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.test import Client
from icalendar import Calendar

from fourfold.cli import report
from fourfold.coops.models import Cooperative
from fourfold.insights.tests.weeks import NOW, AliceWeek, alice_week
from fourfold.ledger.models import Transaction
from fourfold.production import services as production
from fourfold.reminders import services as reminders
from fourfold.testing import Personas
from fourfold.web.tests.histories import build_history
from fourfold.workflows import decisions as decisions_flow
from fourfold.workflows import money as money_flow

pytestmark = pytest.mark.django_db

GOODS_WORDS = re.compile(r"\b(batch(es)?|collect(ed|ion|s|ing)?|quarts?|made)\b", re.IGNORECASE)


class _VisibleText(HTMLParser):
    """The words a reader sees: text outside tags, scripts and styles; no attribute, no URL."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style", "template"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _VisibleText()
    parser.feed(page)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def goods_words_in(text: str) -> list[str]:
    """Each goods word with a little of what surrounds it, to say where it was found."""
    return [
        text[max(0, found.start() - 40) : found.end() + 40] for found in GOODS_WORDS.finditer(text)
    ]


@dataclass
class Story:
    coop: Cooperative
    week: AliceWeek
    feed_token: str
    expense: Transaction
    spread: Transaction


def a_year_of(personas: Personas, *, kind: str) -> Story:
    """Alice's week (one thing of each kind to do) after a year of weekly Wednesdays: in a bike
    kitchen when ``kind`` is a service, in a yogurt co-op when a good."""
    coop = personas.coop
    if kind == Cooperative.Kind.SERVICE:
        coop.kind = kind
        coop.product = "bike repair"
        coop.unit, coop.unit_plural = "repair slot", "repair slots"
    # Wednesdays, beside the Saturdays and Sundays of Alice's week; a low owing limit and
    # short votes, so that the round has a balance and a vote to remind of.
    coop.cadence = "FREQ=WEEKLY;BYDAY=WE"
    coop.voting_days = 2
    coop.owing_limit = 1
    coop.save()
    week = alice_week(personas)
    carol = coop.memberships.get(user__username="carol").user
    build_history(
        coop,
        [personas.alice, personas.bob, carol],
        weeks=52,
        missed=(5,),
        short=(3,),
        titles=("Buy a truing stand", "Open on Saturdays too"),
    )
    feed = production.calendar_feed_ensure(coop=coop, member=personas.alice)
    expense = coop.transactions.filter(kind=Transaction.Kind.EXPENSE).earliest("pk")
    # A budget the three adopted, and a stand bought and spread over the next sessions: the
    # budget page's expected cost and the entry's spread have something to say.
    budget = decisions_flow.proposal_open(
        coop=coop,
        by=personas.alice,
        kind="budget",
        title="Our budget",
        change={"lines": [{"category": "equipment", "amount": "90"}]},
    )
    for member in (personas.alice, personas.bob, carol):
        decisions_flow.vote_cast(proposal=budget, member=member, position="agree")
    spread = money_flow.expense_post(
        coop=coop,
        payer=personas.alice,
        amount=Decimal("40"),
        category="equipment",
        entered_by=personas.alice,
        spread={"batches": 4},
    )
    return Story(coop=coop, week=week, feed_token=feed.token, expense=expense, spread=spread)


def member_pages(story: Story) -> list[str]:
    slug = f"/c/{story.coop.slug}"
    made, planned = story.week.made.pk, story.week.take_batch.pk
    return [
        "/week/",
        f"{slug}/",
        f"{slug}/dashboard/",
        f"{slug}/members/",
        f"{slug}/members/alice/",
        f"{slug}/production/",
        f"{slug}/production/batches/{planned}/",
        f"{slug}/production/shifts/",
        f"{slug}/production/availability/",
        f"{slug}/production/swaps/",
        f"{slug}/shares/",
        f"{slug}/shares/batch/",
        f"{slug}/shares/batches/{made}/",
        f"{slug}/shares/costs/",
        f"{slug}/ledger/",
        f"{slug}/decisions/",
        f"{slug}/decisions/log/",
        f"{slug}/activity/",
        "/notifications/",
        f"{slug}/settings/",
        f"{slug}/settings/?rule=general_cost_mode",
        f"{slug}/decisions/{story.week.proposal.pk}/",
        f"{slug}/ledger/expense/",
        f"{slug}/ledger/statement/",
        f"{slug}/ledger/budget/",
        f"{slug}/ledger/transactions.csv",
        f"{slug}/ledger/balances.csv",
        f"{slug}/ledger/transactions/{story.expense.pk}/receipts/",
        f"{slug}/ledger/transactions/{story.spread.pk}/",
        f"{slug}/shares/membership/leave/",
        "/coops/",
    ]


def read_everything(story: Story, alice) -> dict[str, str]:
    """Every member page as Alice sees it, her calendar feed, and a week of reminder e-mails,
    each as the words a person reads."""
    client = Client()
    client.force_login(alice)
    read: dict[str, str] = {}
    for address in member_pages(story):
        response = client.get(address)
        assert response.status_code == 200, address
        read[address] = visible_text(response.content.decode())
    # What a calendar app shows: the calendar's name, each event's title and description
    # (its UID and categories are for the app, not for people).
    feed = Calendar.from_ical(client.get(f"/calendar/{story.feed_token}.ics").content)
    shown = [str(feed.get("x-wr-calname"))]
    for event in feed.walk("VEVENT"):
        shown += [str(event.get("summary")), str(event.get("description", ""))]
    read["calendar"] = "\n".join(shown)
    # What the treasurer reads in a terminal.
    printed = StringIO()
    report.run(slug=story.coop.slug, as_json=False, stdout=printed)
    read["fourfold report"] = printed.getvalue()
    # Each evening of the week: the day before each shift, votes closing, the balance owed.
    start = datetime.fromisoformat(NOW)
    for day in range(7):
        reminders.round_run(now=start + timedelta(days=day, hours=8))
    for message in mail.outbox:
        if not message.subject.startswith(f"[{story.coop.name}]"):
            continue  # the other co-op's members' e-mails
        read[f"e-mail {message.subject}"] = f"{message.subject}\n{message.body}"
    return read


@pytest.fixture
def travel():
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_bike_kitchen_page_e_mail_and_calendar_feed_use_no_goods_word(travel, personas):
    story = a_year_of(personas, kind=Cooperative.Kind.SERVICE)
    read = read_everything(story, personas.alice)
    letters = [where for where in read if where.startswith("e-mail")]
    assert any("Your shift tomorrow" in where for where in letters), letters
    found = {where: words for where, text in read.items() if (words := goods_words_in(text))}
    assert found == {}
    assert "session" in read[f"/c/{story.coop.slug}/production/"].lower()
    assert "bike repair session" in read["calendar"]


def test_a_yogurt_co_op_still_says_batch(travel, personas):
    story = a_year_of(personas, kind=Cooperative.Kind.GOOD)
    read = read_everything(story, personas.alice)
    slug = f"/c/{story.coop.slug}"
    for where in (f"{slug}/production/", f"{slug}/shares/", "calendar"):
        assert re.search(r"\bbatch(es)?\b", read[where], re.IGNORECASE), where
    assert "session" not in read[f"{slug}/production/"].lower()


def test_what_a_bike_kitchen_tells_a_member_after_booking_and_using_a_slot(travel, personas):
    story = a_year_of(personas, kind=Cooperative.Kind.SERVICE)
    client = Client()
    client.force_login(personas.alice)
    slug = f"/c/{story.coop.slug}"
    week = story.week
    told = [
        client.post(f"{slug}/shares/mine/", {"units": 2}, follow=True),
        client.post(
            f"{slug}/shares/batches/{week.take_batch.pk}/reservation/",
            {f"batch-{week.take_batch.pk}-units": 0},
            follow=True,
        ),
        client.post(f"{slug}/shares/batches/{week.made.pk}/collected/", follow=True),
    ]
    messages = [str(message) for response in told for message in response.context["messages"]]
    assert len(messages) == 3, messages
    assert [goods_words_in(message) for message in messages] == [[], [], []]
    assert "Your booking of the session of" in messages[2]


def test_what_a_bike_kitchen_is_told_when_a_request_is_refused(travel, personas, api_client):
    story = a_year_of(personas, kind=Cooperative.Kind.SERVICE)
    api = api_client(personas.alice)
    base = f"/api/v1/coops/{story.coop.slug}"
    ahead, made = story.week.take_batch, story.week.made
    expense = {"kind": "expense", "amount": "40", "category": "equipment"}
    refused = [
        api.post(f"{base}/ledger/transactions", {**expense, "spread": {"batches": 999}}),
        api.post(
            f"{base}/ledger/transactions",
            {**expense, "batch": made.pk, "spread": {"batches": 4}},
        ),
        api.post(f"{base}/ledger/transactions", {**expense, "batch": 999999}),
        api.put(f"{base}/subscriptions/me", {"units": 999}),
        api.post(f"{base}/batches/{ahead.pk}/made", {"quantity": 3, "hours": "2"}),
        api.post(f"{base}/batches/{made.pk}/missed", {"reason": "rain"}),
        api.post(f"{base}/reservations", {"batch": made.pk, "units": 1}),
        api.post(f"{base}/batches/{ahead.pk}/collected"),
    ]
    told = [(response.status_code, response.json()["detail"]) for response in refused]
    assert all(status in (400, 403, 409) for status, _said in told), told
    assert [said for _status, said in told if goods_words_in(said)] == []
