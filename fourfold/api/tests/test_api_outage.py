"""A database outage answers as one: the API with a JSON 503 to retry, the web with a calm page;
a deadlock is no outage."""

from __future__ import annotations

import psycopg
import pytest
from django.db import OperationalError
from django.test import Client

pytestmark = pytest.mark.django_db

LEDGER = "/api/v1/coops/home/ledger"


def _unreachable(*args, **kwargs):
    raise OperationalError("connection failed") from psycopg.OperationalError(
        "server closed the connection unexpectedly"
    )


def test_a_database_outage_answers_the_api_with_a_json_503(personas, monkeypatch):
    from fourfold.api.routers import ledger

    monkeypatch.setattr(ledger, "coop_for_member", _unreachable)
    client = Client(raise_request_exception=False)

    response = client.get(
        f"{LEDGER}/balances", HTTP_AUTHORIZATION=f"Bearer {_token(personas.alice)}"
    )

    assert response.status_code == 503
    assert response.json()["code"] == "unavailable"
    assert response["Retry-After"]


def test_a_database_outage_shows_the_web_a_calm_page(personas, monkeypatch):
    from fourfold.web.views import coops

    monkeypatch.setattr(coops, "render", _unreachable)
    client = Client(raise_request_exception=False)
    client.force_login(personas.alice)

    response = client.get("/c/home/")

    assert response.status_code == 503
    assert "try again in a minute" in response.content.decode()


def test_a_deadlock_is_no_outage(personas, monkeypatch):
    from fourfold.api.routers import ledger

    def deadlock(*args, **kwargs):
        raise OperationalError("deadlock detected") from psycopg.errors.DeadlockDetected()

    monkeypatch.setattr(ledger, "coop_for_member", deadlock)
    client = Client(raise_request_exception=False)

    response = client.get(
        f"{LEDGER}/balances", HTTP_AUTHORIZATION=f"Bearer {_token(personas.alice)}"
    )

    assert response.status_code == 500


def _token(user) -> str:
    from fourfold.accounts.services import token_issue

    return token_issue(user=user)
