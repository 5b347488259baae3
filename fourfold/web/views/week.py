"""This week: what a member has to do in the next seven days, across their co-ops."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from fourfold.insights.week import coop_health, member_week
from fourfold.web.presenters.week import week_days
from fourfold.web.requests import MemberRequest
from fourfold.web.views.common import coop_for_page


@login_required
def week(request: MemberRequest) -> HttpResponse:
    this_week = member_week(user=request.user)
    return render(request, "web/week.html", {"week": this_week, "days": week_days(this_week)})


@login_required
def week_health(request: MemberRequest, slug: str) -> HttpResponse:
    """One co-op's health line, which the week page loads after itself: the audit behind it
    costs the same queries for every co-op, and would make the page's grow with their number."""
    coop = coop_for_page(request, slug)
    return render(
        request, "web/_week_health.html", {"coop": coop, "health": coop_health(coop=coop)}
    )
