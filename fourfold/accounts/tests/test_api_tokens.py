from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from fourfold.accounts.models import ApiToken
from fourfold.accounts.services import token_authenticate, token_issue
from fourfold.testing import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ISSUED = "2026-03-02T09:00:00Z"


def test_a_token_ends_ninety_days_after_its_last_use():
    user = UserFactory()
    with time_machine.travel(ISSUED, tick=False) as traveller:
        token = token_issue(user=user)
        traveller.shift(timedelta(days=89))
        assert token_authenticate(token=token) == user  # used: the 90 days start again
        traveller.shift(timedelta(days=89))
        assert token_authenticate(token=token) == user
        traveller.shift(timedelta(days=90))
        assert token_authenticate(token=token) is None


def test_an_unused_token_ends_after_ninety_days():
    user = UserFactory()
    with time_machine.travel(ISSUED, tick=False) as traveller:
        token = token_issue(user=user)
        traveller.shift(timedelta(days=90, seconds=-1))
        assert token_authenticate(token=token) == user
    with time_machine.travel(ISSUED, tick=False) as traveller:
        other = token_issue(user=user)
        traveller.shift(timedelta(days=90))
        assert token_authenticate(token=other) is None


def test_the_last_use_is_written_at_most_once_an_hour(django_assert_num_queries):
    user = UserFactory()
    with time_machine.travel(ISSUED, tick=False) as traveller:
        token = token_issue(user=user)
        traveller.shift(timedelta(minutes=59))
        with django_assert_num_queries(1):  # the read, no write
            assert token_authenticate(token=token) == user
        assert ApiToken.objects.get().last_used_at.isoformat() == "2026-03-02T09:00:00+00:00"
        traveller.shift(timedelta(minutes=2))
        with django_assert_num_queries(2):
            assert token_authenticate(token=token) == user
        assert ApiToken.objects.get().last_used_at.isoformat() == "2026-03-02T10:01:00+00:00"


# --- The API ------------------------------------------------------------------------------


def _bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_a_member_lists_their_tokens_without_their_secrets():
    dee = UserFactory(username="dee")
    UserFactory(username="eve")
    with time_machine.travel(ISSUED, tick=False) as traveller:
        older = token_issue(user=dee)
        traveller.shift(timedelta(days=1))
        current = token_issue(user=dee)
        token_issue(user=UserFactory())
        response = Client().get("/api/v1/auth/tokens", **_bearer(current))
    assert response.status_code == 200
    assert response.json() == [
        {
            "id": ApiToken.objects.get(user=dee, created_at="2026-03-03T09:00:00Z").pk,
            "created_at": "2026-03-03T09:00:00Z",
            "last_used_at": "2026-03-03T09:00:00Z",
            "expires_at": "2026-06-01T09:00:00Z",
            "current": True,
        },
        {
            "id": ApiToken.objects.get(user=dee, created_at=ISSUED).pk,
            "created_at": ISSUED,
            "last_used_at": ISSUED,
            "expires_at": "2026-05-31T09:00:00Z",
            "current": False,
        },
    ]
    assert older not in response.content.decode()
    assert current not in response.content.decode()


def test_an_ended_token_is_not_listed():
    dee = UserFactory(username="dee")
    with time_machine.travel(ISSUED, tick=False) as traveller:
        token_issue(user=dee)
        traveller.shift(timedelta(days=91))
        current = token_issue(user=dee)
        listed = Client().get("/api/v1/auth/tokens", **_bearer(current)).json()
    assert [row["current"] for row in listed] == [True]


def test_a_member_revokes_one_of_their_tokens_by_id():
    dee = UserFactory(username="dee")
    laptop, phone = token_issue(user=dee), token_issue(user=dee)
    laptop_row = ApiToken.objects.filter(user=dee).order_by("pk").first()
    client = Client()
    response = client.delete(f"/api/v1/auth/tokens/{laptop_row.pk}", **_bearer(phone))
    assert response.status_code == 204
    assert client.get("/api/v1/coops", **_bearer(laptop)).status_code == 401
    assert client.get("/api/v1/coops", **_bearer(phone)).status_code == 200


def test_another_persons_token_is_not_found_and_keeps_working():
    dee, eve = UserFactory(username="dee"), UserFactory(username="eve")
    dees = token_issue(user=dee)
    eves = token_issue(user=eve)
    eves_row = ApiToken.objects.get(user=eve)
    client = Client()
    response = client.delete(f"/api/v1/auth/tokens/{eves_row.pk}", **_bearer(dees))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert client.get("/api/v1/coops", **_bearer(eves)).status_code == 200


# --- The web ------------------------------------------------------------------------------


@time_machine.travel(ISSUED, tick=False)
def test_the_tokens_page_lists_them_and_revokes_one(client):
    dee = UserFactory(username="dee")
    token = token_issue(user=dee)
    client.force_login(dee)
    page = client.get("/account/tokens/")
    content = page.content.decode()
    assert content.count("<h1") == 1
    assert content.count('<time datetime="2026-03-02T') == 2  # made, last used
    assert '<time datetime="2026-05-31T' in content  # ends
    assert token not in content
    row = ApiToken.objects.get(user=dee)
    response = client.post(f"/account/tokens/{row.pk}/revoke/", follow=True)
    assert b"The token is revoked" in response.content
    assert token_authenticate(token=token) is None
    assert b"You have no API tokens" in response.content


def test_the_tokens_page_does_not_revoke_another_persons_token(client):
    eve = UserFactory(username="eve")
    eves = token_issue(user=eve)
    client.force_login(UserFactory(username="dee"))
    response = client.post(
        f"/account/tokens/{ApiToken.objects.get(user=eve).pk}/revoke/", follow=True
    )
    assert b"No such token." in response.content
    assert token_authenticate(token=eves) == eve


def test_the_tokens_page_needs_a_login(client):
    response = client.get("/account/tokens/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_my_coops_links_to_the_tokens_page(client):
    client.force_login(UserFactory())
    assert b'href="/account/tokens/"' in client.get("/coops/").content


def test_logging_out_of_the_web_says_the_tokens_stay_signed_in(client):
    dee = UserFactory(username="dee")
    token = token_issue(user=dee)
    client.post("/accounts/login/", {"username": "dee", "password": PASSWORD})
    response = client.post("/accounts/logout/", follow=True)
    content = response.content.decode()
    assert (
        "You are logged out here. Your API tokens and other devices stay signed in; manage "
        'them at <a href="/account/tokens/">your API tokens</a>.'
    ) in content
    assert token_authenticate(token=token) == dee
