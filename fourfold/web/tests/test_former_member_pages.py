"""A member who has left (#16): their own statement stays theirs to read, and they settle up
until their balance is zero; every other page of the co-op is a 404 to them."""

import pytest

from fourfold.coops.models import Membership
from fourfold.ledger import selectors as ledger_selectors
from fourfold.ledger.models import Transaction
from fourfold.testing import MembershipFactory
from fourfold.web.tests.test_service_words import visible_text
from fourfold.workflows import membership as membership_flow
from fourfold.workflows import money as money_flow

pytestmark = pytest.mark.django_db

STATEMENT = "/c/home/ledger/statement/"
SETTLE = "/c/home/ledger/settle/"
API = "/api/v1/coops/home"
CLOSED = [
    "/c/home/",
    "/c/home/ledger/",
    "/c/home/shares/",
    "/c/home/production/",
    "/c/home/decisions/",
    "/c/home/activity/",
    "/c/home/members/",
]
CLOSED_API = [
    f"{API}/members",
    f"{API}/ledger/balances",
    f"{API}/ledger/transactions",
    f"{API}/batches",
    f"{API}/proposals",
    f"{API}/ledger/statement?member=alice",
]


@pytest.fixture
def carol(personas):
    """Carol leaves owing 10.00 of the milk Alice bought for the three of them."""
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
    assert ledger_selectors.member_balance(coop=personas.coop, member=carol) == -10
    return carol


@pytest.fixture
def carol_client(client, carol):
    client.force_login(carol)
    return client


def test_a_former_member_reads_their_statement_and_the_plan(carol_client, api_client, carol):
    page = carol_client.get(STATEMENT)
    assert page.status_code == 200
    text = visible_text(page.content.decode())
    assert "you owe the co-op this." in text
    assert "Until your balance is zero you can read your statement and settle up" in text
    assert carol_client.get(SETTLE).status_code == 200
    api = api_client(carol)
    assert api.get(f"{API}/ledger/statement").status_code == 200
    assert api.get(f"{API}/ledger/settlement").status_code == 200


@pytest.mark.parametrize("path", CLOSED)
def test_every_other_page_is_a_404(carol_client, path):
    assert carol_client.get(path).status_code == 404


@pytest.mark.parametrize("path", CLOSED_API)
def test_every_other_endpoint_is_a_404(api_client, carol, path):
    assert api_client(carol).get(path).status_code == 404


def test_a_former_member_settles_and_their_statement_stays(carol_client, client, personas, carol):
    plan = ledger_selectors.settlement_plan(coop=personas.coop)
    recorded = carol_client.post(f"{SETTLE}record/", {"fingerprint": plan.fingerprint})
    assert recorded.status_code == 302
    payment = Transaction.objects.get(kind=Transaction.Kind.TRANSFER, payer=carol)
    assert payment.payee == personas.alice
    # Alice confirms the money arrived: Carol is even.
    money_flow.entry_confirm(coop=personas.coop, transaction_id=payment.pk, member=personas.alice)
    assert ledger_selectors.member_balance(coop=personas.coop, member=carol) == 0

    assert carol_client.get(SETTLE).status_code == 404
    assert carol_client.post(f"{SETTLE}record/").status_code == 404
    settled = carol_client.get(STATEMENT)
    assert settled.status_code == 200
    assert "you are settled: your statement stays here" in visible_text(settled.content.decode())


@pytest.fixture
def dee(personas):
    """Dee paid 20.00 of jars for Alice and Bob and left; Bob pays her back his 10.00."""
    dee = MembershipFactory(coop=personas.coop, user__username="dee").user
    money_flow.expense_post(
        coop=personas.coop,
        payer=dee,
        amount="20.00",
        category="supplies",
        entered_by=dee,
        split={personas.alice: 1, personas.bob: 1},
    )
    membership_flow.membership_leave(coop=personas.coop, member=dee)
    return dee


@pytest.fixture
def paid(personas, dee):
    return money_flow.entry_record(
        coop=personas.coop,
        kind="transfer",
        payer="bob",
        payee="dee",
        amount="10.00",
        entered_by=personas.bob,
    )


def test_a_former_member_owed_money_confirms_the_payment(api_client, personas, dee, paid):
    expense = Transaction.objects.get(kind=Transaction.Kind.EXPENSE, payer=dee)
    api = api_client(dee)
    # Only a settling payment: an entry of another kind stays out of reach.
    assert api.post(f"{API}/ledger/transactions/{expense.pk}/confirm").status_code == 404
    confirmed = api.post(f"{API}/ledger/transactions/{paid.pk}/confirm")
    assert confirmed.status_code == 200, confirmed.json()
    assert confirmed.json()["status"] == "posted"
    assert ledger_selectors.member_balance(coop=personas.coop, member=dee) == 10


def test_the_statement_offers_a_former_member_the_confirm_button(client, personas, dee, paid):
    client.force_login(dee)
    page = client.get(STATEMENT).content.decode()
    assert f'action="/c/home/ledger/transactions/{paid.pk}/confirm/"' in page
    answer = client.post(f"/c/home/ledger/transactions/{paid.pk}/confirm/", {"next": STATEMENT})
    assert answer.status_code == 302 and answer["Location"] == STATEMENT
    assert ledger_selectors.member_balance(coop=personas.coop, member=dee) == 10


def test_a_member_who_never_belonged_still_gets_a_404(client, personas):
    client.force_login(personas.outsider)
    assert client.get(STATEMENT).status_code == 404
    assert client.get(SETTLE).status_code == 404
    assert not Membership.objects.filter(coop=personas.coop, user=personas.outsider).exists()
