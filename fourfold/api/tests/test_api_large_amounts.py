import pytest

from fourfold.ledger.models import Transaction

pytestmark = pytest.mark.django_db

TRANSACTIONS = "/api/v1/coops/home/ledger/transactions"


@pytest.mark.parametrize(
    "entry",
    [
        {"kind": "contribution"},
        {"kind": "expense", "category": "equipment", "split": ["alice", "bob"]},
    ],
)
def test_a_large_amount_is_a_400_until_sent_with_confirm_large(api_client, personas, entry):
    client = api_client(personas.alice)
    response = client.post(TRANSACTIONS, {**entry, "amount": "1000000.00"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "confirm_large"
    assert body["detail"].startswith(
        "Are you sure? $1,000,000.00 is far above this co-op's usual entries"
    )
    assert not Transaction.objects.exists()
    response = client.post(TRANSACTIONS, {**entry, "amount": "1000000.00", "confirm_large": True})
    assert response.status_code == 201, response.json()
    assert response.json()["amount"] == "1000000.00"


def test_a_usual_amount_needs_no_confirmation(api_client, personas):
    response = api_client(personas.alice).post(
        TRANSACTIONS, {"kind": "contribution", "amount": "999.99"}
    )
    assert response.status_code == 201


def test_confirm_large_is_documented(api_client):
    schema = api_client().get("/api/v1/openapi.json").json()
    fields = schema["components"]["schemas"]["TransactionIn"]["properties"]
    assert "confirm_large" in fields
