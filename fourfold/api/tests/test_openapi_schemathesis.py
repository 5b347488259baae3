"""The API keeps the promises of its OpenAPI document, checked by schemathesis.

Schemathesis reads the document, generates requests for every operation (valid ones and
broken ones) and checks every answer: no server error, a documented status code and content
type, a body that fits the documented schema, valid input accepted, invalid input refused.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from fourfold.accounts import services as accounts_services
from fourfold.coops.models import Invitation
from fourfold.coops.services import invitation_create
from fourfold.wsgi import application

OPENAPI_URL = "/api/v1/openapi.json"
# An open invitation to the outsider's co-op, so accepting one can succeed (once).
INVITATION_CODE = "come-and-join-elsewhere"
# Known before the database exists: schemathesis builds some requests while collecting.
ALICE_TOKEN = "alice-token-for-schemathesis"

CONFIG = SchemathesisConfig.from_dict(
    {
        # Alice's co-op and a real invitation, so the requests reach past "not found".
        "parameters": {"path.slug": "home", "path.code": INVITATION_CODE},
        "checks": {
            # A request the schema allows may still break a rule no schema can state (a
            # common password, a taken slug, an unknown currency): the documented 400 and
            # 409 say so.
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "3xx", 400, 401, 403, 404, 409, 429]
            },
        },
        # Unknown query parameters are ignored on purpose (cache busters, tracking tags), as
        # HTTP APIs commonly do; don't count accepting them as a failure.
        "generation": {"allow-extra-parameters": False},
        # Declared as the document's security scheme, so schemathesis also leaves it out on
        # purpose to check that the API then refuses.
        "auth": {"openapi": {"BearerToken": {"bearer": ALICE_TOKEN}}},
    }
)
schema = schemathesis.openapi.from_wsgi(OPENAPI_URL, application, config=CONFIG)


@pytest.fixture
def same_connection():
    """The requests go straight through the WSGI app in this thread. Keep Django from closing
    the test's database connection (and its transaction) after each one, as its test client
    does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(personas, same_connection, monkeypatch):
    """The personas, Alice's token, and an invitation for her to another co-op."""
    with monkeypatch.context() as patch:
        patch.setattr(
            accounts_services, "secrets", SimpleNamespace(token_urlsafe=lambda n: ALICE_TOKEN)
        )
        accounts_services.token_issue(user=personas.alice)
    invitation = invitation_create(coop=personas.other_coop, by=personas.outsider)
    Invitation.objects.filter(pk=invitation.pk).update(code=INVITATION_CODE)
    return personas


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    # The database fixtures are set up once per operation, not per example: on purpose, the
    # examples build on one another (a founded co-op's slug is then taken).
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_its_documented_promises(case, world):
    case.call_and_validate()


def test_the_document_is_valid_openapi_3(client):
    response = client.get(OPENAPI_URL)

    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    # Against the OpenAPI meta-schema (schemathesis ships it and a validator).
    schemathesis.openapi.from_dict(document).validate()
    for ref in re.findall(r'"\$ref": "([^"]+)"', response.content.decode()):
        target = document
        for part in ref.removeprefix("#/").split("/"):
            assert part in target, f"{ref} leads nowhere"
            target = target[part]
    operation_ids = [
        operation["operationId"]
        for item in document["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    ]
    assert len(operation_ids) == len(set(operation_ids))
    for path, item in document["paths"].items():
        for method, operation in item.items():
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == set(re.findall(r"\{(\w+)\}", path)), (method, path)


def test_the_document_is_public(client):
    """Clients read it before they have a token."""
    assert client.get(OPENAPI_URL).status_code == 200


def test_the_interactive_docs_render(client):
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert OPENAPI_URL in response.content.decode()
    # From our own static files: an installation without internet access still shows them.
    assert "/static/ninja/swagger-ui-bundle.js" in response.content.decode()
    assert "cdn.jsdelivr.net" not in response.content.decode()
