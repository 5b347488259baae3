import pytest
import time_machine
from django.test import Client
from django.utils import translation

from fourfold.accounts.services import token_issue
from fourfold.testing import make_personas, suite_instant

# The tests whose outcome turns on the calendar (planning, deadlines, windows, months, local
# dates): `make test-calendar` runs them at each awkward instant.
DATE_SENSITIVE = (
    "fourfold/production/",
    "fourfold/consumption/",
    "fourfold/governance/",
    "fourfold/insights/",
    "fourfold/reminders/",
    "fourfold/coops/",
    "fourfold/lib/tests/test_dates.py",
    "fourfold/api/tests/test_api_production.py",
    "fourfold/api/tests/test_api_consumption.py",
    "fourfold/api/tests/test_api_governance.py",
    "fourfold/api/tests/test_api_insights.py",
    "fourfold/api/tests/test_contract.py",
    "fourfold/web/tests/test_production_pages.py",
    "fourfold/web/tests/test_consumption_pages.py",
    "fourfold/web/tests/test_governance_pages.py",
    "fourfold/web/tests/test_dashboard_pages.py",
    "fourfold/ledger/tests/test_settlement_and_statement.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.nodeid.startswith(DATE_SENSITIVE):
            item.add_marker(pytest.mark.calendar)


@pytest.fixture(autouse=True)
def _a_fixed_instant():
    with time_machine.travel(suite_instant(), tick=True):
        yield


@pytest.fixture(autouse=True)
def _no_task_queued_before():
    """Each test starts with an empty task queue: the test backend keeps what earlier tests
    queued."""
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks.backends.dummy import DummyBackend

    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    if isinstance(backend, DummyBackend):
        backend.clear()


@pytest.fixture(autouse=True)
def _the_installations_language():
    """Each test starts in English: a request's language (LocaleMiddleware activates it for
    the thread, as a request in a server does) does not carry into the next test's code."""
    yield
    translation.deactivate()


@pytest.fixture
def personas(db):
    return make_personas()


class ApiClient(Client):
    """A test client that speaks JSON to /api/v1 with an optional bearer token."""

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.token = token_issue(user=user) if user is not None else None

    def _auth(self, extra):
        if self.token:
            extra.setdefault("HTTP_AUTHORIZATION", f"Bearer {self.token}")
        return extra

    def get(self, path, data=None, **extra):
        return super().get(path, data, **self._auth(extra))

    def post(self, path, data=None, **extra):
        return super().post(
            path,
            data if data is not None else {},
            content_type="application/json",
            **self._auth(extra),
        )

    def put(self, path, data=None, **extra):
        return super().put(
            path,
            data if data is not None else {},
            content_type="application/json",
            **self._auth(extra),
        )

    def delete(self, path, data=None, **extra):
        return super().delete(path, data, content_type="application/json", **self._auth(extra))


@pytest.fixture
def api_client(db):
    """``api_client(user)`` gives a client authenticated as ``user``; ``api_client()`` anonymous."""
    return lambda user=None: ApiClient(user)
