"""The request a co-op page gets: ``login_required`` has let it through, so its user is a
member's account, never the anonymous one; django-htmx's middleware has added ``htmx``."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from fourfold.accounts.models import User
from fourfold.coops.models import Cooperative
from fourfold.coops.selectors import coops_for_user


class MemberRequest(HttpRequest):
    """Only an annotation: Django builds the request, views behind ``login_required`` say it
    is this one."""

    user: User
    htmx: HtmxDetails


def member_coops(request: HttpRequest) -> list[Cooperative]:
    """The co-ops the signed-in member belongs to, read once per request: the page, the
    header's co-op switcher and the words of the notification choices all show them."""
    mine: list[Cooperative] | None = getattr(request, "_member_coops", None)
    if mine is None:
        assert isinstance(request.user, User), "only for a signed-in member"
        mine = list(coops_for_user(user=request.user))
        request._member_coops = mine  # type: ignore[attr-defined]
    return mine
