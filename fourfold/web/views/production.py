"""Production: the batches and their producers, my shifts, my days away, the swap board."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fourfold.coops import selectors as coop_selectors
from fourfold.coops.models import Cooperative
from fourfold.coops.selectors import coop_today
from fourfold.coops.vocabulary import service_or_good
from fourfold.errors import FourfoldError
from fourfold.lib.dates import format_day
from fourfold.production import selectors, services, swaps
from fourfold.production.models import Batch
from fourfold.web.forms.common import add_domain_error
from fourfold.web.forms.production import MadeForm, MissedForm, PlanForm, UnavailabilityForm
from fourfold.web.presenters.production import (
    batch_row,
    consistency_summary,
    plan_summary,
    shift_rows,
)
from fourfold.web.requests import MemberRequest
from fourfold.web.views.common import coop_for_page
from fourfold.workflows import production as production_flow

SECTION = "production"
UPCOMING_PER_PAGE = 20
AWAITING_SHOWN = 20
RECENT_SHOWN = 5


def _posted(request: MemberRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


@login_required
def production(request: MemberRequest, slug: str) -> HttpResponse:
    """The batches ahead with their producers, the batches awaiting a record, consistency, and
    the form that plans ahead."""
    coop = coop_for_page(request, slug)
    form = PlanForm(_posted(request), coop=coop)
    if request.method == "POST" and form.is_valid():
        weeks = form.cleaned_data["weeks"]
        try:
            result = production_flow.batches_plan(coop=coop, weeks=weeks, by=request.user)
        except FourfoldError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, plan_summary(result, weeks))
            # Each open place says why nobody could take it: away, at their fair share, or
            # already in.
            for place in result.open_places:
                messages.warning(request, place.reason)
            return redirect("web:production", slug=coop.slug)
    today = coop_today(coop)
    me = request.user
    page = Paginator(
        selectors.batches(coop=coop, start=today + timedelta(days=1)), UPCOMING_PER_PAGE
    ).get_page(request.GET.get("page"))
    awaiting = selectors.batches(coop=coop, end=today, status=Batch.Status.PLANNED).order_by(
        "-date"
    )[:AWAITING_SHOWN]
    recent = (
        selectors.batches(coop=coop, end=today)
        .exclude(status=Batch.Status.PLANNED)
        .order_by("-date")[:RECENT_SHOWN]
    )
    return render(
        request,
        "web/production.html",
        {
            "coop": coop,
            "section": SECTION,
            "today": today,
            "form": form,
            "page": page,
            "upcoming": [batch_row(batch, me) for batch in page],
            "awaiting": [
                (batch_row(batch, me), _made_form(coop, batch), _missed_form(batch))
                for batch in awaiting
            ],
            "recent": [batch_row(batch, me) for batch in recent],
            "consistency": consistency_summary(coop),
        },
    )


# --- Recording a batch --------------------------------------------------------------------


def _batch_or_404(coop: Cooperative, pk: int) -> Batch:
    batch = selectors.batch_for_coop(coop=coop, pk=pk)
    if batch is None:
        raise Http404(_("No such batch."))
    return batch


def _record_page(
    request: MemberRequest, coop: Cooperative, batch: Batch, made: MadeForm, missed: MissedForm
) -> HttpResponse:
    return render(
        request,
        "web/production_record.html",
        {
            "coop": coop,
            "section": SECTION,
            "row": batch_row(batch, request.user),
            "made_form": made,
            "missed_form": missed,
            "today": coop_today(coop),
        },
    )


def _made_form(coop: Cooperative, batch: Batch, data: QueryDict | None = None) -> MadeForm:
    return MadeForm(
        data,
        prefix=f"made-{batch.pk}",
        initial={"quantity": batch.planned_quantity},
        coop=coop,
    )


def _missed_form(batch: Batch, data: QueryDict | None = None) -> MissedForm:
    return MissedForm(data, prefix=f"missed-{batch.pk}")


@login_required
def batch_record(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    """One batch with its two forms: made (quantity, hours) or missed (why)."""
    coop = coop_for_page(request, slug)
    batch = _batch_or_404(coop, pk)
    return _record_page(request, coop, batch, _made_form(coop, batch), _missed_form(batch))


def _refused(request: MemberRequest, form: MadeForm | MissedForm, error: FourfoldError) -> bool:
    """A refusal about an input goes next to it (True: show the form again); one about the
    batch's state goes to the production page as a message (False)."""
    if error.field in form.fields:
        add_domain_error(form, error)
        return True
    messages.error(request, error.detail)
    return False


@login_required
@require_POST
def batch_made(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    coop = coop_for_page(request, slug)
    batch = _batch_or_404(coop, pk)
    form = _made_form(coop, batch, request.POST)
    if form.is_valid():
        try:
            production_flow.batch_record_made(
                batch=batch,
                by=request.user,
                quantity=form.cleaned_data["quantity"],
                hours=form.cleaned_data["hours"],
            )
        except FourfoldError as error:
            if not _refused(request, form, error):
                return redirect("web:production", slug=coop.slug)
        else:
            messages.success(
                request,
                service_or_good(
                    coop,
                    _("The batch of %(date)s is recorded as made: %(n)d %(unit)s."),
                    _("The session of %(date)s is recorded as held: %(n)d %(unit)s."),
                )
                % {
                    "date": format_day(batch.date),
                    "n": form.cleaned_data["quantity"],
                    "unit": coop.unit_for(form.cleaned_data["quantity"]),
                },
            )
            return redirect("web:production", slug=coop.slug)
    return _record_page(request, coop, batch, form, _missed_form(batch))


@login_required
@require_POST
def batch_missed(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    coop = coop_for_page(request, slug)
    batch = _batch_or_404(coop, pk)
    form = _missed_form(batch, request.POST)
    if form.is_valid():
        try:
            services.batch_record_missed(
                batch=batch, by=request.user, reason=form.cleaned_data["reason"]
            )
        except FourfoldError as error:
            if not _refused(request, form, error):
                return redirect("web:production", slug=coop.slug)
        else:
            messages.success(
                request,
                service_or_good(
                    coop,
                    _("The batch of %(date)s is recorded as missed."),
                    _("The session of %(date)s is recorded as missed."),
                )
                % {"date": format_day(batch.date)},
            )
            return redirect("web:production", slug=coop.slug)
    return _record_page(request, coop, batch, _made_form(coop, batch), form)


# --- My shifts ----------------------------------------------------------------------------


@login_required
def my_shifts(request: MemberRequest, slug: str) -> HttpResponse:
    """The member's upcoming shifts, why they are theirs, and their calendar address."""
    coop = coop_for_page(request, slug)
    me = request.user
    shifts = list(selectors.upcoming_for_member(coop=coop, member=me))
    why = production_flow.rotation_explanation(coop=coop, member=me)
    away = set(why.away_on)
    mine = {shift.batch.date for shift in shifts}
    feed = selectors.feed_of(coop=coop, member=me)
    return render(
        request,
        "web/production_shifts.html",
        {
            "coop": coop,
            "section": SECTION,
            "rows": shift_rows(coop, shifts, me, away),
            "why": why,
            "fair_share": float(why.fair_share),
            "weight_share": float(why.weight_share),
            "held": why.planned + why.done_recently,
            "off_days": sorted(away - mine),
            "calendar_url": request.build_absolute_uri(
                reverse("web:calendar_feed", args=[feed.token])
            )
            if feed
            else None,
            "history_weeks": selectors.HISTORY_WEEKS,
            "active": coop_selectors.is_active_member(coop=coop, user=me),
        },
    )


@login_required
@require_POST
def shift_offer(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    coop = coop_for_page(request, slug)
    shift = selectors.shift_for_coop(coop=coop, pk=pk)
    if shift is None:
        raise Http404(_("No such shift."))
    try:
        swaps.swap_offer(shift=shift, by=request.user)
    except FourfoldError as error:
        messages.error(request, error.detail)
    else:
        messages.success(
            request,
            _("Your shift on %(date)s is on the swap board. It stays yours until someone takes it.")
            % {"date": format_day(shift.batch.date)},
        )
    return redirect("web:production_shifts", slug=coop.slug)


@login_required
@require_POST
def swap_withdraw(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    coop = coop_for_page(request, slug)
    swap = selectors.swap_for_coop(coop=coop, pk=pk)
    if swap is None:
        raise Http404(_("No such offer."))
    try:
        swaps.swap_cancel(swap=swap, by=request.user)
    except FourfoldError as error:
        messages.error(request, error.detail)
    else:
        messages.success(
            request,
            _("You withdrew the offer: the shift on %(date)s stays yours.")
            % {"date": format_day(swap.shift.batch.date)},
        )
    return redirect("web:production_shifts", slug=coop.slug)


@login_required
@require_POST
def calendar_rotate(request: MemberRequest, slug: str) -> HttpResponse:
    coop = coop_for_page(request, slug)
    had = selectors.feed_of(coop=coop, member=request.user) is not None
    services.calendar_feed_rotate(coop=coop, member=request.user)
    messages.success(
        request,
        _("Your calendar has a new address; the old one no longer works. Subscribe again.")
        if had
        else _("Your calendar has an address: subscribe to it in your calendar app."),
    )
    return redirect("web:production_shifts", slug=coop.slug)


# --- My availability ----------------------------------------------------------------------


@login_required
def availability(request: MemberRequest, slug: str) -> HttpResponse:
    """The member's days away from today on, and the form that adds some; the plan adapts."""
    coop = coop_for_page(request, slug)
    form = UnavailabilityForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        try:
            production_flow.unavailability_add(
                coop=coop, member=request.user, start=start, end=end, note=form.cleaned_data["note"]
            )
        except FourfoldError as error:
            add_domain_error(form, error)
        else:
            if start == end:
                text = _("You are marked away on %(start)s; the plan is updated.")
            else:
                text = _("You are marked away from %(start)s to %(end)s; the plan is updated.")
            messages.success(request, text % {"start": format_day(start), "end": format_day(end)})
            _warn_of_kept_shifts(request, coop, start, end)
            return redirect("web:production_availability", slug=coop.slug)
    today = coop_today(coop)
    return render(
        request,
        "web/production_availability.html",
        {
            "coop": coop,
            "section": SECTION,
            "form": form,
            "periods": selectors.unavailability(coop=coop, member=request.user, from_date=today),
        },
    )


def _warn_of_kept_shifts(request: MemberRequest, coop: Cooperative, start: date, end: date) -> None:
    """Re-planning never moves a shift inside the lock window or offered for a swap: say so."""
    kept = selectors.shifts(coop=coop, member=request.user, start=start, end=end).filter(
        batch__status=Batch.Status.PLANNED, done=False
    )
    for shift in kept:
        messages.warning(
            request,
            _(
                "You still produce on %(date)s: shifts within %(days)d days of today stay put. "
                "Offer it on the swap board."
            )
            % {"date": format_day(shift.batch.date), "days": coop.lock_window_days},
        )


@login_required
@require_POST
def availability_remove(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    coop = coop_for_page(request, slug)
    try:
        production_flow.unavailability_remove(coop=coop, member=request.user, pk=pk)
    except FourfoldError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("You are available again; the plan is updated."))
    return redirect("web:production_availability", slug=coop.slug)


# --- The swap board -----------------------------------------------------------------------


@login_required
def swap_board(request: MemberRequest, slug: str) -> HttpResponse:
    coop = coop_for_page(request, slug)
    return render(
        request,
        "web/production_swaps.html",
        {"coop": coop, "section": SECTION, "swaps": selectors.open_swaps(coop=coop)},
    )


@login_required
@require_POST
def swap_take(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    coop = coop_for_page(request, slug)
    swap = selectors.swap_for_coop(coop=coop, pk=pk)
    if swap is None:
        raise Http404(_("No such offer."))
    try:
        shift = swaps.swap_take(swap=swap, by=request.user)
    except FourfoldError as error:
        messages.error(request, error.detail)
        return redirect("web:production_swaps", slug=coop.slug)
    messages.success(
        request,
        _("You took %(name)s's shift on %(date)s. It is in your shifts now.")
        % {"name": swap.offered_by.username, "date": format_day(shift.batch.date)},
    )
    return redirect("web:production_swaps", slug=coop.slug)
