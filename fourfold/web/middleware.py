from __future__ import annotations

from django.utils import timezone


class ResetTimezoneMiddleware:
    """A co-op page activates the co-op's zone; a thread serves many requests, so every
    request starts back in the installation's zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
