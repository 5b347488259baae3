from __future__ import annotations

import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

# SQL states of a server gone or refusing connections: connection exceptions (class 08) and
# an operator's shutdown or a server still starting (57P01-57P03). A deadlock (40P01) or a
# lock timeout is an OperationalError too, but the database is there: that is no outage.
_OUTAGE_STATES = ("08", "57P01", "57P02", "57P03")


def is_database_outage(error: BaseException | None) -> bool:
    """Whether ``error`` says the database cannot be reached, not that one query failed."""
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    state = getattr(cause, "sqlstate", None)
    if state:
        return state.startswith(_OUTAGE_STATES)
    if type(cause).__module__.startswith("psycopg"):
        # No SQL state: the server never answered (refused, unreachable, dropped).
        return True
    return "unable to open database file" in str(error)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)
    return render(request, "404.html", status=404)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig) and request.path.startswith("/api/"):
        _drain(request)
        response = JsonResponse(
            {
                "detail": _("The request body is larger than %(n)d bytes.")
                % {"n": settings.DATA_UPLOAD_MAX_MEMORY_SIZE},
                "code": "too_large",
            },
            status=413,
        )
        response["Connection"] = "close"
        return response
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Bad request.", "code": "bad_request"}, status=400)
    return defaults.bad_request(request, exception)


def _drain(request: HttpRequest, most: int = 16 * 1024 * 1024) -> None:
    # Read what the client is still sending (up to a bound) so it gets to read the answer,
    # rather than a connection reset in the middle of its upload.
    stream = getattr(request, "_stream", None)
    read = 0
    while stream is not None and read < most:
        chunk = stream.read(64 * 1024)
        if not chunk:
            break
        read += len(chunk)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_database_outage(sys.exc_info()[1]):
        return database_unavailable(request)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Server error.", "code": "server_error"}, status=500)
    # No context processors: whatever broke the page may break them too.
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 while the database cannot be reached: nothing was changed, try again soon."""
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {
                "detail": _(
                    "The database is unreachable for now; nothing was changed. Try again "
                    "in a minute."
                ),
                "code": "unavailable",
            },
            status=503,
        )
    else:
        # No context processors and no database: the page must render without either.
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = "60"
    return response
