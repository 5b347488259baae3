"""The one NinjaAPI. Every error leaves as JSON ``{"detail", "code"}`` with a 4xx status."""

from __future__ import annotations

from django.db import DataError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from fourfold.api.auth import BearerToken
from fourfold.api.routers import (
    accounts,
    activity,
    budget,
    consumption,
    coops,
    deposits,
    flags,
    governance,
    insights,
    ledger,
    notifications,
    production,
    push,
    receipts,
    recurring,
    week,
)
from fourfold.errors import FourfoldError, PrincipleCheck, PrincipleViolation

api = NinjaAPI(
    title="fourfold",
    version="1",
    description="Run a community cooperative: every member produces, funds, manages and "
    "consumes. Authenticate with `POST /api/v1/auth/token`, then send "
    "`Authorization: Bearer <token>`.\n\n"
    "Every error is JSON `{detail, code}`. Besides the answers each operation lists, any "
    "address may answer 405 for a method it does not take (the `Allow` header names those "
    "it does).",
    auth=BearerToken(),
    urls_namespace="api",
    docs_url="/docs",
)
api.add_router("", accounts.router)
api.add_router("", coops.router)
api.add_router("", ledger.router)
api.add_router("", receipts.router)
api.add_router("", recurring.router)
api.add_router("", budget.router)
api.add_router("", deposits.router)
api.add_router("", flags.router)
api.add_router("", production.router)
api.add_router("", consumption.router)
api.add_router("", governance.router)
api.add_router("", insights.router)
api.add_router("", activity.router)
api.add_router("", week.router)
api.add_router("", notifications.router)
api.add_router("", push.router)


@api.exception_handler(FourfoldError)
def domain_error(request: HttpRequest, error: FourfoldError):
    body: dict[str, object] = {"detail": error.detail, "code": error.code}
    if isinstance(error, PrincipleViolation):
        body["principle"] = error.principle
    if isinstance(error, PrincipleCheck):
        body["words"] = error.words
    if error.field:
        body["field"] = error.field
    return api.create_response(request, body, status=error.status)


# Where ninja says an input came from, and the names of the parameters that carry it: neither
# is part of the field's name as the client wrote it.
_LOCATIONS = {"body", "query", "path", "header", "cookie", "form", "file"}
_CARRIERS = {"payload", "filters", "page"}


def _field_name(loc) -> str:
    parts = [str(part) for part in loc]
    if parts and parts[0] in _LOCATIONS:
        parts = parts[1:]
    if parts and parts[0] in _CARRIERS:
        parts = parts[1:]
    # A union names the branch it tried ("list[str]", "function-after[...]"); the client did
    # not write that either.
    parts = [part for part in parts if "[" not in part]
    return ".".join(parts) or "body"


def _message(error: dict) -> str:
    kind, context = error.get("type", ""), error.get("ctx") or {}
    messages = {
        "missing": lambda: _("this field is required"),
        "extra_forbidden": lambda: _("not a field of this request; leave it out"),
        "string_type": lambda: _("enter text"),
        "string_too_long": lambda: _("use at most %(n)s characters") % {"n": context["max_length"]},
        "string_too_short": lambda: (
            _("use at least %(n)s characters") % {"n": context["min_length"]}
        ),
        "too_long": lambda: _("give at most %(n)s items") % {"n": context["max_length"]},
        "greater_than_equal": lambda: _("enter %(n)s or more") % {"n": context["ge"]},
        "less_than_equal": lambda: _("enter %(n)s or less") % {"n": context["le"]},
        "bool_type": lambda: _("enter true or false"),
        "list_type": lambda: _("send a list"),
        "dict_type": lambda: _("send an object"),
        "model_type": lambda: _("send an object"),
        "model_attributes_type": lambda: _("send an object"),
        "string_pattern_mismatch": lambda: _("not in the expected form"),
    }
    try:
        return messages[kind]() if kind in messages else str(error.get("msg", ""))
    except KeyError:
        return str(error.get("msg", ""))


def field_errors(raw: list[dict]) -> list[dict]:
    """Pydantic's errors as one message per field, in words: the first each field had (a
    field that may take two forms fails once for each; one reason is enough)."""
    seen: dict[str, dict] = {}
    for error in raw:
        field = _field_name(error.get("loc", ()))
        seen.setdefault(field.split(".")[0], {"field": field, "message": _message(error)})
    return list(seen.values())


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, error: ValidationError):
    errors = field_errors(error.errors)
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    return api.create_response(
        request, {"detail": detail, "code": "invalid", "errors": errors}, status=422
    )


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
