"""What every co-op page does first: find the co-op for this member, or 404."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.utils import timezone

from fourfold.coops import selectors
from fourfold.coops.models import Cooperative
from fourfold.errors import NotFound


def coop_for_page(request: HttpRequest, slug: str) -> Cooperative:
    """The co-op if the visitor belongs to it, shown in the co-op's own time zone."""
    try:
        coop = selectors.coop_for_member(user=request.user, slug=slug)
    except NotFound as error:
        raise Http404(error.detail) from error
    timezone.activate(coop.zone)
    return coop
