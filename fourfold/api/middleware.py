"""What the API refuses before any endpoint reads the request."""

from __future__ import annotations

import json

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.utils.translation import gettext as _

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

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
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
