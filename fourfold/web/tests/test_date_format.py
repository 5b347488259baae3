"""One date format everywhere: "Tue 1 Dec 2026" and "Tue 1 Dec 2026, 16:45", in the co-op's
time zone, never Django's "Dec. 1, 2026" or "4:45 p.m."."""

import re
from datetime import UTC, date, datetime

import pytest
import time_machine

from fourfold.governance import votes as governance_votes
from fourfold.ledger import services as ledger
from fourfold.workflows import decisions as decisions_flow
from fourfold.workflows import production as production_flow

pytestmark = pytest.mark.django_db

# 16:45 in Somerville (the personas' co-op is in New York), 21:45 UTC.
NOW = datetime(2026, 12, 1, 21, 45, tzinfo=UTC)
MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
DJANGO_STYLE = re.compile(rf"\b({MONTHS}|Sept)\. \d|\b[ap]\.m\.|\bnoon\b|\bmidnight\b")
ONE_DAY = re.compile(rf"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{{1,2}} ({MONTHS}) \d{{4}}\b")


def visible(html: str) -> str:
    """The page's text, without tags and attributes (a ``datetime=`` is for machines)."""
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture
def history(personas):
    with time_machine.travel(NOW, tick=False):
        coop = personas.coop
        ledger.contribution_post(
            coop=coop, payer=personas.alice, amount="40.00", entered_by=personas.alice
        )
        proposal = decisions_flow.proposal_open(
            coop=coop, by=personas.alice, kind="general", title="Buy a bigger pot"
        )
        governance_votes.proxy_grant(
            coop=coop, giver=personas.bob, holder=personas.alice, until=date(2026, 12, 24)
        )
        production_flow.unavailability_add(
            coop=coop, member=personas.alice, start=date(2026, 12, 10), end=date(2026, 12, 12)
        )
        production_flow.batches_plan(coop=coop, weeks=4, by=personas.alice)
    return proposal


def test_the_main_pages_write_every_date_the_one_way(client, personas, history):
    pages = [
        "/c/home/",
        "/c/home/members/",
        "/c/home/members/alice/",
        "/c/home/ledger/",
        "/c/home/ledger/statement/",
        "/c/home/decisions/",
        f"/c/home/decisions/{history.pk}/",
        "/c/home/production/",
        "/c/home/production/shifts/",
        "/c/home/shares/",
        "/c/home/dashboard/",
    ]
    with time_machine.travel(NOW, tick=False):
        # Logged in at the instant the pages are read, so the session has not run out.
        client.force_login(personas.bob)
        texts = {}
        for path in pages:
            response = client.get(path)
            assert response.status_code == 200, path
            texts[path] = visible(response.content.decode())
        client.force_login(personas.alice)
        texts["away"] = visible(client.get("/c/home/production/availability/").content.decode())
    for path, text in texts.items():
        assert not DJANGO_STYLE.search(text), (path, DJANGO_STYLE.search(text))
    assert "Tue 1 Dec 2026, 16:45" in texts["/c/home/ledger/"]
    assert ONE_DAY.search(texts["/c/home/members/"])
    assert ONE_DAY.search(texts["/c/home/members/alice/"])
    assert "Tue 8 Dec 2026, 16:45" in texts[f"/c/home/decisions/{history.pk}/"]
    assert "Thu 24 Dec 2026" in texts[f"/c/home/decisions/{history.pk}/"]
    assert "Thu 10 Dec 2026" in texts["away"]
