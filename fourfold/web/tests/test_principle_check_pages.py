"""The pay-in form asks for the member's word that it is their own money; an entry whose
words are asked about shows them with the declaration to tick, and records once ticked."""

import re

import pytest

from fourfold.ledger.models import Transaction

pytestmark = pytest.mark.django_db

PAY_IN = "/c/home/ledger/pay-in/"
EXPENSE = "/c/home/ledger/expense/"
DECLARE = re.compile(r'<input type="checkbox" name="declare" value="(\w+)"[^>]*>')


@pytest.fixture
def alice_client(client, personas):
    client.force_login(personas.alice)
    return client


def test_the_pay_in_form_says_this_is_my_own_money_and_requires_it(alice_client):
    page = alice_client.get(PAY_IN).content.decode()
    assert "This is my own money" in page
    response = alice_client.post(PAY_IN, {"amount": "25"})
    assert response.status_code == 200
    assert "This is my own money" in response.context["form"].errors["own_money"][0]
    assert not Transaction.objects.exists()


def test_the_expense_form_says_what_an_expense_buys(alice_client):
    page = alice_client.get(EXPENSE).content.decode()
    assert "An expense buys goods, space or equipment from a supplier who is not a member" in page


def test_words_asked_about_show_with_the_declaration_and_record_once_ticked(alice_client):
    form = {
        "amount": "12",
        "category": "other",
        "payer": "alice",
        "description": "Paid Joe for making the yogurt",
        "split": ["alice", "bob"],
    }
    page = alice_client.get(EXPENSE).content.decode()
    assert not DECLARE.search(page)
    response = alice_client.post(EXPENSE, form)
    assert response.status_code == 200
    page = response.content.decode()
    assert "“Paid Joe for making”" in page
    assert "I declare: this is not paid labour" in page
    assert DECLARE.search(page).group(1) == "no_paid_staff"
    assert not Transaction.objects.exists()
    response = alice_client.post(EXPENSE, {**form, "declare": "no_paid_staff"})
    assert response.status_code == 302
    posted = Transaction.objects.get(kind="expense")
    assert posted.declaration == "alice declared: this is not paid labour"


def test_a_pay_in_declared_as_members_own_money_is_recorded(alice_client):
    form = {"amount": "20", "description": "raffle", "own_money": "on"}
    response = alice_client.post(PAY_IN, form)
    page = response.content.decode()
    assert "I declare: this is members&#x27; own money" in page
    assert DECLARE.search(page).group(1) == "self_funded"
    response = alice_client.post(PAY_IN, {**form, "declare": "self_funded"})
    assert response.status_code == 302
    assert Transaction.objects.get().declared == "self_funded"
