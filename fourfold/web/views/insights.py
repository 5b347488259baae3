"""How the co-op is doing: the principles audit, everyone's four roles, what doing it together
saves, with charts; and each member's page of their four roles."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from fourfold.coops import selectors as coops
from fourfold.coops.selectors import coop_today
from fourfold.insights import charts, economics, principles, roles_chart, selectors, share_chart
from fourfold.insights.budget import budget_report
from fourfold.ledger import statements
from fourfold.web.presenters.insights import audit_rows, meanings, role_cells
from fourfold.web.presenters.production import consistency_summary
from fourfold.web.requests import MemberRequest
from fourfold.web.views.common import coop_for_page


@login_required
def dashboard(request: MemberRequest, slug: str) -> HttpResponse:
    coop = coop_for_page(request, slug)
    # One day for every figure on the page, even across midnight.
    today = coop_today(coop)
    roles = selectors.member_roles(coop=coop, today=today)
    audit = principles.principles_audit(coop=coop, today=today, roles=roles)
    money = economics.economics(coop=coop, today=today)
    year = economics.member_year(coop=coop, member=request.user, money=money, today=today)
    took = any(m.units or m.charged for m in year)
    consistency = consistency_summary(coop)
    all_four = sum(1 for r in roles if r.all_four)
    budget = budget_report(coop=coop, member=None)
    budget_months = [*reversed(budget.past), budget.current]
    return render(
        request,
        "web/dashboard.html",
        {
            "coop": coop,
            "section": "dashboard",
            "audit": audit_rows(coop, audit),
            "window_weeks": selectors.WINDOW_WEEKS,
            "roles": [(r, role_cells(r)) for r in roles],
            "all_four": all_four,
            "all_four_ratio": all_four / len(roles) if roles else None,
            "money": money,
            "consistency": consistency,
            "charts": {
                "consistency": charts.consistency_chart(
                    consistency.recent, service=coop.is_service
                ),
                "cost": charts.cost_chart(
                    money.months,
                    commercial_unit_price=money.commercial_unit_price,
                    currency=coop.currency,
                    unit=coop.unit,
                    service=coop.is_service,
                ),
                "roles": roles_chart.roles_matrix(roles),
                "budget": charts.budget_chart(budget_months, currency=coop.currency),
                "share": share_chart.share_chart(
                    year, currency=coop.currency, unit=coop.unit, service=coop.is_service
                )
                if took
                else None,
            },
            "year": year if took else [],
            "budget_months": budget_months
            if any(m.budget is not None for m in budget_months)
            else [],
        },
    )


@login_required
def member_detail(request: MemberRequest, slug: str, username: str) -> HttpResponse:
    coop = coop_for_page(request, slug)
    membership = coops.coop_members(coop=coop).filter(user__username=username).first()
    if membership is None:
        raise Http404(_("No such member in this co-op."))
    roles = selectors.member_roles(coop=coop, today=coop_today(coop))
    mine = next((r for r in roles if r.user_id == membership.user_id), None)
    is_me = membership.user_id == request.user.pk
    return render(
        request,
        "web/member_detail.html",
        {
            "coop": coop,
            "section": "members",
            "membership": membership,
            "member": mine,
            "cells": role_cells(mine, meanings(coop)) if mine else [],
            "is_me": is_me,
            # What waits for their say is the member's own business: shown to them alone.
            "waiting": len(statements.waiting_for(coop=coop, member=request.user))
            if is_me
            else None,
            "window_weeks": selectors.WINDOW_WEEKS,
        },
    )
