"""The budget page: this month's lines against what was spent, and past months."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from fourfold.insights.budget import budget_report
from fourfold.web.requests import MemberRequest
from fourfold.web.views.common import coop_for_page


@login_required
def budget(request: MemberRequest, slug: str) -> HttpResponse:
    coop = coop_for_page(request, slug)
    report = budget_report(coop=coop, member=request.user)
    return render(
        request,
        "web/ledger_budget.html",
        {"coop": coop, "report": report, "section": "ledger"},
    )
