import pytest
import time_machine
from django.conf import settings
from django.test import Client, RequestFactory

from fourfold.accounts.models import KnownAddress, LoginFailure
from fourfold.accounts.services import token_authenticate, token_issue, user_login_check
from fourfold.errors import Throttled
from fourfold.testing import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

OWNER, STRANGER = "198.51.100.7", "203.0.113.9"


def _from(address: str):
    return RequestFactory().post("/accounts/login/", REMOTE_ADDR=address)


def _guess(username: str, address: str, attempt: str = "guess"):
    return user_login_check(request=_from(address), username=username, password=attempt)


def _fail(username: str, address: str, times: int) -> None:
    for _ in range(times):
        assert _guess(username, address) is None


def test_a_right_password_logs_in_and_a_wrong_one_does_not():
    user = UserFactory(username="dee")
    assert user_login_check(request=None, username="dee", password=PASSWORD) == user
    assert user_login_check(request=None, username="dee", password="wrong") is None


def test_it_refuses_even_the_right_password_after_too_many_failures():
    UserFactory(username="dee")
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        assert user_login_check(request=None, username="dee", password="guess") is None
    with pytest.raises(Throttled):
        user_login_check(request=None, username="DEE", password=PASSWORD)


def test_the_throttle_lifts_after_the_window():
    user = UserFactory(username="dee")
    with time_machine.travel("2026-05-01T10:00:00Z", tick=False):
        for _ in range(settings.LOGIN_FAILURE_LIMIT):
            user_login_check(request=None, username="dee", password="guess")
    minutes = settings.LOGIN_FAILURE_WINDOW_MINUTES + 1
    with time_machine.travel(f"2026-05-01T10:{minutes:02d}:00Z", tick=False):
        assert user_login_check(request=None, username="dee", password=PASSWORD) == user


def test_a_strangers_failures_do_not_lock_the_owner_out_from_another_address():
    user = UserFactory(username="dee")
    _fail("dee", STRANGER, settings.LOGIN_FAILURE_LIMIT)
    with pytest.raises(Throttled):
        _guess("dee", STRANGER, PASSWORD)
    assert _guess("dee", OWNER, PASSWORD) == user


def test_an_address_that_guesses_across_many_usernames_is_refused():
    UserFactory(username="dee")
    for n in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        assert _guess(f"someone{n}", STRANGER) is None
    with pytest.raises(Throttled) as refused:
        _guess("dee", STRANGER, PASSWORD)
    assert "from your address" in refused.value.detail
    assert _guess("dee", OWNER, PASSWORD) is not None


def test_many_guessers_lock_out_only_clients_the_owner_never_logged_in_from():
    user = UserFactory(username="dee")
    assert _guess("dee", OWNER, PASSWORD) == user  # the owner's address, now known
    for n in range(settings.LOGIN_ACCOUNT_FAILURE_LIMIT):
        assert _guess("dee", f"203.0.113.{n + 1}") is None
    with pytest.raises(Throttled) as refused:
        _guess("dee", "192.0.2.1", PASSWORD)  # a fresh address
    assert "a device you have logged in with before" in refused.value.detail
    assert _guess("dee", OWNER, PASSWORD) == user
    # A browser that logged in as dee before (the web's known-device cookie) also gets in.
    assert (
        user_login_check(
            request=_from("192.0.2.2"), username="dee", password=PASSWORD, device_user_id=user.pk
        )
        == user
    )


def test_a_known_device_cookie_for_someone_else_does_not_help():
    UserFactory(username="dee")
    other = UserFactory(username="eve")
    for n in range(settings.LOGIN_ACCOUNT_FAILURE_LIMIT):
        _guess("dee", f"203.0.113.{n + 1}")
    with pytest.raises(Throttled):
        user_login_check(
            request=_from("192.0.2.2"), username="dee", password=PASSWORD, device_user_id=other.pk
        )


def test_a_refused_attempt_neither_reaches_the_password_nor_prolongs_the_refusal():
    user = UserFactory(username="dee")
    with time_machine.travel("2026-05-01T10:00:00Z", tick=False):
        _fail("dee", STRANGER, settings.LOGIN_FAILURE_LIMIT)
    with time_machine.travel("2026-05-01T10:10:00Z", tick=False), pytest.raises(Throttled):
        _guess("dee", STRANGER, PASSWORD)
    assert LoginFailure.objects.count() == settings.LOGIN_FAILURE_LIMIT
    minutes = settings.LOGIN_FAILURE_WINDOW_MINUTES + 1
    with time_machine.travel(f"2026-05-01T10:{minutes:02d}:00Z", tick=False):
        assert _guess("dee", STRANGER, PASSWORD) == user


def test_logging_in_forgives_the_owners_slips_from_that_address_only():
    UserFactory(username="dee")
    _fail("dee", OWNER, 2)
    _fail("dee", STRANGER, 3)
    assert _guess("dee", OWNER, PASSWORD) is not None
    assert LoginFailure.objects.filter(address=OWNER).count() == 0
    assert LoginFailure.objects.filter(address=STRANGER).count() == 3


# --- Through the web and the API ----------------------------------------------------------


def _web_login(client: Client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


def _api_login(client: Client, username: str, password: str):
    return client.post(
        "/api/v1/auth/token",
        {"username": username, "password": password},
        content_type="application/json",
    )


def test_on_the_web_a_strangers_failures_leave_the_owner_logging_in():
    UserFactory(username="dee")
    stranger = Client(REMOTE_ADDR=STRANGER)
    for _ in range(settings.LOGIN_FAILURE_LIMIT + 3):
        _web_login(stranger, "dee", "guess")
    refused = _web_login(stranger, "dee", PASSWORD)
    assert b"Too many failed attempts" in refused.content
    owner = Client(REMOTE_ADDR=OWNER)
    assert _web_login(owner, "dee", PASSWORD).status_code == 302


def test_on_the_web_the_owners_browser_gets_in_through_a_distributed_attack():
    user = UserFactory(username="dee")
    browser = Client(REMOTE_ADDR=OWNER)
    assert _web_login(browser, "dee", PASSWORD).status_code == 302
    assert browser.cookies["fourfold_device"]["httponly"]
    browser.post("/accounts/logout/")
    KnownAddress.objects.all().delete()  # the owner moves on: only the cookie knows them now
    for n in range(settings.LOGIN_ACCOUNT_FAILURE_LIMIT):
        _web_login(Client(REMOTE_ADDR=f"203.0.113.{n + 1}"), "dee", "guess")
    browser.defaults["REMOTE_ADDR"] = "192.0.2.50"  # from a café
    assert _web_login(browser, "dee", PASSWORD).status_code == 302
    assert browser.session["_auth_user_id"] == str(user.pk)
    fresh = Client(REMOTE_ADDR="192.0.2.51")
    assert b"Too many failed attempts" in _web_login(fresh, "dee", PASSWORD).content


def test_a_forged_device_cookie_is_ignored():
    user = UserFactory(username="dee")
    for n in range(settings.LOGIN_ACCOUNT_FAILURE_LIMIT):
        _web_login(Client(REMOTE_ADDR=f"203.0.113.{n + 1}"), "dee", "guess")
    forger = Client(REMOTE_ADDR="192.0.2.51")
    forger.cookies["fourfold_device"] = str(user.pk)
    assert b"Too many failed attempts" in _web_login(forger, "dee", PASSWORD).content


def test_through_the_api_a_strangers_failures_leave_the_owner_a_token():
    UserFactory(username="dee")
    stranger = Client(REMOTE_ADDR=STRANGER)
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        assert _api_login(stranger, "dee", "guess").status_code == 401
    assert _api_login(stranger, "dee", PASSWORD).status_code == 429
    assert _api_login(Client(REMOTE_ADDR=OWNER), "dee", PASSWORD).status_code == 200


def test_through_the_api_the_address_that_last_logged_in_gets_in_through_an_attack():
    UserFactory(username="dee")
    owner = Client(REMOTE_ADDR=OWNER)
    assert _api_login(owner, "dee", PASSWORD).status_code == 200
    for n in range(settings.LOGIN_ACCOUNT_FAILURE_LIMIT):
        _api_login(Client(REMOTE_ADDR=f"203.0.113.{n + 1}"), "dee", "guess")
    assert _api_login(owner, "dee", PASSWORD).status_code == 200
    assert _api_login(Client(REMOTE_ADDR="192.0.2.51"), "dee", PASSWORD).status_code == 429


def test_through_the_api_one_address_spraying_many_usernames_is_refused():
    UserFactory(username="dee")
    sprayer = Client(REMOTE_ADDR=STRANGER)
    for n in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        assert _api_login(sprayer, f"someone{n}", "guess").status_code == 401
    assert _api_login(sprayer, "dee", PASSWORD).status_code == 429
    assert _api_login(Client(REMOTE_ADDR=OWNER), "dee", PASSWORD).status_code == 200


def test_a_token_names_its_user_and_is_stored_only_as_a_digest():
    user = UserFactory()
    token = token_issue(user=user)
    assert token_authenticate(token=token) == user
    assert token_authenticate(token=token + "x") is None
    assert not user.api_tokens.filter(digest=token).exists()


def test_a_deactivated_users_token_stops_working():
    user = UserFactory()
    token = token_issue(user=user)
    user.is_active = False
    user.save()
    assert token_authenticate(token=token) is None
