from __future__ import annotations

from datetime import date

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from fourfold.api.auth import MemberRequest
from fourfold.api.pagination import Page, paginate
from fourfold.api.schemas import DecimalIn, Input, IsoDate, JsonInt, errors
from fourfold.consumption import selectors as consumption
from fourfold.coops.models import Cooperative
from fourfold.coops.selectors import coop_for_member, coop_today, member_by_username
from fourfold.errors import NotFound
from fourfold.production import planning, selectors, services, swaps
from fourfold.production.models import Batch, CalendarFeed, Shift, Swap
from fourfold.workflows import production as production_flow

router = Router(tags=["production"])


class PlanIn(Input):
    weeks: JsonInt = Field(ge=1, le=planning.MAX_PLANNING_WEEKS, examples=[8])


class OpenPlaceOut(Schema):
    batch: int
    date: date
    places: int
    reason: str


class PlanOut(Schema):
    created: int
    assigned: int
    changed: int
    back_to_back: int
    open: list[OpenPlaceOut]


class ShiftOut(Schema):
    id: int
    batch: int
    date: date
    member: str | None
    done: bool
    offered: bool


class BatchOut(Schema):
    id: int
    date: date
    status: str
    planned_quantity: int
    made_quantity: int | None
    hours_spent: str | None
    producers: list[str]
    open_places: int


class UnitsOut(Schema):
    username: str
    units: int


class BatchDetailOut(BatchOut):
    shifts: list[ShiftOut]
    missed_reason: str
    recorded_by: str | None
    allocations: list[UnitsOut] = Field(description="Who got how many units, once made.")


class MadeIn(Input):
    quantity: JsonInt = Field(ge=0, le=1_000_000, examples=[20])
    hours: DecimalIn = Field(description="A number or a decimal string.", examples=["3.5"])


class MissedIn(Input):
    reason: str = Field(min_length=1, max_length=500, examples=["Power cut"])


class AvailabilityIn(Input):
    start: IsoDate
    end: IsoDate
    note: str = Field("", max_length=200)


class AvailabilityOut(Schema):
    id: int
    start: date
    end: date
    note: str


class SwapOut(Schema):
    id: int
    shift: int
    date: date
    offered_by: str
    status: str
    taken_by: str | None


class BatchFilters(Schema):
    start: IsoDate | None = None
    end: IsoDate | None = None
    status: str | None = Field(None, max_length=10)


class CalendarOut(Schema):
    url: str


class ExplanationOut(Schema):
    planned: int
    done_recently: int
    fair_share: str
    total: int
    weight_share: str
    away_on: list[date]


def shift_out(shift: Shift) -> dict:
    return {
        "id": shift.pk,
        "batch": shift.batch_id,
        "date": shift.batch.date,
        "member": shift.member.username if shift.member is not None else None,
        "done": shift.done,
        "offered": bool(getattr(shift, "open_swaps", None)),
    }


def batch_out(batch: Batch) -> dict:
    shifts = list(batch.shifts.all())
    return {
        "id": batch.pk,
        "date": batch.date,
        "status": batch.status,
        "planned_quantity": batch.planned_quantity,
        "made_quantity": batch.made_quantity,
        "hours_spent": str(batch.hours_spent) if batch.hours_spent is not None else None,
        "producers": [s.member.username for s in shifts if s.member is not None],
        "open_places": sum(1 for s in shifts if not s.member_id),
    }


def swap_out(swap: Swap) -> dict:
    return {
        "id": swap.pk,
        "shift": swap.shift_id,
        "date": swap.shift.batch.date,
        "offered_by": swap.offered_by.username,
        "status": swap.status,
        "taken_by": swap.taken_by.username if swap.taken_by is not None else None,
    }


def _batch(coop: Cooperative, batch_id: int) -> Batch:
    batch = selectors.batch_for_coop(coop=coop, pk=batch_id)
    if batch is None:
        raise NotFound(_("No such batch."))
    return batch


@router.post("/coops/{slug}/batches/plan", response={200: PlanOut, **errors(403, 404)})
def batches_plan(request: MemberRequest, slug: str, payload: PlanIn):
    """Plan the next `weeks` of batches from the cadence and assign producers fairly.
    Idempotent; done and locked shifts never move."""
    coop = coop_for_member(user=request.auth, slug=slug)
    result = production_flow.batches_plan(coop=coop, weeks=payload.weeks, by=request.auth)
    return {
        "created": len(result.created),
        "assigned": result.assigned,
        "changed": result.changed,
        "back_to_back": result.back_to_back,
        "open": [
            {"batch": p.batch.pk, "date": p.batch.date, "places": p.places, "reason": p.reason}
            for p in result.open_places
        ],
    }


@router.get("/coops/{slug}/batches", response={200: list[BatchOut], **errors(404)})
def batches_list(
    request: MemberRequest,
    response: HttpResponse,
    slug: str,
    filters: Query[BatchFilters],
    page: Query[Page],
):
    """Batches in date order, with their producers."""
    coop = coop_for_member(user=request.auth, slug=slug)
    items = selectors.batches(
        coop=coop, start=filters.start, end=filters.end, status=filters.status
    )
    return [batch_out(b) for b in paginate(request, response, items, page)]


@router.get("/coops/{slug}/batches/{batch_id}", response={200: BatchDetailOut, **errors(404)})
def batch_detail(request: MemberRequest, slug: str, batch_id: int):
    coop = coop_for_member(user=request.auth, slug=slug)
    batch = _batch(coop, batch_id)
    shifts = selectors.shifts(coop=coop).filter(batch=batch)
    return {
        **batch_out(batch),
        "shifts": [shift_out(s) for s in shifts],
        "missed_reason": batch.missed_reason,
        "recorded_by": batch.recorded_by.username if batch.recorded_by is not None else None,
        "allocations": [
            {"username": a.member.username, "units": a.units}
            for a in consumption.allocations(batch=batch)
        ],
    }


@router.post(
    "/coops/{slug}/batches/{batch_id}/made", response={200: BatchOut, **errors(400, 404, 409)}
)
def batch_made(request: MemberRequest, slug: str, batch_id: int, payload: MadeIn):
    """A producer of the batch records the quantity made and the hours it took."""
    coop = coop_for_member(user=request.auth, slug=slug)
    production_flow.batch_record_made(
        batch=_batch(coop, batch_id),
        by=request.auth,
        quantity=payload.quantity,
        hours=payload.hours,
    )
    return batch_out(_batch(coop, batch_id))


@router.post(
    "/coops/{slug}/batches/{batch_id}/missed", response={200: BatchOut, **errors(400, 404, 409)}
)
def batch_missed(request: MemberRequest, slug: str, batch_id: int, payload: MissedIn):
    coop = coop_for_member(user=request.auth, slug=slug)
    services.batch_record_missed(
        batch=_batch(coop, batch_id), by=request.auth, reason=payload.reason
    )
    return batch_out(_batch(coop, batch_id))


@router.get("/coops/{slug}/shifts", response={200: list[ShiftOut], **errors(404)})
def shifts_list(
    request: MemberRequest,
    response: HttpResponse,
    slug: str,
    page: Query[Page],
    member: str | None = None,
    upcoming: bool = True,
):
    """Shifts in date order (default: from today); `member=me` for yours."""
    coop = coop_for_member(user=request.auth, slug=slug)
    who = None
    if member == "me":
        who = request.auth
    elif member:
        who = member_by_username(coop=coop, username=member)
        if who is None:
            raise NotFound(_("No member named %(name)s.") % {"name": member})
    items = selectors.shifts(coop=coop, member=who, start=coop_today(coop) if upcoming else None)
    return [shift_out(s) for s in paginate(request, response, items, page)]


@router.get("/coops/{slug}/shifts/explanation", response={200: ExplanationOut, **errors(404)})
def shifts_explanation(request: MemberRequest, slug: str):
    """Why you have the shifts you have: your count against your fair share."""
    coop = coop_for_member(user=request.auth, slug=slug)
    why = production_flow.rotation_explanation(coop=coop, member=request.auth)
    return {
        "planned": why.planned,
        "done_recently": why.done_recently,
        "fair_share": f"{float(why.fair_share):.2f}",
        "total": why.total,
        "weight_share": f"{float(why.weight_share):.4f}",
        "away_on": why.away_on,
    }


def _shift(coop: Cooperative, shift_id: int) -> Shift:
    shift = selectors.shift_for_coop(coop=coop, pk=shift_id)
    if shift is None:
        raise NotFound(_("No such shift."))
    return shift


@router.post("/coops/{slug}/shifts/{shift_id}/swap", response={201: SwapOut, **errors(404, 409)})
def shift_offer(request: MemberRequest, slug: str, shift_id: int):
    """Offer your shift; it stays yours until another member takes it."""
    coop = coop_for_member(user=request.auth, slug=slug)
    swap = swaps.swap_offer(shift=_shift(coop, shift_id), by=request.auth)
    return Status(201, swap_out(_swap(coop, swap.pk)))


@router.get("/coops/{slug}/swaps", response={200: list[SwapOut], **errors(404)})
def swaps_list(request: MemberRequest, response: HttpResponse, slug: str, page: Query[Page]):
    """Open offers on upcoming shifts: the swap board."""
    coop = coop_for_member(user=request.auth, slug=slug)
    return [swap_out(s) for s in paginate(request, response, selectors.open_swaps(coop=coop), page)]


def _swap(coop: Cooperative, swap_id: int) -> Swap:
    swap = selectors.swap_for_coop(coop=coop, pk=swap_id)
    if swap is None:
        raise NotFound(_("No such swap."))
    return swap


@router.post(
    "/coops/{slug}/swaps/{swap_id}/take", response={200: ShiftOut, **errors(403, 404, 409)}
)
def swap_take(request: MemberRequest, slug: str, swap_id: int):
    coop = coop_for_member(user=request.auth, slug=slug)
    shift = swaps.swap_take(swap=_swap(coop, swap_id), by=request.auth)
    return shift_out(_shift(coop, shift.pk))


@router.post("/coops/{slug}/swaps/{swap_id}/cancel", response={200: SwapOut, **errors(404, 409)})
def swap_cancel(request: MemberRequest, slug: str, swap_id: int):
    coop = coop_for_member(user=request.auth, slug=slug)
    swaps.swap_cancel(swap=_swap(coop, swap_id), by=request.auth)
    return swap_out(_swap(coop, swap_id))


@router.get("/coops/{slug}/availability", response={200: list[AvailabilityOut], **errors(404)})
def availability_list(request: MemberRequest, slug: str):
    """Your periods away, from today on."""
    coop = coop_for_member(user=request.auth, slug=slug)
    return list(
        selectors.unavailability(coop=coop, member=request.auth, from_date=coop_today(coop))
    )


@router.post("/coops/{slug}/availability", response={201: AvailabilityOut, **errors(400, 404)})
def availability_add(request: MemberRequest, slug: str, payload: AvailabilityIn):
    """Mark yourself unavailable from `start` to `end` (inclusive); the plan adapts."""
    coop = coop_for_member(user=request.auth, slug=slug)
    spell = production_flow.unavailability_add(
        coop=coop, member=request.auth, start=payload.start, end=payload.end, note=payload.note
    )
    return Status(201, spell)


@router.delete("/coops/{slug}/availability/{period_id}", response={204: None, **errors(404)})
def availability_remove(request: MemberRequest, slug: str, period_id: int):
    coop = coop_for_member(user=request.auth, slug=slug)
    production_flow.unavailability_remove(coop=coop, member=request.auth, pk=period_id)
    return Status(204, None)


def _feed_out(request: MemberRequest, feed: CalendarFeed) -> dict:
    return {"url": request.build_absolute_uri(reverse("web:calendar_feed", args=[feed.token]))}


@router.get("/coops/{slug}/calendar", response={200: CalendarOut, **errors(404)})
def calendar(request: MemberRequest, slug: str):
    """Your secret iCalendar address (shifts and batches); a 404 until POST makes it."""
    coop = coop_for_member(user=request.auth, slug=slug)
    feed = selectors.feed_of(coop=coop, member=request.auth)
    if feed is None:
        raise NotFound(_("You have no calendar address yet: POST to this address to make one."))
    return _feed_out(request, feed)


@router.post("/coops/{slug}/calendar", response={200: CalendarOut, 201: CalendarOut, **errors(404)})
def calendar_create(request: MemberRequest, slug: str):
    """Make your secret iCalendar address: 201 when made, 200 when you already had one."""
    coop = coop_for_member(user=request.auth, slug=slug)
    # Two first requests at once may both answer 201; they still get the one feed (the
    # service's get_or_create) and one audit row.
    existed = selectors.feed_of(coop=coop, member=request.auth) is not None
    feed = services.calendar_feed_ensure(coop=coop, member=request.auth)
    return Status(200 if existed else 201, _feed_out(request, feed))


@router.post("/coops/{slug}/calendar/rotate", response={200: CalendarOut, **errors(404)})
def calendar_rotate(request: MemberRequest, slug: str):
    """A new secret address; the old one stops working."""
    coop = coop_for_member(user=request.auth, slug=slug)
    return _feed_out(request, services.calendar_feed_rotate(coop=coop, member=request.auth))
