"""What reaches /api/ before (or around) ninja still answers as the API does: JSON
``{"detail", "code"}``; and what the API refuses before any endpoint reads the request."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

# Below gunicorn's own limits (``fourfold serve``), so a long address or header meets this
# JSON answer first; only beyond gunicorn's limits does its plain 400 answer instead. Both say
# 400, as gunicorn does: a client that knows 400 needs to know no more (the code tells which).
MAX_URL_LENGTH = 4096
MAX_HEADER_LENGTH = 4096


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


class ApiErrorsMiddleware:
    """A method the path does not take (ninja answers plain text), an address or a header
    too long: answered in JSON on API paths."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _is_api(request):
            return self.get_response(request)
        if len(request.get_full_path()) > MAX_URL_LENGTH:
            return JsonResponse(
                {
                    "detail": _("The address is longer than %(n)d characters.")
                    % {"n": MAX_URL_LENGTH},
                    "code": "uri_too_long",
                },
                status=400,
            )
        for name, value in request.META.items():
            if name.startswith("HTTP_") and len(value) > MAX_HEADER_LENGTH:
                return JsonResponse(
                    {
                        "detail": _("A header is longer than %(n)d characters.")
                        % {"n": MAX_HEADER_LENGTH},
                        "code": "header_too_large",
                    },
                    status=400,
                )
        response = self.get_response(request)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            allowed = response.get("Allow", "")
            answer = JsonResponse(
                {
                    "detail": _("This address does not take %(method)s; it takes %(allowed)s.")
                    % {"method": request.method, "allowed": allowed},
                    "code": "method_not_allowed",
                },
                status=405,
            )
            answer["Allow"] = allowed
            return answer
        return response


NUL = "\x00"


def _holds_nul(value) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if NUL in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


class RefuseNulMiddleware:
    """No text with a NUL character reaches the API, on any database: PostgreSQL cannot
    store one (psycopg refuses the query), and SQLite would keep it, so the same request
    must not be answered differently by the two. The one place that looks at every string
    a client sends: the path, the query string and the JSON body, keys included."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith("/api/") and self._holds_nul(request):
            return JsonResponse(
                {"detail": _("Text may not contain NUL characters."), "code": "invalid"},
                status=400,
            )
        return self.get_response(request)

    @staticmethod
    def _holds_nul(request) -> bool:
        if NUL in request.path_info or any(
            NUL in key or any(NUL in value for value in values)
            for key, values in request.GET.lists()
        ):
            return True
        try:
            body = request.body
        except RequestDataTooBig:
            # The API answers that itself, when the endpoint reads the body.
            return False
        # In JSON a NUL can only be written as an escape: a body without one has none.
        if b"\\u0000" not in body:
            return False
        try:
            return _holds_nul(json.loads(body))
        except (ValueError, RecursionError):
            return False  # not JSON: the endpoint's parser refuses it with its own answer
