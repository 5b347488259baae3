"""What reaches /api/ before (or around) ninja still answers as the API does: JSON
``{"detail", "code"}``."""

from __future__ import annotations

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

    def __init__(self, get_response):
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
            json = JsonResponse(
                {
                    "detail": _("This address does not take %(method)s; it takes %(allowed)s.")
                    % {"method": request.method, "allowed": allowed},
                    "code": "method_not_allowed",
                },
                status=405,
            )
            json["Allow"] = allowed
            return json
        return response
