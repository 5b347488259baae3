"""Flagging an entry as breaking a principle: a page that says what will happen, and its form,
which opens a proposal to reverse the entry."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fourfold.errors import FourfoldError
from fourfold.ledger import statements
from fourfold.web.forms.common import add_domain_error
from fourfold.web.forms.flags import FlagForm
from fourfold.web.requests import MemberRequest
from fourfold.web.views.common import coop_for_page
from fourfold.workflows import flags


@login_required
def entry_flag(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    """The entry, what flagging it does, and the form (posted here)."""
    coop = coop_for_page(request, slug)
    item = statements.transaction_for_coop(coop=coop, pk=pk)
    if item is None:
        raise Http404(_("No such transaction."))
    form = FlagForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = flags.entry_flag(
                coop=coop,
                transaction_id=item.pk,
                member=request.user,
                principle=form.cleaned_data["principle"],
                reason=form.cleaned_data["reason"],
            )
        except FourfoldError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("Entry #%(id)d is flagged: the members decide on “%(title)s”.")
                % {"id": item.pk, "title": proposal.title},
            )
            return redirect("web:proposal", slug=coop.slug, pk=proposal.pk)
    return render(
        request,
        "web/ledger_flag.html",
        {
            "coop": coop,
            "item": item,
            "status": statements.entry_status(item),
            "form": form,
            "section": "ledger",
        },
    )
