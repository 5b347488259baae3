"""Regular costs: the co-op's recurring costs, setting one up, ending one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fourfold.coops.selectors import active_members
from fourfold.errors import FourfoldError, NotFound
from fourfold.ledger import recurring
from fourfold.web.forms.ledger import entry_error
from fourfold.web.forms.recurring import PayInForm, RecurringForm
from fourfold.web.requests import MemberRequest
from fourfold.web.views.common import coop_for_page


@login_required
def recurring_costs(request: MemberRequest, slug: str) -> HttpResponse:
    coop = coop_for_page(request, slug)
    paying_in = request.method == "POST" and f"{PayInForm.PREFIX}-amount" in request.POST
    pay_in = PayInForm(
        request.POST if paying_in else None,
        prefix=PayInForm.PREFIX,
        initial={"amount": request.GET.get("pay_in", "")},
    )
    form = RecurringForm(
        request.POST if request.method == "POST" and not paying_in else None,
        me=request.user.username,
        members=[member.username for member in active_members(coop=coop)],
    )
    if paying_in and pay_in.is_valid():
        try:
            recurring.recurring_create(
                coop=coop, by=request.user, payer=request.user, **pay_in.fields_for_service()
            )
        except FourfoldError as error:
            entry_error(pay_in, error)
        else:
            messages.success(
                request,
                _("Your monthly pay-in is set up: each month it is entered and posted for you."),
            )
            return redirect("web:ledger_recurring", slug=coop.slug)
    if form.is_bound and form.is_valid():
        try:
            recurring.recurring_create(
                coop=coop,
                by=request.user,
                payer=recurring.payer_named(
                    coop=coop, name=form.cleaned_data["payer"], by=request.user
                ),
                **form.fields_for_service(),
            )
        except FourfoldError as error:
            entry_error(form, error)
        else:
            messages.success(
                request,
                _("“%(what)s” is set up: each time, its payer is asked to confirm the entry.")
                % {"what": form.cleaned_data["description"]},
            )
            return redirect("web:ledger_recurring", slug=coop.slug)
    costs = [
        (cost, recurring.cadence_words(cost.cadence), recurring.next_period(cost))
        for cost in recurring.recurring_costs(coop=coop)
    ]
    return render(
        request,
        "web/ledger_recurring.html",
        {"coop": coop, "form": form, "pay_in": pay_in, "costs": costs, "section": "ledger"},
    )


@login_required
@require_POST
def recurring_end(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    coop = coop_for_page(request, slug)
    try:
        cost = recurring.recurring_end(coop=coop, recurring_id=pk, by=request.user)
    except NotFound as error:
        raise Http404(error.detail) from error
    except FourfoldError as error:
        messages.error(request, error.detail)
    else:
        messages.success(
            request,
            _("“%(what)s” has ended: no further entries will be made.")
            % {"what": cost.description},
        )
    return redirect("web:ledger_recurring", slug=coop.slug)
