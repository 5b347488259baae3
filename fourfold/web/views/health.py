"""``/healthz``, for a load balancer's checks: ready or not, and why not in one word. It
names no co-op, no member and no setting."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from fourfold.lib.health import health_problem


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    problem = health_problem()
    if problem is None:
        return JsonResponse({"status": "ok"})
    return JsonResponse({"status": "unavailable", "problem": problem}, status=503)
