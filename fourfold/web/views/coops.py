from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fourfold.accounts.models import User
from fourfold.coops import selectors, services
from fourfold.coops.models import Membership
from fourfold.coops.selectors import coop_today
from fourfold.errors import FourfoldError, NotFound
from fourfold.insights.economics import economics
from fourfold.ledger.checks import balances_left_behind
from fourfold.web.forms.common import add_domain_error
from fourfold.web.forms.coops import CoopForm
from fourfold.web.presenters.insights import audit_for
from fourfold.web.presenters.production import consistency_summary
from fourfold.web.requests import MemberRequest, member_coops
from fourfold.web.views.common import coop_for_page
from fourfold.workflows import membership as membership_flow

MEMBERS_PER_PAGE = 50


@login_required
def my_coops(request: MemberRequest) -> HttpResponse:
    return render(
        request,
        "web/my_coops.html",
        {
            "coops": member_coops(request),
            "left_behind": balances_left_behind(user=request.user),
        },
    )


@login_required
def coop_found(request: MemberRequest) -> HttpResponse:
    form = CoopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            coop = services.coop_found(
                founder=request.user, fields=services.CoopFields(**form.cleaned_data)
            )
        except FourfoldError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request, _("%(name)s is founded. Invite your neighbours.") % {"name": coop.name}
            )
            return redirect("web:coop_detail", slug=coop.slug)
    return render(request, "web/coop_found.html", {"form": form})


@login_required
def coop_detail(request: MemberRequest, slug: str) -> HttpResponse:
    coop = coop_for_page(request, slug)
    members = selectors.coop_members(coop=coop)
    today = coop_today(coop)
    return render(
        request,
        "web/coop_detail.html",
        {
            "coop": coop,
            "section": "overview",
            "members": members[:12],
            "member_count": members.count(),
            "invitation_url": request.session.pop(f"invitation:{coop.slug}", None),
            "consistency": consistency_summary(coop),
            "audit": audit_for(coop, today),
            # What the dashboard shows of the savings, from the same selector and partial.
            "money": economics(coop=coop, today=today),
        },
    )


@login_required
def coop_members(request: MemberRequest, slug: str) -> HttpResponse:
    coop = coop_for_page(request, slug)
    page = Paginator(selectors.coop_members(coop=coop), MEMBERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "web/coop_members.html",
        {
            "coop": coop,
            "section": "members",
            "page": page,
            "invitation_url": request.session.pop(f"invitation:{coop.slug}", None),
        },
    )


@login_required
@require_POST
def invitation_create(request: MemberRequest, slug: str) -> HttpResponse:
    coop = coop_for_page(request, slug)
    try:
        invitation = services.invitation_create(coop=coop, by=request.user)
    except FourfoldError as error:
        messages.error(request, error.detail)
        return redirect("web:coop_detail", slug=coop.slug)
    url = request.build_absolute_uri(reverse("web:invitation", args=[invitation.code]))
    if request.htmx:
        return render(request, "web/_invitation_link.html", {"invitation_url": url})
    request.session[f"invitation:{coop.slug}"] = url
    # Without scripts the form posts normally: back to the page it was on.
    if request.POST.get("back") == "members":
        return redirect("web:coop_members", slug=coop.slug)
    return redirect("web:coop_detail", slug=coop.slug)


def invitation(request: HttpRequest, code: str) -> HttpResponse:
    """An invitation link. Anyone holding an open one sees which co-op it is for, then signs
    up or logs in and comes back here to accept; only accepting needs an account."""
    try:
        found = selectors.invitation_for_code(code=code)
    except NotFound as error:
        return render(request, "web/invitation.html", {"error": error.detail}, status=404)
    user = request.user if isinstance(request.user, User) else None
    if user is None:
        if request.method == "POST":
            return redirect_to_login(request.path)
        membership = None
    else:
        membership = selectors.membership_of(coop=found.coop, user=user)
    if request.method == "POST" and user is not None:
        try:
            joined = membership_flow.invitation_accept(code=code, user=user)
        except FourfoldError as error:
            return render(
                request,
                "web/invitation.html",
                {"invitation": found, "error": error.detail},
                status=error.status,
            )
        if joined.status == Membership.Status.PENDING:
            messages.success(
                request,
                _("You asked to join %(name)s: the members vote on admitting you.")
                % {"name": found.coop},
            )
            return redirect("web:home")
        messages.success(request, _("You are now a member of %(name)s.") % {"name": found.coop})
        return redirect("web:coop_detail", slug=found.coop.slug)
    if membership is not None and membership.status != Membership.Status.LEFT:
        return render(
            request, "web/invitation.html", {"invitation": found, "membership": membership}
        )
    # Co-op data is for members: a spent or stale link shows nothing of the co-op, to anyone.
    closed = selectors.invitation_closed(invitation=found)
    if closed is not None:
        return render(request, "web/invitation.html", {"error": closed}, status=404)
    if user is None:
        # What a visitor needs to decide, and nothing more: name, product, head count.
        member_count = (
            selectors.coop_members(coop=found.coop)
            .filter(status__in=selectors.MEMBER_STATUSES)
            .count()
        )
        return render(
            request,
            "web/invitation.html",
            {"invitation": found, "member_count": member_count, "next": request.path},
        )
    return render(request, "web/invitation.html", {"invitation": found, "membership": membership})
