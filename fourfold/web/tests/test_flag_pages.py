"""Flagging an entry on the web, and a proposal to reverse one as it reads on its pages."""

import re

import pytest

from fourfold.coops.models import AuditEvent
from fourfold.governance.models import Proposal
from fourfold.ledger import corrections, services
from fourfold.ledger.models import Transaction
from fourfold.workflows import decisions as decisions_flow

pytestmark = pytest.mark.django_db

REASON = "Eli was paid for his shift: wages."


def h1_count(response) -> int:
    return len(re.findall(r"<h1[ >]", response.content.decode()))


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def alice_client(client, personas):
    client.force_login(personas.alice)
    return client


@pytest.fixture
def expense(personas):
    return services.expense_post(
        coop=personas.coop,
        payer=personas.bob,
        amount="25.00",
        category="other",
        supplier="Eli",
        description="help on Sunday",
        entered_by=personas.bob,
        split={personas.alice: 1, personas.bob: 1},
    )


def flag_url(entry, slug="home") -> str:
    return f"/c/{slug}/ledger/transactions/{entry.pk}/flag/"


def test_the_flag_page_says_what_will_happen(alice_client, expense):
    response = alice_client.get(flag_url(expense))
    assert response.status_code == 200
    assert h1_count(response) == 1
    words = text(response)
    assert f"Flag entry #{expense.pk}" in words
    assert f"This opens a proposal to reverse entry #{expense.pk}; the members decide." in words
    page = response.content.decode()
    for principle in ("self_funded", "no_paid_staff", "members_only"):
        assert f'value="{principle}"' in page
    assert 'class="contrast"' in page


def test_flagging_opens_the_proposal_and_shows_it(alice_client, personas, expense):
    response = alice_client.post(
        flag_url(expense), {"principle": "no_paid_staff", "reason": REASON}
    )
    proposal = Proposal.objects.get(kind="reversal")
    assert response.status_code == 302
    assert response["Location"] == f"/c/home/decisions/{proposal.pk}/"
    assert proposal.opened_by == personas.alice
    assert proposal.change == {
        "transaction": expense.pk,
        "principle": "no_paid_staff",
        "reason": REASON,
    }
    page = alice_client.get(response["Location"])
    words = text(page)
    assert f"Reverse entry #{expense.pk}" in words
    assert "Reverse an entry" in words
    assert f"Entry to reverse #{expense.pk}" in words
    assert "Flagged as breaking No paid staff" in words
    assert REASON in words
    assert f"Entry #{expense.pk}: stands → reversed" in words
    assert "the entry's reversal is posted by itself" in words


def test_a_flag_without_a_reason_or_principle_is_refused_on_the_form(alice_client, expense):
    response = alice_client.post(flag_url(expense), {"principle": "flat", "reason": ""})
    assert response.status_code == 200
    assert h1_count(response) == 1
    assert "Select a valid choice" in text(response)
    assert "This field is required" in text(response)
    assert not Proposal.objects.exists()


def test_an_entry_already_being_decided_says_which_proposal(alice_client, personas, expense):
    first = decisions_flow.proposal_open(
        coop=personas.coop,
        by=personas.bob,
        kind="reversal",
        title="",
        change={"transaction": expense.pk},
    )
    response = alice_client.post(
        flag_url(expense), {"principle": "no_paid_staff", "reason": REASON}
    )
    assert response.status_code == 200
    assert f"Proposal #{first.pk} already decides" in text(response)


def test_a_reversed_entry_has_nothing_to_flag(alice_client, personas, expense):
    undone = corrections.transaction_reverse(original=expense, entered_by=personas.bob)
    words = text(alice_client.get(flag_url(expense)))
    assert f"already reversed by #{undone.pk}" in words
    assert "propose reversing it" not in words


def test_an_entry_that_moved_no_money_has_nothing_to_flag(alice_client, personas):
    waiting = services.transfer_post(
        coop=personas.coop,
        payer=personas.bob,
        payee=personas.alice,
        amount="3",
        entered_by=personas.alice,
    )
    words = text(alice_client.get(flag_url(waiting)))
    assert "It has not moved any money yet: it waits for bob" in words
    assert "propose reversing it" not in words


def test_another_coops_entry_is_not_found(alice_client, personas):
    elsewhere = services.contribution_post(
        coop=personas.other_coop, payer=personas.outsider, amount="5", entered_by=personas.outsider
    )
    assert alice_client.get(flag_url(elsewhere)).status_code == 404
    assert alice_client.get(flag_url(elsewhere, slug="elsewhere")).status_code == 404
    response = alice_client.post(flag_url(elsewhere), {"principle": "self_funded", "reason": "x"})
    assert response.status_code == 404
    assert not Proposal.objects.exists()


def test_the_ledger_offers_to_flag_each_entry(alice_client, expense):
    page = alice_client.get("/c/home/ledger/").content.decode()
    assert f'href="{flag_url(expense)}"' in page


def test_an_anonymous_visitor_is_sent_to_log_in(client, personas, expense):
    response = client.get(flag_url(expense))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_reversal_is_proposed_from_the_decisions_page(alice_client, personas, expense):
    response = alice_client.post(
        "/c/home/decisions/", {"kind": "reversal", "title": "", "body": "", "entry": expense.pk}
    )
    proposal = Proposal.objects.get(kind="reversal")
    assert response.status_code == 302
    assert proposal.title == f"Reverse entry #{expense.pk}"
    assert proposal.change == {"transaction": expense.pk}
    # Passed, the page says which reversal it posted.
    for member in (personas.alice, personas.bob):
        decisions_flow.vote_cast(proposal=proposal, member=member, position="agree")
    reversal = Transaction.objects.get(reverses=expense)
    words = text(alice_client.get(f"/c/home/decisions/{proposal.pk}/"))
    assert f"Entry #{expense.pk}: stands → reversed by #{reversal.pk}" in words
    assert AuditEvent.objects.filter(action="ledger.reversal", actor=personas.alice).exists()


def test_the_decisions_form_asks_for_the_entry_of_a_reversal_and_a_title_otherwise(
    alice_client,
):
    response = alice_client.post("/c/home/decisions/", {"kind": "reversal", "title": ""})
    assert "Give the number of the entry to reverse." in text(response)
    response = alice_client.post("/c/home/decisions/", {"kind": "general", "title": ""})
    assert "This field is required." in text(response)
    assert not Proposal.objects.exists()
