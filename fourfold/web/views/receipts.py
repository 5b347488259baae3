"""Receipts on the web: an expense's receipts, attaching one, and fetching one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fourfold.errors import FourfoldError, NotFound
from fourfold.ledger import receipts as receipt_rules
from fourfold.ledger import statements
from fourfold.web.forms.common import add_domain_error
from fourfold.web.forms.receipts import ReceiptForm
from fourfold.web.requests import MemberRequest
from fourfold.web.views.common import coop_for_page


@login_required
def receipts(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    """An expense's receipts, and the form that attaches another."""
    coop = coop_for_page(request, slug)
    try:
        attached = list(receipt_rules.receipts_for(coop=coop, transaction_id=pk))
    except NotFound as error:
        raise Http404(error.detail) from error
    item = statements.transaction_for_coop(coop=coop, pk=pk)
    form = ReceiptForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            receipt = receipt_rules.receipt_attach(
                coop=coop, transaction_id=pk, by=request.user, upload=form.cleaned_data["file"]
            )
        except FourfoldError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("The receipt %(name)s is attached to expense #%(id)d.")
                % {"name": receipt.name, "id": pk},
            )
            return redirect("web:ledger_receipts", slug=coop.slug, pk=pk)
    return render(
        request,
        "web/ledger_receipts.html",
        {"coop": coop, "item": item, "receipts": attached, "form": form, "section": "ledger"},
    )


@login_required
def receipt_file(request: MemberRequest, slug: str, receipt_id: int) -> FileResponse:
    """A receipt's bytes, for members of its co-op only."""
    coop = coop_for_page(request, slug)
    try:
        receipt = receipt_rules.receipt_open(coop=coop, receipt_id=receipt_id)
    except NotFound as error:
        raise Http404(error.detail) from error
    response = FileResponse(receipt.file, content_type=receipt.content_type)
    for header, value in receipt_rules.serving_headers(receipt).items():
        response[header] = value
    return response
