"""What every page's header needs: the co-ops the member can switch between."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest

from fourfold.coops import selectors
from fourfold.coops.models import Cooperative


def navigation(request: HttpRequest) -> dict[str, QuerySet[Cooperative] | tuple[()]]:
    """The member's co-ops for the header's switcher. A queryset is lazy: the one query runs
    only on a page that draws the header, never on an htmx fragment."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_coops": ()}
    return {"nav_coops": selectors.coops_for_user(user=user)}
