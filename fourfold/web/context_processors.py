"""What every page's template may use."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import lazy

from fourfold.reminders.selectors import unread_count


def notifications(request: HttpRequest) -> dict[str, object]:
    """``unread_notifications``: the member's unread count, counted (one query) only when a
    template shows it; no query for an anonymous visitor."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": lazy(lambda: unread_count(member=user), int)()}
