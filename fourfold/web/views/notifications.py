"""A member's notifications, their choice of how each kind reaches them, the devices that get
them by push (registered by the page's script), and the unsubscribe link of the e-mails
(which needs no login: it is in the e-mail)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from fourfold.errors import FourfoldError, NotFound
from fourfold.reminders import push, selectors, services
from fourfold.reminders.mail import unsubscribe_read
from fourfold.reminders.models import Notification
from fourfold.reminders.notices import notice
from fourfold.web.forms.notifications import (
    NotificationPreferenceForm,
    PushDeviceForm,
    PushSubscriptionForm,
)
from fourfold.web.requests import MemberRequest, member_coops
from fourfold.web.views.common import coop_for_page

PER_PAGE = 50


@login_required
def notifications(request: MemberRequest) -> HttpResponse:
    chosen = selectors.deliveries_of(member=request.user)
    form = NotificationPreferenceForm(
        request.POST if request.method == "POST" else None,
        initial=chosen,
        coops=member_coops(request),
    )
    if request.method == "POST" and form.is_valid():
        services.notification_preferences_set(member=request.user, choices=form.cleaned_data)
        messages.success(request, _("Your choices are saved."))
        return redirect("web:notifications")
    page = Paginator(selectors.notifications_of(member=request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    items = [(row, notice(row)) for row in page.object_list]
    return render(
        request,
        "web/notifications.html",
        {
            "page": page,
            "items": items,
            "form": form,
            "email": request.user.email,
            "push_key": push.public_key(),
        },
    )


@login_required
def reminders_moved(request: MemberRequest, slug: str) -> HttpResponse:
    """The old per-co-op reminder choices, linked from e-mails already sent: one choice per
    kind now, across co-ops, here. Still a co-op page: only its members are sent on."""
    coop_for_page(request, slug)
    return redirect("web:notifications", permanent=True)


@login_required
@require_POST
def notification_read(request: MemberRequest, pk: int) -> HttpResponse:
    """Mark one read and go where it leads."""
    try:
        row = services.notification_read(member=request.user, pk=pk)
    except NotFound as error:
        raise Http404(error.detail) from error
    return redirect(notice(row).path)


@login_required
@require_POST
def notifications_read_all(request: MemberRequest) -> HttpResponse:
    services.notifications_read_all(member=request.user)
    messages.success(request, _("All your notifications are marked read."))
    return redirect("web:notifications")


def _refused(form_or_error: PushSubscriptionForm | PushDeviceForm | FourfoldError) -> JsonResponse:
    if isinstance(form_or_error, FourfoldError):
        body = {"detail": form_or_error.detail, "code": form_or_error.code}
        return JsonResponse(body, status=form_or_error.status)
    detail = " ".join(str(error) for errors in form_or_error.errors.values() for error in errors)
    return JsonResponse({"detail": detail, "code": "invalid"}, status=400)


@login_required
@require_POST
def push_subscribe(request: MemberRequest) -> HttpResponse:
    """The page's script registers this device for the member's pushes (JSON answers)."""
    form = PushSubscriptionForm(request.POST)
    if not form.is_valid():
        return _refused(form)
    try:
        subscription = push.push_subscribe(member=request.user, **form.cleaned_data)
    except FourfoldError as error:
        return _refused(error)
    return JsonResponse({"id": subscription.pk}, status=201)


@login_required
@require_POST
def push_unsubscribe(request: MemberRequest) -> HttpResponse:
    """The page's script forgets this device, named by its endpoint."""
    form = PushDeviceForm(request.POST)
    if not form.is_valid():
        return _refused(form)
    try:
        push.push_unsubscribe(member=request.user, endpoint=form.cleaned_data["endpoint"])
    except FourfoldError as error:
        return _refused(error)
    return HttpResponse(status=204)


# RFC 8058: the mail client POSTs the one-click unsubscribe without a session or a CSRF token;
# the signed token in the address is what proves it came from our e-mail.
@csrf_exempt
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks to confirm (a link scanner's GET changes nothing); POST unsubscribes."""
    try:
        _member_id, kind = unsubscribe_read(token)
    except signing.BadSignature as error:
        raise Http404(_("This unsubscribe link is not valid.")) from error
    about = (
        Notification.Kind(kind).label
        if kind in set(Notification.Kind)
        else _("the kinds sent in your daily digest")
    )
    if request.method == "POST":
        try:
            services.unsubscribe(token=token)
        except NotFound as error:
            raise Http404(error.detail) from error
        return render(request, "web/unsubscribe.html", {"about": about, "done": True})
    return render(request, "web/unsubscribe.html", {"about": about, "done": False})
