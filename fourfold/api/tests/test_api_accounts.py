import pytest
from django.conf import settings

from fourfold.accounts.models import User
from fourfold.testing import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_signup_answers_201_and_the_new_user_can_get_a_token(api_client):
    client = api_client()
    response = client.post(
        "/api/v1/auth/signup",
        {"username": "dee", "email": "dee@example.org", "password": "milk-and-culture"},
    )
    assert response.status_code == 201
    assert response.json() == {"username": "dee", "email": "dee@example.org"}
    response = client.post(
        "/api/v1/auth/token", {"username": "dee", "password": "milk-and-culture"}
    )
    assert response.status_code == 200
    token = response.json()["token"]
    me = client.get("/api/v1/coops", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert me.status_code == 200
    assert me.json() == []


def test_signup_refuses_a_weak_password_with_a_json_error(api_client):
    response = api_client().post(
        "/api/v1/auth/signup", {"username": "dee", "email": "dee@example.org", "password": "123"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["field"] == "password"
    assert not User.objects.exists()


def test_signup_refuses_a_taken_username(api_client):
    UserFactory(username="dee")
    response = api_client().post(
        "/api/v1/auth/signup",
        {"username": "dee", "email": "new@example.org", "password": "milk-and-culture"},
    )
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"


def test_a_missing_field_is_a_json_422(api_client):
    response = api_client().post("/api/v1/auth/signup", {"username": "dee"})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


def test_a_wrong_password_answers_401_and_repeated_failures_429(api_client):
    UserFactory(username="dee")
    client = api_client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        response = client.post("/api/v1/auth/token", {"username": "dee", "password": "guess"})
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_credentials"
    response = client.post("/api/v1/auth/token", {"username": "dee", "password": PASSWORD})
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"


def test_a_bad_token_answers_401_json(api_client):
    response = api_client().get("/api/v1/coops", HTTP_AUTHORIZATION="Bearer nope")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_an_unknown_api_path_answers_json_404(api_client):
    response = api_client().get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_logging_out_ends_the_token_and_only_that_one(client, personas):
    first = client.post(
        "/api/v1/auth/token",
        {"username": "alice", "password": PASSWORD},
        content_type="application/json",
    ).json()["token"]
    second = client.post(
        "/api/v1/auth/token",
        {"username": "alice", "password": PASSWORD},
        content_type="application/json",
    ).json()["token"]
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {first}"}
    assert client.delete("/api/v1/auth/token", **bearer).status_code == 204
    assert client.get("/api/v1/coops", **bearer).status_code == 401
    assert client.get("/api/v1/coops", HTTP_AUTHORIZATION=f"Bearer {second}").status_code == 200
