"""What every co-op page does first: find the co-op for this member, or 404; what its
one-click forms do with an error; and when a post only chooses what a form shows."""

from __future__ import annotations

from django import forms
from django.http import Http404, QueryDict
from django.utils import timezone

from fourfold.coops import selectors
from fourfold.coops.models import Cooperative
from fourfold.errors import NotFound
from fourfold.ledger import selectors as ledger_selectors
from fourfold.web.requests import MemberRequest


def coop_for_page(request: MemberRequest, slug: str) -> Cooperative:
    """The co-op if the visitor belongs to it, shown in the co-op's own time zone."""
    try:
        coop = selectors.coop_for_member(user=request.user, slug=slug)
    except NotFound as error:
        raise Http404(error.detail) from error
    timezone.activate(coop.zone)
    return coop


def coop_for_settling_page(
    request: MemberRequest, slug: str, *, reading: bool = False, entry_id: int | None = None
) -> Cooperative:
    """``coop_for_page`` for the statement and settling-up pages alone, which a former member
    still opens (``ledger.selectors.coop_for_settling`` says when)."""
    try:
        coop = ledger_selectors.coop_for_settling(
            user=request.user, slug=slug, reading=reading, entry_id=entry_id
        )
    except NotFound as error:
        raise Http404(error.detail) from error
    timezone.activate(coop.zone)
    return coop


def first_error(form: forms.Form) -> str:
    """A one-click form has no page of its own to show errors on: its first error becomes
    a message."""
    return str(next(iter(form.errors.values()))[0])


def choosing(data: QueryDict, name: str) -> bool:
    """Whether a post only chooses the ``name`` (a proposal's kind, a rule) for the form to
    show the fields that go with it: the "Choose" button without scripts, or a choice changed
    under fields shown for another (``shown``), which must not be read as the new one's."""
    shown = data.get("shown")
    return "choose" in data or (shown is not None and shown != data.get(name))


def chosen_only(data: QueryDict, names: tuple[str, ...]) -> dict[str, str]:
    """What a choosing post keeps for the form it re-renders: ``names`` as posted."""
    return {name: str(data[name]) for name in names if name in data}
