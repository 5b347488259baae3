"""The API answers in the request's Accept-Language, and a member sets their language (for
what fourfold sends them) on /api/v1/me."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db


def patch_me(client, language: str):
    return client.patch(
        "/api/v1/me",
        json.dumps({"language": language}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {client.token}",
    )


def test_an_error_answers_in_the_requests_language(api_client):
    # Django's password validators speak German from Django's own catalogue: this shows the
    # request's language is active while the API words its error.
    response = api_client().post(
        "/api/v1/auth/signup",
        {"username": "newt", "email": "newt@example.org", "password": "abc"},
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert response.status_code == 400
    assert response["Content-Language"] == "de"
    assert "Dieses Passwort ist zu kurz" in response.json()["detail"]


def test_the_api_follows_the_request_not_the_members_saved_language(personas, api_client):
    personas.alice.language = "de"
    personas.alice.save(update_fields=["language"])
    response = api_client(personas.alice).get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="fr")
    assert response["Content-Language"] == "fr"


def test_a_member_reads_and_sets_their_language(personas, api_client):
    client = api_client(personas.alice)
    assert client.get("/api/v1/me").json()["language"] == ""
    response = patch_me(client, "pt-br")
    assert response.status_code == 200
    assert response.json() == {
        "username": "alice",
        "email": personas.alice.email,
        "language": "pt-br",
    }
    personas.alice.refresh_from_db()
    assert personas.alice.language == "pt-br"


def test_a_language_not_offered_is_refused(personas, api_client):
    client = api_client(personas.alice)
    response = patch_me(client, "ja")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    personas.alice.refresh_from_db()
    assert personas.alice.language == ""


def test_me_needs_a_token(api_client):
    assert api_client().get("/api/v1/me").status_code == 401
