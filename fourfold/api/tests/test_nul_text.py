"""Text with a NUL character is refused by the API on every database, with a JSON reason:
PostgreSQL cannot store it, so SQLite must not keep it either."""

from __future__ import annotations

import pytest

from fourfold.governance.models import Proposal
from fourfold.ledger.models import Transaction

pytestmark = pytest.mark.django_db

LEDGER = "/api/v1/coops/home/ledger"
REFUSED = {"detail": "Text may not contain NUL characters.", "code": "invalid"}


def test_a_nul_in_a_string_field_is_refused_and_nothing_is_stored(api_client, personas):
    body = {"kind": "contribution", "amount": "5.00", "description": "march\x00share"}
    response = api_client(personas.alice).post(f"{LEDGER}/transactions", body)
    assert (response.status_code, response.json()) == (400, REFUSED)
    assert not Transaction.objects.exists()


def test_a_nul_deep_in_a_body_is_refused(api_client, personas):
    body = {"kind": "choice", "title": "Jars", "options": ["glass", "tin\x00"]}
    response = api_client(personas.alice).post("/api/v1/coops/home/proposals", body)
    assert (response.status_code, response.json()) == (400, REFUSED)
    assert not Proposal.objects.exists()


def test_a_nul_in_a_key_is_refused(api_client, personas):
    body = {"kind": "contribution", "amount": "5.00", "desc\x00ription": "x"}
    response = api_client(personas.alice).post(f"{LEDGER}/transactions", body)
    assert (response.status_code, response.json()) == (400, REFUSED)


def test_a_nul_in_the_query_string_is_refused(api_client, personas):
    response = api_client(personas.alice).get(f"{LEDGER}/transactions?member=ali%00ce")
    assert (response.status_code, response.json()) == (400, REFUSED)


def test_an_escaped_backslash_before_u0000_is_plain_text(api_client, personas):
    # The six characters \u0000 written as text, not a NUL: accepted as they are.
    body = {"kind": "contribution", "amount": "5.00", "description": "see \\u0000"}
    response = api_client(personas.alice).post(f"{LEDGER}/transactions", body)
    assert response.status_code == 201
    assert Transaction.objects.get().description == "see \\u0000"
