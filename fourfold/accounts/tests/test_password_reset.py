import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from fourfold.accounts.services import password_reset_allowed
from fourfold.testing import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ASKED = "2026-04-10T08:00:00Z"


def _ask(client, email: str):
    return client.post("/accounts/password-reset/", {"email": email})


def test_one_address_gets_at_most_three_reset_emails_an_hour(client):
    UserFactory(username="dee", email="dee@example.org")
    with time_machine.travel(ASKED, tick=False) as traveller:
        for _ in range(settings.PASSWORD_RESET_LIMIT_PER_HOUR + 2):
            response = _ask(client, "DEE@example.org")
            assert response.status_code == 302
            assert response["Location"] == "/accounts/password-reset/sent/"
        assert len(mail.outbox) == settings.PASSWORD_RESET_LIMIT_PER_HOUR
        traveller.shift(timedelta(hours=1, seconds=1))
        _ask(client, "dee@example.org")
    assert len(mail.outbox) == settings.PASSWORD_RESET_LIMIT_PER_HOUR + 1


def test_the_throttle_is_per_address():
    with time_machine.travel(ASKED, tick=False):
        for _ in range(settings.PASSWORD_RESET_LIMIT_PER_HOUR):
            assert password_reset_allowed(email="dee@example.org")
        assert not password_reset_allowed(email="dee@example.org")
        assert password_reset_allowed(email="eve@example.org")


def test_the_reset_form_answers_the_same_whether_or_not_an_account_exists(client):
    UserFactory(username="dee", email="dee@example.org")
    known = _ask(client, "dee@example.org")
    unknown = _ask(client, "nobody@example.org")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    page = client.get(unknown["Location"]).content.decode()
    assert "If an account has that address, a link to choose a new password is on its way" in (page)
    assert len(mail.outbox) == 1


def test_a_new_password_of_only_spaces_is_refused_at_reset(client):
    dee = UserFactory(username="dee", email="dee@example.org")
    uid = urlsafe_base64_encode(force_bytes(dee.pk))
    token = default_token_generator.make_token(dee)
    step = client.get(f"/accounts/reset/{uid}/{token}/", follow=True)
    spaces = " " * 12
    response = client.post(
        step.redirect_chain[-1][0], {"new_password1": spaces, "new_password2": spaces}
    )
    assert response.status_code == 200
    assert re.search(r"cannot be only spaces", response.content.decode())
    dee.refresh_from_db()
    assert dee.check_password(PASSWORD)
