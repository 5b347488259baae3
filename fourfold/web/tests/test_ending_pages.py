"""Ending early by proposal on the pages (#14): a spread expense's page links to proposing its
end and, once ended, says how; the regular costs link to proposing theirs; the decisions form
opens both kinds with the right change and explains what the rules refuse."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from fourfold.governance.models import Proposal
from fourfold.ledger import recurring
from fourfold.workflows import decisions as decisions_flow
from fourfold.workflows import money as money_flow

pytestmark = pytest.mark.django_db

# A fixed today, years from the real one.
TODAY = datetime(2031, 3, 10, 12, tzinfo=ZoneInfo("America/New_York"))
DECISIONS = "/c/home/decisions/"
RECURRING = "/c/home/ledger/recurring/"


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def one_heading(response) -> bool:
    return len(re.findall(r"<h1[ >]", response.content.decode())) == 1


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def alice_client(client, personas):
    client.force_login(personas.alice)
    return client


@pytest.fixture
def stand(personas):
    return money_flow.entry_record(
        coop=personas.coop,
        entered_by=personas.alice,
        kind="expense",
        amount="240.00",
        category="equipment",
        supplier="Hardware store",
        description="A stand",
        spread={"batches": 12},
    )


@pytest.fixture
def rent(personas):
    return recurring.recurring_create(
        coop=personas.coop,
        by=personas.bob,
        amount="800.00",
        category="space",
        description="Kitchen rent",
        payer=personas.bob,
        cadence="monthly on the 1st",
        starts=TODAY.date(),
    )


def entry_url(entry) -> str:
    return f"/c/home/ledger/transactions/{entry.pk}/"


def _agree(personas, proposal: Proposal) -> None:
    for member in (personas.alice, personas.bob):
        decisions_flow.vote_cast(proposal=proposal, member=member, position="agree")


def test_a_running_spread_links_to_proposing_its_end_preselected(alice_client, stand):
    page = alice_client.get(entry_url(stand))
    assert page.status_code == 200 and one_heading(page)
    link = f"{DECISIONS}?kind=spread_end&amp;transaction={stand.pk}#propose"
    assert link in page.content.decode()
    assert "Propose ending it early" in text(page)

    form = alice_client.get(f"{DECISIONS}?kind=spread_end&transaction={stand.pk}")
    html = form.content.decode()
    assert one_heading(form)
    assert 'value="spread_end" selected' in html
    assert f'value="{stand.pk}" selected' in html
    assert f"#{stand.pk} A stand: $240.00, $240.00 still to charge" in text(form)
    assert "written off now, shared equally by the members" in text(form)


@pytest.mark.parametrize(
    ("rest", "says"),
    [
        ("next_batch", "the rest ($240.00) goes to the next batch made."),
        ("write_off", "the rest ($240.00) was written off, shared equally by the members."),
    ],
)
def test_the_form_opens_a_spread_end_and_the_page_says_how_it_ended(
    alice_client, personas, stand, rest, says
):
    answer = alice_client.post(
        DECISIONS, {"kind": "spread_end", "title": "", "transaction": stand.pk, "rest": rest}
    )
    assert answer.status_code == 302, text(answer)[:2000]
    proposal = Proposal.objects.get(coop=personas.coop, kind="spread_end")
    assert proposal.change == {"transaction": stand.pk, "rest": rest}
    assert proposal.title == f"End spread entry #{stand.pk} early"

    _agree(personas, proposal)

    page = alice_client.get(entry_url(stand))
    # The proposal's number is a link: its tag leaves a space before the colon.
    assert f"Ended early on Mon 10 Mar 2031 by proposal #{proposal.pk} : {says}" in text(page)
    assert f'href="/c/home/decisions/{proposal.pk}/"' in page.content.decode()
    assert "Propose ending it early" not in text(page)
    # Ended, it is no longer offered for ending.
    assert f"#{stand.pk} A stand" not in text(alice_client.get(DECISIONS))


def test_the_form_explains_what_it_needs_and_what_the_rules_refuse(alice_client, personas, stand):
    contribution = money_flow.entry_record(
        coop=personas.coop,
        entered_by=personas.alice,
        kind="contribution",
        amount="20.00",
    )
    missing = alice_client.post(DECISIONS, {"kind": "spread_end", "title": ""})
    assert missing.status_code == 200
    assert "Choose the spread cost to end." in text(missing)
    assert "Say where the rest goes." in text(missing)
    refused = alice_client.post(
        DECISIONS,
        {"kind": "spread_end", "title": "", "transaction": contribution.pk, "rest": "write_off"},
    )
    assert refused.status_code == 200
    assert f"Entry #{contribution.pk} is no spread cost of this co-op." in text(refused)
    no_cost = alice_client.post(DECISIONS, {"kind": "recurring_end", "title": ""})
    assert "Choose the regular cost to end." in text(no_cost)
    unknown = alice_client.post(
        DECISIONS, {"kind": "recurring_end", "title": "", "recurring": 99999}
    )
    assert "No regular cost #99999 in this co-op." in text(unknown)
    assert not Proposal.objects.filter(coop=personas.coop).exists()


def test_a_running_regular_cost_links_to_proposing_its_end(alice_client, personas, rent):
    page = alice_client.get(RECURRING)
    assert one_heading(page)
    link = f"{DECISIONS}?kind=recurring_end&amp;recurring={rent.pk}#propose"
    assert link in page.content.decode()
    assert "Propose ending it" in text(page)

    form = alice_client.get(f"{DECISIONS}?kind=recurring_end&recurring={rent.pk}")
    assert 'value="recurring_end" selected' in form.content.decode()
    assert f'value="{rent.pk}" selected' in form.content.decode()
    assert f"#{rent.pk} Kitchen rent: $800.00" in text(form)

    answer = alice_client.post(
        DECISIONS, {"kind": "recurring_end", "title": "", "recurring": rent.pk}
    )
    assert answer.status_code == 302, text(answer)[:2000]
    proposal = Proposal.objects.get(coop=personas.coop, kind="recurring_end")
    assert proposal.change == {"recurring": rent.pk}

    _agree(personas, proposal)

    after = alice_client.get(RECURRING)
    assert f"by proposal #{proposal.pk}" in text(after)
    assert "?kind=recurring_end" not in after.content.decode()
