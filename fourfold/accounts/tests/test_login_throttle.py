import pytest
import time_machine
from django.conf import settings

from fourfold.accounts.services import token_authenticate, token_issue, user_login_check
from fourfold.errors import Throttled
from fourfold.testing import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


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
