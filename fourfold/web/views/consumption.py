"""Consumption: my standing share, reservations, this week's batch and who got what, costs
per unit, and my membership (pause, resume, leave)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from fourfold.consumption import selectors, services
from fourfold.coops import selectors as coop_selectors
from fourfold.coops.models import Cooperative, Membership
from fourfold.coops.vocabulary import service_or_good
from fourfold.errors import FourfoldError
from fourfold.ledger import deposits
from fourfold.ledger import selectors as ledger_selectors
from fourfold.lib.dates import format_day
from fourfold.production import selectors as production
from fourfold.production.models import Batch
from fourfold.web.forms.consumption import ReservationForm, ShareForm, SharePauseForm
from fourfold.web.presenters.consumption import AllocationRow, CostRow, ShareRow, upcoming
from fourfold.web.requests import MemberRequest
from fourfold.web.templatetags.fourfold import money
from fourfold.web.views.common import coop_for_page, first_error
from fourfold.workflows import membership as membership_flow

SECTION = "shares"
COSTS_PER_PAGE = 20


def _batch_or_404(coop: Cooperative, pk: int) -> Batch:
    batch = production.batch_for_coop(coop=coop, pk=pk)
    if batch is None:
        raise Http404(_("No such batch."))
    batch.coop = coop  # the co-op is loaded already, with its zone
    return batch


# --- The shares page ----------------------------------------------------------------------


@login_required
def shares(request: MemberRequest, slug: str) -> HttpResponse:
    """My share with one-click minus and plus, everyone's shares, reservations for the batches just
    ahead, and my membership."""
    coop = coop_for_page(request, slug)
    statuses = {row.user_id: row.status for row in coop_selectors.coop_members(coop=coop)}
    everyone = [
        ShareRow(share=share, status=statuses.get(share.member_id, Membership.Status.LEFT))
        for share in selectors.shares(coop=coop)
    ]
    mine = next((row.share for row in everyone if row.share.member_id == request.user.pk), None)
    asked = sum(row.share.units for row in everyone if row.counts)
    status = statuses.get(request.user.pk)
    return render(
        request,
        "web/shares.html",
        {
            "coop": coop,
            "section": SECTION,
            "share": mine,
            "share_form": ShareForm(initial={"units": mine.units if mine else 1}, coop=coop),
            "everyone": everyone,
            "asked": asked,
            "left_over": coop.target_quantity - asked,
            "upcoming": upcoming(coop, request.user.pk, timezone.now()),
            "status": status,
            "active": status == Membership.Status.ACTIVE,
        },
    )


@login_required
@require_POST
def share_set(request: MemberRequest, slug: str) -> HttpResponse:
    """The number form and the minus and plus buttons all post the new size."""
    coop = coop_for_page(request, slug)
    form = ShareForm(request.POST, coop=coop)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("web:shares", slug=coop.slug)
    units = form.cleaned_data["units"]
    try:
        share = services.share_set(coop=coop, member=request.user, units=units)
    except FourfoldError as error:
        messages.error(request, error.detail)
        return redirect("web:shares", slug=coop.slug)
    if share is None:
        messages.success(request, _("You stopped your standing share."))
    else:
        text = service_or_good(
            coop,
            ngettext(
                "You now take %(n)d %(unit)s of every batch.",
                "You now take %(n)d %(unit)s of every batch.",
                units,
            ),
            ngettext(
                "You now book %(n)d %(unit)s of every session.",
                "You now book %(n)d %(unit)s of every session.",
                units,
            ),
        ) % {"n": units, "unit": coop.unit_for(units)}
        if share.paused:
            text += " " + _("Your share stays paused until you resume it.")
        messages.success(request, text)
    return redirect("web:shares", slug=coop.slug)


@login_required
@require_POST
def share_pause(request: MemberRequest, slug: str) -> HttpResponse:
    """Pause or resume my share without losing its size."""
    coop = coop_for_page(request, slug)
    form = SharePauseForm(request.POST)
    share = selectors.share_of(coop=coop, member=request.user)
    if not form.is_valid():
        messages.error(request, first_error(form))
    elif share is None:
        messages.error(request, _("You have no standing share to pause or resume."))
    else:
        paused = form.cleaned_data["paused"]
        try:
            services.share_set(coop=coop, member=request.user, units=share.units, paused=paused)
        except FourfoldError as error:
            messages.error(request, error.detail)
        else:
            if paused:
                said = service_or_good(
                    coop,
                    _(
                        "Your share is paused: you take nothing from the next batches until you "
                        "resume."
                    ),
                    _(
                        "Your share is paused: you book nothing of the next sessions until you "
                        "resume."
                    ),
                )
            else:
                said = service_or_good(
                    coop,
                    _("Your share is back: you take %(n)d %(unit)s of every batch."),
                    _("Your share is back: you book %(n)d %(unit)s of every session."),
                ) % {"n": share.units, "unit": coop.unit_for(share.units)}
            messages.success(request, said)
    return redirect("web:shares", slug=coop.slug)


@login_required
@require_POST
def reservation_set(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    """This batch only: more, fewer or none, until the cut-off (the service keeps the time)."""
    coop = coop_for_page(request, slug)
    batch = _batch_or_404(coop, pk)
    form = ReservationForm(request.POST, prefix=f"batch-{batch.pk}", coop=coop)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("web:shares", slug=coop.slug)
    units = form.cleaned_data["units"]
    try:
        services.reservation_set(batch=batch, member=request.user, units=units)
    except FourfoldError as error:
        messages.error(request, error.detail)
        return redirect("web:shares", slug=coop.slug)
    day = format_day(batch.date)
    if units:
        messages.success(
            request,
            service_or_good(
                coop,
                ngettext(
                    "You take %(n)d %(unit)s of the batch of %(day)s.",
                    "You take %(n)d %(unit)s of the batch of %(day)s.",
                    units,
                ),
                ngettext(
                    "You book %(n)d %(unit)s of the session of %(day)s.",
                    "You book %(n)d %(unit)s of the session of %(day)s.",
                    units,
                ),
            )
            % {"n": units, "unit": coop.unit_for(units), "day": day},
        )
    else:
        messages.success(
            request,
            service_or_good(
                coop, _("You skip the batch of %(day)s."), _("You skip the session of %(day)s.")
            )
            % {"day": day},
        )
    return redirect("web:shares", slug=coop.slug)


# --- A made batch: who got what, extras, pick-up, cost ------------------------------------


def _latest_made(coop: Cooperative) -> Batch | None:
    return production.batches(coop=coop, status=Batch.Status.MADE).order_by("-date").first()


def _batch_page(
    request: MemberRequest, coop: Cooperative, batch: Batch | None, *, latest: bool
) -> HttpResponse:
    context: dict[str, object] = {
        "coop": coop,
        "section": SECTION,
        "batch": batch,
        "latest": latest,
    }
    if batch is None:
        return render(request, "web/shares_batch.html", context)
    batch.coop = coop
    rows = [
        AllocationRow(allocation=a, mine=a.member_id == request.user.pk)
        for a in selectors.allocations(batch=batch)
    ]
    mine = next((row for row in rows if row.mine), None)
    cost = selectors.batch_costs(coop=coop, batches=[batch])[0]
    context |= {
        "rows": rows,
        "mine": mine,
        "requested": sum(row.allocation.requested for row in rows),
        "given": sum(row.allocation.units for row in rows),
        "shorted": any(row.short for row in rows),
        "extras_left": selectors.extras_left(batch=batch),
        "active": coop_selectors.is_active_member(coop=coop, user=request.user),
        "cost": cost,
        "my_cost": selectors.member_batch_costs(
            coop=coop, member=request.user, batches=[batch]
        ).get(batch.pk),
        "collect_by": batch.date + timedelta(days=coop.pickup_days),
    }
    return render(request, "web/shares_batch.html", context)


@login_required
def batch_latest(request: MemberRequest, slug: str) -> HttpResponse:
    """This week's batch: the latest one made."""
    coop = coop_for_page(request, slug)
    return _batch_page(request, coop, _latest_made(coop), latest=True)


@login_required
def batch_detail(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    coop = coop_for_page(request, slug)
    batch = _batch_or_404(coop, pk)
    if batch.status != Batch.Status.MADE:
        raise Http404(_("This batch is not made yet."))
    latest = _latest_made(coop)
    return _batch_page(request, coop, batch, latest=latest is not None and latest.pk == batch.pk)


@login_required
@require_POST
def extras_claim(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    coop = coop_for_page(request, slug)
    batch = _batch_or_404(coop, pk)
    try:
        allocation = services.extras_claim(batch=batch, member=request.user, units=1)
    except FourfoldError as error:
        messages.error(request, error.detail)
    else:
        messages.success(
            request,
            service_or_good(
                coop,
                _("You claimed an extra %(unit)s: you take %(n)d of the batch of %(day)s."),
                _("You claimed an extra %(unit)s: you book %(n)d of the session of %(day)s."),
            )
            % {"unit": coop.unit, "n": allocation.units, "day": format_day(batch.date)},
        )
    return redirect("web:shares_batch_detail", slug=coop.slug, pk=batch.pk)


@login_required
@require_POST
def collected_mark(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    coop = coop_for_page(request, slug)
    batch = _batch_or_404(coop, pk)
    try:
        services.pickup_mark(batch=batch, member=request.user, by=request.user)
    except FourfoldError as error:
        messages.error(request, error.detail)
    else:
        messages.success(
            request,
            service_or_good(
                coop,
                _("Your share of the batch of %(day)s is collected."),
                _("Your booking of the session of %(day)s is used."),
            )
            % {"day": format_day(batch.date)},
        )
    return redirect("web:shares_batch_detail", slug=coop.slug, pk=batch.pk)


# --- The pick-up list: a shared phone at the fridge, or the desk's printout -----------------


def _made_batch_or_404(coop: Cooperative, pk: int) -> Batch:
    batch = _batch_or_404(coop, pk)
    if batch.status != Batch.Status.MADE:
        raise Http404(_("This batch is not made yet."))
    return batch


@login_required
def pickups(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    """Every active member's share of a made batch, big rows to tick off one by one; the search
    box filters as one types (pickups.js), and without scripts it posts the name."""
    coop = coop_for_page(request, slug)
    batch = _made_batch_or_404(coop, pk)
    search = request.GET.get("q", "").strip()[:150]
    rows = list(selectors.pickups(batch=batch, search=search))
    return render(
        request,
        "web/pickups.html",
        {
            "coop": coop,
            "section": SECTION,
            "batch": batch,
            "rows": rows,
            "search": search,
            "collected": sum(1 for row in rows if row.collected_at),
            "active": coop_selectors.is_active_member(coop=coop, user=request.user),
            "collect_by": batch.date + timedelta(days=coop.pickup_days),
        },
    )


@login_required
@require_POST
def pickup_mark(request: MemberRequest, slug: str, pk: int, username: str) -> HttpResponse:
    """A row's button: mark that member's share collected, or undo a mark (``undo``). With htmx
    the row comes back alone; without, the list again."""
    coop = coop_for_page(request, slug)
    batch = _made_batch_or_404(coop, pk)
    member = coop_selectors.member_by_username(coop=coop, username=username)
    if member is None:
        raise Http404(_("No such member."))
    undo = request.POST.get("action") == "undo"
    change = services.pickup_undo if undo else services.pickup_mark
    error = None
    try:
        allocation = change(batch=batch, member=member, by=request.user)
    except FourfoldError as refused:
        error = refused.detail
    if request.htmx:
        if error is not None:
            messages.error(request, error)
            return HttpResponse(status=204, headers={"HX-Refresh": "true"})
        return render(
            request,
            "web/_pickup_row.html",
            {"coop": coop, "batch": batch, "row": allocation, "active": True},
        )
    if error is not None:
        messages.error(request, error)
    elif undo:
        messages.success(
            request,
            service_or_good(
                coop,
                _("The share of %(name)s is no longer marked collected."),
                _("%(name)s is no longer checked in."),
            )
            % {"name": member.username},
        )
    else:
        messages.success(
            request,
            service_or_good(
                coop,
                _("The share of %(name)s is marked collected."),
                _("%(name)s is checked in."),
            )
            % {"name": member.username},
        )
    return redirect("web:pickups", slug=coop.slug, pk=batch.pk)


# --- Costs --------------------------------------------------------------------------------


@login_required
def costs(request: MemberRequest, slug: str) -> HttpResponse:
    """Cost per unit of each made batch, newest first, with what my share cost me; and the
    waste."""
    coop = coop_for_page(request, slug)
    made = production.batches(coop=coop, status=Batch.Status.MADE).order_by("-date")
    page = Paginator(made, COSTS_PER_PAGE).get_page(request.GET.get("page"))
    batches = list(page.object_list)
    mine = selectors.member_batch_costs(coop=coop, member=request.user, batches=batches)
    waste = selectors.waste(coop=coop)
    return render(
        request,
        "web/shares_costs.html",
        {
            "coop": coop,
            "section": SECTION,
            "page": page,
            "rows": [
                CostRow(cost=cost, mine=mine.get(cost.batch.pk))
                for cost in selectors.batch_costs(coop=coop, batches=batches)
            ],
            "waste": waste,
            "waste_ratio": (
                waste.uncollected_units / waste.allocated_units if waste.allocated_units else None
            ),
        },
    )


# --- My membership ------------------------------------------------------------------------


@login_required
@require_POST
def membership_pause(request: MemberRequest, slug: str) -> HttpResponse:
    coop = coop_for_page(request, slug)
    try:
        membership_flow.membership_pause(coop=coop, member=request.user)
    except FourfoldError as error:
        messages.error(request, error.detail)
    else:
        messages.success(
            request,
            _(
                "Your membership is paused: no shares, no new shifts, no new costs. "
                "Resume it when you are back."
            ),
        )
    return redirect("web:shares", slug=coop.slug)


@login_required
@require_POST
def membership_resume(request: MemberRequest, slug: str) -> HttpResponse:
    coop = coop_for_page(request, slug)
    try:
        membership_flow.membership_resume(coop=coop, member=request.user)
    except FourfoldError as error:
        messages.error(request, error.detail)
    else:
        messages.success(
            request,
            _("Welcome back: your membership is active, with your share and the rotation."),
        )
    return redirect("web:shares", slug=coop.slug)


@login_required
def membership_leave(request: MemberRequest, slug: str) -> HttpResponse:
    """A confirmation page; its form posts the leaving."""
    coop = coop_for_page(request, slug)
    if request.method == "POST":
        try:
            membership_flow.membership_leave(coop=coop, member=request.user)
        except FourfoldError as error:
            messages.error(request, error.detail)
            return redirect("web:shares_leave", slug=coop.slug)
        balance = ledger_selectors.member_balance(coop=coop, member=request.user)
        if balance > 0:
            left = _("You have left %(name)s. It owes you %(amount)s until it is settled.")
        elif balance < 0:
            left = _("You have left %(name)s. You owe it %(amount)s until it is settled.")
        else:
            left = _("You have left %(name)s.")
        messages.success(
            request, left % {"name": coop.name, "amount": money(abs(balance), coop.currency)}
        )
        # A former member no longer sees the co-op's pages.
        return redirect("web:my_coops")
    balance = ledger_selectors.member_balance(coop=coop, member=request.user)
    return render(
        request,
        "web/shares_leave.html",
        {
            "coop": coop,
            "section": SECTION,
            "balance": balance,
            "owed": -balance,
            "leaving": deposits.deposit_return_of(coop=coop, member=request.user),
        },
    )
