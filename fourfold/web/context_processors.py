"""What every page's header needs: the co-ops the member can switch between and the count of
their unread notifications, both read only when a page draws the header."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject, lazy

from fourfold.reminders.selectors import unread_count
from fourfold.web.requests import member_coops


def navigation(request: HttpRequest) -> dict[str, object]:
    """The member's co-ops for the header's switcher: read only on a page that draws the
    header, never on an htmx fragment, and only once with the page's own list of them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_coops": ()}
    return {"nav_coops": SimpleLazyObject(lambda: member_coops(request))}


def notifications(request: HttpRequest) -> dict[str, object]:
    """``unread_notifications``: the member's unread count; no query for an anonymous visitor."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    # Read with the member's row (fourfold.web.auth); a session from before counts apart.
    counted = getattr(user, "unread_notifications", None)
    if counted is not None:
        return {"unread_notifications": counted}
    return {"unread_notifications": lazy(lambda: unread_count(member=user), int)()}
