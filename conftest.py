import pytest
from django.test import Client

from fourfold.accounts.services import token_issue
from fourfold.testing import make_personas


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
