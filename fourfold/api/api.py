"""The one NinjaAPI. Every error leaves as JSON ``{"detail", "code"}`` with a 4xx status."""

from __future__ import annotations

from django.db import DataError
from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from fourfold.api.auth import BearerToken
from fourfold.api.routers import (
    accounts,
    consumption,
    coops,
    governance,
    insights,
    ledger,
    production,
)
from fourfold.errors import FourfoldError, PrincipleViolation

api = NinjaAPI(
    title="fourfold",
    version="1",
    description="Run a community cooperative: every member produces, funds, manages and "
    "consumes. Authenticate with `POST /api/v1/auth/token`, then send "
    "`Authorization: Bearer <token>`.",
    auth=BearerToken(),
    urls_namespace="api",
    docs_url="/docs",
)
api.add_router("", accounts.router)
api.add_router("", coops.router)
api.add_router("", ledger.router)
api.add_router("", production.router)
api.add_router("", consumption.router)
api.add_router("", governance.router)
api.add_router("", insights.router)


@api.exception_handler(FourfoldError)
def domain_error(request: HttpRequest, error: FourfoldError):
    body = {"detail": error.detail, "code": error.code}
    if isinstance(error, PrincipleViolation):
        body["principle"] = error.principle
    if error.field:
        body["field"] = error.field
    return api.create_response(request, body, status=error.status)


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, error: ValidationError):
    return api.create_response(request, {"detail": error.errors, "code": "invalid"}, status=422)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, error: AuthenticationError):
    return api.create_response(
        request,
        {
            "detail": "Authentication required: send Authorization: Bearer <token>.",
            "code": "unauthenticated",
        },
        status=401,
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, error: Http404):
    return api.create_response(request, {"detail": "Not found.", "code": "not_found"}, status=404)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, error: HttpError):
    return api.create_response(
        request, {"detail": error.message, "code": "http_error"}, status=error.status_code
    )


@api.exception_handler(DataError)
def unstorable_text(request: HttpRequest, error: DataError):
    # PostgreSQL cannot hold a NUL character in text; psycopg refuses it before the query runs.
    if "NUL" not in str(error):
        raise error
    return api.create_response(
        request, {"detail": "Text may not contain NUL characters.", "code": "invalid"}, status=400
    )
