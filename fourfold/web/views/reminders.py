"""A member's choice of reminder e-mails in one co-op."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fourfold.reminders import selectors, services
from fourfold.web.forms.reminders import ReminderForm
from fourfold.web.requests import MemberRequest
from fourfold.web.views.common import coop_for_page


@login_required
def reminders(request: MemberRequest, slug: str) -> HttpResponse:
    coop = coop_for_page(request, slug)
    chosen = selectors.preference_of(coop=coop, member=request.user)
    initial = {
        "shifts": chosen.shifts,
        "votes": chosen.votes,
        "balance": chosen.balance,
        "consent": chosen.consent,
    }
    form = ReminderForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.preference_set(coop=coop, member=request.user, **form.cleaned_data)
        messages.success(request, _("Your reminders are saved."))
        return redirect("web:reminders", slug=coop.slug)
    return render(
        request,
        "web/reminders.html",
        {"coop": coop, "form": form, "email": request.user.email},
    )
