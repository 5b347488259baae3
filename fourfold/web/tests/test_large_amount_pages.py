"""The pay-in and expense forms ask "Are you sure?" about a far larger amount than usual, with
a checkbox to confirm it."""

import re

import pytest

from fourfold.ledger.models import Transaction
from fourfold.testing import MembershipFactory

pytestmark = pytest.mark.django_db

PAY_IN = "/c/home/ledger/pay-in/"
EXPENSE = "/c/home/ledger/expense/"
CHECKBOX = re.compile(r'<input type="checkbox" name="confirm_large"[^>]*>')


@pytest.fixture
def alice_client(client, personas):
    MembershipFactory(coop=personas.coop, user__username="carol")
    client.force_login(personas.alice)
    return client


FORMS = [
    (PAY_IN, {"amount": "1000000", "description": "March share", "own_money": "on"}),
    (
        EXPENSE,
        {
            "amount": "1000000",
            "category": "equipment",
            "payer": "alice",
            "split": ["alice", "bob", "carol"],
        },
    ),
]


@pytest.mark.parametrize(("path", "form"), FORMS)
def test_a_large_amount_asks_are_you_sure_with_a_checkbox_and_records_once_ticked(
    alice_client, path, form
):
    page = alice_client.get(path).content.decode()
    assert not CHECKBOX.search(page)  # no question before there is one to ask
    response = alice_client.post(path, form)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Are you sure? $1,000,000.00 is far above this co-op&#x27;s usual entries" in page
    assert CHECKBOX.search(page)
    assert not Transaction.objects.exists()
    response = alice_client.post(path, {**form, "confirm_large": "on"})
    assert response.status_code == 302
    assert Transaction.objects.filter(kind__in=["contribution", "expense"]).count() == 1


def test_a_usual_pay_in_is_recorded_without_a_question(alice_client):
    response = alice_client.post(PAY_IN, {"amount": "25", "own_money": "on"})
    assert response.status_code == 302
