"""Races settled by the database (PostgreSQL only: SQLite serialises every writer)."""

import pytest
from django.conf import settings
from django.db import connection

from fourfold.accounts.models import LoginFailure
from fourfold.accounts.services import user_login_check
from fourfold.errors import Throttled
from fourfold.testing import UserFactory, race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("a real race needs PostgreSQL")


def test_thirty_concurrent_wrong_guesses_check_no_more_than_the_limit():
    UserFactory(username="dee")

    def guess():
        return user_login_check(request=None, username="dee", password="wrong-guess")

    results = race(30, guess)
    checked = [result for result in results if result is None]
    refused = [result for result in results if isinstance(result, Throttled)]
    assert len(checked) + len(refused) == 30, results
    assert len(checked) <= settings.LOGIN_FAILURE_LIMIT, len(checked)
    # What stays recorded is what was checked: the refused attempts left no row behind.
    assert LoginFailure.objects.count() == len(checked)
