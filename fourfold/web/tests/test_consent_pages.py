"""Nobody moves another member's money without their say, on the web: what waits for a member
is at the top of the ledger with Confirm and Decline, the statement keeps it apart, the
settle-up page records only the member's own part."""

import re
from decimal import Decimal

import pytest

from fourfold.ledger import selectors, services
from fourfold.ledger.models import Transaction
from fourfold.testing import MembershipFactory, consented
from fourfold.web.tests.histories import milk_paid_by_alice
from fourfold.workflows import money as money_flow

pytestmark = pytest.mark.django_db

LEDGER = "/c/home/ledger/"
STATEMENT = "/c/home/ledger/statement/"
SETTLE = "/c/home/ledger/settle/"
SETTLE_RECORD = "/c/home/ledger/settle/record/"


def confirm_url(entry, slug: str = "home") -> str:
    return f"/c/{slug}/ledger/transactions/{entry.pk}/confirm/"


def decline_url(entry, slug: str = "home") -> str:
    return f"/c/{slug}/ledger/transactions/{entry.pk}/decline/"


def balances(coop) -> dict[str, Decimal]:
    return {row.user.username: row.balance for row in selectors.member_balances(coop=coop)}


def section(content: str, heading_id: str) -> str:
    """The HTML of the section labelled by ``heading_id``."""
    match = re.search(rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', content, re.S)
    assert match, heading_id
    return match.group(0)


@pytest.fixture
def carol(personas):
    return MembershipFactory(coop=personas.coop, user__username="carol").user


def test_an_entry_waits_at_the_top_of_the_ledger_for_the_member_it_names(client, personas):
    milk = milk_paid_by_alice(personas)
    client.force_login(personas.alice)
    content = client.get(LEDGER).content.decode()
    mine = section(content, "waiting-heading")
    assert f'id="waiting-{milk.pk}"' in mine
    assert f'action="{confirm_url(milk)}"' in mine
    assert f'action="{decline_url(milk)}"' in mine
    assert 'name="csrfmiddlewaretoken"' in mine
    assert 'class="danger"' in mine
    assert "Pending: waits for alice." in mine
    assert "Lapses" in mine
    # The waiting section comes before the books.
    assert content.index('id="waiting-heading"') < content.index('id="books-heading"')
    # Its row in the list is marked pending in words, not by colour alone.
    row = re.search(rf'<tr id="transaction-{milk.pk}" class="pending">(.*?)</tr>', content, re.S)
    assert row
    assert "pending: waits for alice" in row.group(1)
    assert "nothing to reverse" in row.group(1)


def test_who_entered_it_sees_it_waiting_for_others_and_may_withdraw_it(client, personas):
    milk = milk_paid_by_alice(personas)
    client.force_login(personas.bob)
    content = client.get(LEDGER).content.decode()
    mine = section(content, "waiting-heading")
    assert "Nothing waits for your say." in mine
    theirs = mine[mine.index("Waiting for others") :]
    assert f'id="waiting-{milk.pk}"' in theirs
    assert confirm_url(milk) not in theirs
    assert "Withdraw it" in theirs
    response = client.post(decline_url(milk), follow=True)
    assert "You withdrew" in response.content.decode()
    assert not Transaction.objects.pending().exists()


def test_a_member_not_asked_sees_no_answer_buttons(client, personas, carol):
    milk = milk_paid_by_alice(personas)
    client.force_login(carol)
    content = client.get(LEDGER).content.decode()
    assert confirm_url(milk) not in content
    assert decline_url(milk) not in content
    assert "Nothing waits for your say." in content
    response = client.post(confirm_url(milk), follow=True)
    assert "does not wait for your confirmation" in response.content.decode()
    assert Transaction.objects.pending().filter(pk=milk.pk).exists()


def test_confirming_moves_the_balance(client, personas):
    milk = milk_paid_by_alice(personas)
    assert balances(personas.coop) == {"alice": Decimal("0.00"), "bob": Decimal("0.00")}
    client.force_login(personas.alice)
    response = client.post(confirm_url(milk), {"next": LEDGER}, follow=True)
    assert response.redirect_chain[-1][0] == LEDGER
    content = response.content.decode()
    assert f"You confirmed #{milk.pk}: it is posted and the money has moved." in content
    assert balances(personas.coop) == {"alice": Decimal("20.00"), "bob": Decimal("-20.00")}
    assert "Nothing waits for your say." in content


def test_declining_with_a_reason_moves_nothing_and_shows_the_reason(client, personas):
    milk = milk_paid_by_alice(personas)
    client.force_login(personas.alice)
    response = client.post(decline_url(milk), {"reason": "I bought no milk"}, follow=True)
    assert f"You declined #{milk.pk}: it moves no money." in response.content.decode()
    assert balances(personas.coop) == {"alice": Decimal("0.00"), "bob": Decimal("0.00")}
    client.force_login(personas.bob)
    content = client.get(LEDGER).content.decode()
    row = re.search(rf'<tr id="transaction-{milk.pk}" class="declined">(.*?)</tr>', content, re.S)
    assert row
    assert "declined: alice: I bought no milk" in row.group(1)


def test_a_second_answer_reads_as_a_message(client, personas):
    milk = milk_paid_by_alice(personas)
    client.force_login(personas.alice)
    client.post(decline_url(milk))
    response = client.post(confirm_url(milk), follow=True)
    assert "already declined" in response.content.decode()


def test_a_reason_too_long_is_refused(client, personas):
    milk = milk_paid_by_alice(personas)
    client.force_login(personas.alice)
    response = client.post(decline_url(milk), {"reason": "x" * 501}, follow=True)
    assert "at most 500 characters" in response.content.decode()
    assert Transaction.objects.pending().filter(pk=milk.pk).exists()


def test_another_coops_member_gets_a_404(client, personas):
    milk = milk_paid_by_alice(personas)
    client.force_login(personas.outsider)
    assert client.post(confirm_url(milk)).status_code == 404
    assert client.post(decline_url(milk)).status_code == 404
    # Nor through their own co-op's address.
    other = personas.other_coop.slug
    assert client.post(confirm_url(milk, other)).status_code == 404
    assert client.post(decline_url(milk, other)).status_code == 404
    assert Transaction.objects.pending().filter(pk=milk.pk).exists()


def test_confirm_and_decline_take_only_post(client, personas):
    milk = milk_paid_by_alice(personas)
    client.force_login(personas.alice)
    assert client.get(confirm_url(milk)).status_code == 405
    assert client.get(decline_url(milk)).status_code == 405


def test_an_address_elsewhere_is_not_followed_after_answering(client, personas):
    milk = milk_paid_by_alice(personas)
    client.force_login(personas.alice)
    response = client.post(confirm_url(milk), {"next": "https://evil.example/"})
    assert response["Location"] == f"{LEDGER}#waiting"


def test_the_statement_lists_pending_entries_apart_from_the_balance(client, personas):
    services.contribution_post(
        coop=personas.coop, payer=personas.alice, amount="10", entered_by=personas.alice
    )
    milk = milk_paid_by_alice(personas)
    client.force_login(personas.alice)
    response = client.get(STATEMENT)
    # What she paid, and her share of it: both wait for her.
    assert [
        (line.item.kind, line.change, line.waits_for) for line in response.context["pending"]
    ] == [
        ("cost_allocation", Decimal("-20.00"), "alice"),
        ("expense", Decimal("40.00"), "alice"),
    ]
    assert response.context["pending"][1].item.pk == milk.pk
    assert [line.balance for line in response.context["lines"]] == [Decimal("10.00")]
    assert response.context["balance"] == Decimal("10.00")
    assert "Pending — moves nothing until alice confirms." in response.content.decode()

    # Bob's share waits with the expense: for Alice.
    client.force_login(personas.bob)
    [share] = client.get(STATEMENT).context["pending"]
    assert (share.item.kind, share.change, share.waits_for) == (
        "cost_allocation",
        Decimal("-20.00"),
        "alice",
    )


def test_my_member_page_says_what_waits_for_me(client, personas):
    milk_paid_by_alice(personas)
    client.force_login(personas.alice)
    content = client.get("/c/home/members/alice/").content.decode()
    assert "Waiting for you: 1 entry" in content
    assert f'href="{LEDGER}#waiting"' in content
    assert "Waiting for you" not in client.get("/c/home/members/bob/").content.decode()
    client.force_login(personas.bob)
    assert (
        "Nothing in the ledger waits for your say."
        in client.get("/c/home/members/bob/").content.decode()
    )


def three_owe_alice(personas, carol):
    """Alice paid 30.00 shared by three: Bob and Carol each owe her 10.00."""
    money_flow.expense_post(
        coop=personas.coop,
        payer=personas.alice,
        amount="30.00",
        category="ingredients",
        entered_by=personas.alice,
        split={personas.alice: 1, personas.bob: 1, carol: 1},
    )


def test_the_settle_up_page_shows_my_part_and_the_whole_plan(client, personas, carol):
    three_owe_alice(personas, carol)
    client.force_login(personas.bob)
    content = client.get(SETTLE).content.decode()
    mine = section(content, "mine-heading")
    assert "You pay <strong>alice</strong> $10.00" in mine
    assert "carol" not in mine
    assert "Record that I paid" in mine
    whole = section(content, "plan-heading")
    assert "<strong>carol</strong> pays <strong>alice</strong> $10.00" in whole
    assert "<strong>bob</strong> pays <strong>alice</strong> $10.00" in whole

    client.force_login(personas.alice)
    mine = section(client.get(SETTLE).content.decode(), "mine-heading")
    assert "Nothing: you pay nobody in this plan." in mine
    assert "<strong>bob</strong> pays you $10.00" in mine
    assert "Record that" not in mine


def test_recording_my_part_records_only_it_and_waits_for_the_receiver(client, personas, carol):
    three_owe_alice(personas, carol)
    client.force_login(personas.bob)
    plan = client.get(SETTLE).context["plan"]
    response = client.post(SETTLE_RECORD, {"fingerprint": plan.fingerprint}, follow=True)
    content = response.content.decode()
    assert "Your payment is recorded. Nothing moves until alice confirms the money arrived." in (
        content
    )
    [transfer] = Transaction.objects.filter(kind="transfer")
    assert (transfer.payer, transfer.payee) == (personas.bob, personas.alice)
    assert "Your recorded payments wait for their receivers" in content
    assert "Record that I paid" not in content
    assert "Pending: waits for alice." in section(content, "waiting-heading")

    # Alice confirms it on the same page; Carol still owes.
    client.force_login(personas.alice)
    page = client.get(SETTLE).content.decode()
    assert f'action="/c/home/ledger/transactions/{transfer.pk}/confirm/"' in page
    client.post(confirm_url(transfer), {"next": SETTLE})
    assert balances(personas.coop) == {
        "alice": Decimal("10.00"),
        "bob": Decimal("0.00"),
        "carol": Decimal("-10.00"),
    }


def test_the_pool_paying_me_is_mine_to_record(client, personas, carol):
    services.contribution_post(
        coop=personas.coop, payer=personas.alice, amount="10", entered_by=personas.alice
    )
    client.force_login(personas.alice)
    content = client.get(SETTLE).content.decode()
    assert "The pool pays you $10.00" in content
    assert "Record that the pool paid me" in content
    client.post(SETTLE_RECORD)
    transfer = Transaction.objects.get(kind="transfer")
    assert transfer.payer is None
    consented(transfer)
    assert "there is nothing to settle" in client.get(SETTLE).content.decode()


def test_reversing_someone_elses_entry_says_it_waits_for_them(client, personas):
    jars = money_flow.expense_post(
        coop=personas.coop,
        payer=personas.alice,
        amount="8.00",
        category="supplies",
        entered_by=personas.alice,
        split={personas.alice: 1, personas.bob: 1},
    )
    client.force_login(personas.bob)
    url = f"/c/home/ledger/transactions/{jars.pk}/reverse/"
    page = client.get(url).content.decode()
    assert "it waits for alice to confirm, and nothing moves until they do" in page
    assert "Ask to reverse it" in page
    assert 'class="danger"' in page
    response = client.post(url, {"reason": "never bought"}, follow=True)
    request = Transaction.objects.get(kind="reversal_request")
    assert (
        f"Your request to reverse #{jars.pk} is #{request.pk}. It waits for alice to confirm"
        in response.content.decode()
    )
    before = balances(personas.coop)
    assert before == {"alice": Decimal("4.00"), "bob": Decimal("-4.00")}

    # Alice sees the request at the top and confirms: the reversal is posted.
    client.force_login(personas.alice)
    mine = section(client.get(LEDGER).content.decode(), "waiting-heading")
    assert f"Confirming posts the reversal of #{jars.pk}" in mine
    client.post(confirm_url(request))
    assert set(balances(personas.coop).values()) == {Decimal("0.00")}


def test_reversing_my_own_entry_says_it_happens_at_once(client, personas):
    own = services.contribution_post(
        coop=personas.coop, payer=personas.alice, amount="5", entered_by=personas.alice
    )
    client.force_login(personas.alice)
    page = client.get(f"/c/home/ledger/transactions/{own.pk}/reverse/").content.decode()
    assert "This is your own entry and names nobody else: it is reversed at once." in page


def test_a_pending_entry_is_not_offered_for_reversal(client, personas):
    milk = milk_paid_by_alice(personas)
    client.force_login(personas.bob)
    page = client.get(f"/c/home/ledger/transactions/{milk.pk}/reverse/").content.decode()
    assert "It has not moved any money yet: it waits for alice, who can decline it." in page
    assert "Reverse it" not in page


def test_an_entrys_page_shows_where_it_stands_and_its_history(client, personas):
    entry = milk_paid_by_alice(personas)
    client.force_login(personas.alice)
    client.post(confirm_url(entry))
    page = client.get(f"/c/home/ledger/transactions/{entry.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count("<h1") == 1
    assert "posted: the money moved" in text
    assert text.index("recorded an expense") < text.index(f"alice confirmed entry #{entry.pk}")
    client.force_login(personas.outsider)
    assert client.get(f"/c/home/ledger/transactions/{entry.pk}/").status_code == 404
    assert client.get(f"/c/elsewhere/ledger/transactions/{entry.pk}/").status_code == 404
