"""What every co-op page does first: find the co-op for this member, or 404; and what its
one-click forms do with an error."""

from __future__ import annotations

from django import forms
from django.http import Http404
from django.utils import timezone

from fourfold.coops import selectors
from fourfold.coops.models import Cooperative
from fourfold.errors import NotFound
from fourfold.web.requests import MemberRequest


def coop_for_page(request: MemberRequest, slug: str) -> Cooperative:
    """The co-op if the visitor belongs to it, shown in the co-op's own time zone."""
    try:
        coop = selectors.coop_for_member(user=request.user, slug=slug)
    except NotFound as error:
        raise Http404(error.detail) from error
    timezone.activate(coop.zone)
    return coop


def first_error(form: forms.Form) -> str:
    """A one-click form has no page of its own to show errors on: its first error becomes
    a message."""
    return str(next(iter(form.errors.values()))[0])
