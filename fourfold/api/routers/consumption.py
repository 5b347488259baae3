from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.security import SessionAuth
from pydantic import Field, StrictBool

from fourfold.accounts.models import User
from fourfold.api.auth import BearerToken, MemberRequest
from fourfold.api.pagination import Page, paginate
from fourfold.api.schemas import Input, IsoDate, JsonInt, errors
from fourfold.consumption import selectors, services
from fourfold.consumption.models import Allocation, StandingShare
from fourfold.coops.models import Cooperative
from fourfold.coops.selectors import coop_for_member, member_by_username
from fourfold.errors import Conflict, NotFound
from fourfold.lib.money import plain
from fourfold.production import selectors as production
from fourfold.production.models import Batch

router = Router(tags=["consumption"])


class ShareIn(Input):
    units: JsonInt = Field(
        ge=0, le=services.MAX_UNITS, description="Units of every batch; 0 stops.", examples=[2]
    )
    paused: StrictBool | None = Field(None, description="Pause or resume without losing the size.")


class ShareOut(Schema):
    username: str
    units: int
    paused: bool


class ReservationIn(Input):
    batch: JsonInt = Field(ge=1)
    units: JsonInt = Field(ge=0, le=services.MAX_UNITS, description="0 skips this batch.")


class ReservationOut(Schema):
    batch: int
    date: date
    username: str
    units: int


class AllocationOut(Schema):
    username: str
    requested: int
    units: int
    extra_units: int
    collected: bool


class PickupOut(Schema):
    username: str
    units: int
    collected: bool
    collected_at: datetime | None
    marked_by: str | None = Field(description="Who marked it collected: the member or another.")


class ExtrasIn(Input):
    units: JsonInt = Field(1, ge=1, le=services.MAX_UNITS)


class ExtrasOut(Schema):
    left: int


class CostOut(Schema):
    batch: int
    date: date
    units: int
    cost: str
    per_unit: str | None
    mine: str


class CostFilters(Schema):
    start: IsoDate | None = None
    end: IsoDate | None = None


def share_out(share: StandingShare | None, member: User) -> dict:
    return {
        "username": member.username,
        "units": share.units if share else 0,
        # Paused by the share or by the membership: either way nothing is taken.
        "paused": bool(share and (share.paused or getattr(share, "member_paused", False))),
    }


def allocation_out(allocation: Allocation) -> dict:
    return {
        "username": allocation.member.username,
        "requested": allocation.requested,
        "units": allocation.units,
        "extra_units": allocation.extra_units,
        "collected": allocation.collected_at is not None,
    }


def pickup_out(allocation: Allocation) -> dict:
    return {
        "username": allocation.member.username,
        "units": allocation.units,
        "collected": allocation.collected_at is not None,
        "collected_at": allocation.collected_at,
        "marked_by": allocation.collected_by.username if allocation.collected_by else None,
    }


def _batch(coop: Cooperative, batch_id: int) -> Batch:
    batch = production.batch_for_coop(coop=coop, pk=batch_id)
    if batch is None:
        raise NotFound(_("No such batch."))
    return batch


@router.get("/coops/{slug}/subscriptions", response={200: list[ShareOut], **errors(404)})
def shares_list(request: MemberRequest, slug: str):
    """Every member's standing share: what each takes of every batch."""
    coop = coop_for_member(user=request.auth, slug=slug)
    return [share_out(s, s.member) for s in selectors.shares(coop=coop)]


@router.get("/coops/{slug}/subscriptions/me", response={200: ShareOut, **errors(404)})
def share_mine(request: MemberRequest, slug: str):
    coop = coop_for_member(user=request.auth, slug=slug)
    return share_out(selectors.share_of(coop=coop, member=request.auth), request.auth)


@router.put(
    "/coops/{slug}/subscriptions/me", response={200: ShareOut, **errors(400, 403, 404, 409)}
)
def share_set(request: MemberRequest, slug: str, payload: ShareIn):
    """Set your standing share (0 stops it); your share of production follows it.

    While your membership is paused this is refused (409): resume it first."""
    coop = coop_for_member(user=request.auth, slug=slug)
    share = services.share_set(
        coop=coop, member=request.auth, units=payload.units, paused=payload.paused
    )
    return share_out(share, request.auth)


@router.post(
    "/coops/{slug}/reservations", response={201: ReservationOut, **errors(400, 403, 404, 409)}
)
def reservation_set(request: MemberRequest, slug: str, payload: ReservationIn):
    """For one batch, more or fewer units than your share (0 skips it), until the cut-off."""
    coop = coop_for_member(user=request.auth, slug=slug)
    batch = _batch(coop, payload.batch)
    reservation = services.reservation_set(batch=batch, member=request.auth, units=payload.units)
    return Status(
        201,
        {
            "batch": batch.pk,
            "date": batch.date,
            "username": request.auth.username,
            "units": reservation.units,
        },
    )


@router.get(
    "/coops/{slug}/batches/{batch_id}/allocations",
    response={200: list[AllocationOut], **errors(404)},
)
def allocations_list(request: MemberRequest, slug: str, batch_id: int):
    """Who got what of a made batch (and what they asked)."""
    coop = coop_for_member(user=request.auth, slug=slug)
    return [allocation_out(a) for a in selectors.allocations(batch=_batch(coop, batch_id))]


@router.get("/coops/{slug}/batches/{batch_id}/extras", response={200: ExtrasOut, **errors(404)})
def extras_left(request: MemberRequest, slug: str, batch_id: int):
    coop = coop_for_member(user=request.auth, slug=slug)
    return {"left": selectors.extras_left(batch=_batch(coop, batch_id))}


@router.post(
    "/coops/{slug}/batches/{batch_id}/extras",
    response={200: AllocationOut, **errors(400, 403, 404, 409)},
)
def extras_claim(request: MemberRequest, slug: str, batch_id: int, payload: ExtrasIn):
    """Claim units of a made batch's surplus; its costs are re-shared by the new units."""
    coop = coop_for_member(user=request.auth, slug=slug)
    allocation = services.extras_claim(
        batch=_batch(coop, batch_id), member=request.auth, units=payload.units
    )
    return allocation_out(allocation)


@router.post(
    "/coops/{slug}/batches/{batch_id}/collected", response={200: AllocationOut, **errors(404, 409)}
)
def collected(request: MemberRequest, slug: str, batch_id: int):
    """Mark your share of a batch collected."""
    coop = coop_for_member(user=request.auth, slug=slug)
    return allocation_out(
        services.pickup_mark(batch=_batch(coop, batch_id), member=request.auth, by=request.auth)
    )


# The pick-up page's script replays the marks a shared phone made offline with the member's
# web session, so these take it besides a token; the session needs its CSRF token, as a form.
PICKUP_AUTH = [BearerToken(), SessionAuth(csrf=True)]


def _member(coop: Cooperative, username: str) -> User:
    member = member_by_username(coop=coop, username=username)
    if member is None:
        raise NotFound(_("No member of this co-op is called %(name)s.") % {"name": username})
    return member


@router.get(
    "/coops/{slug}/batches/{batch_id}/pickups",
    response={200: list[PickupOut], **errors(404, 409)},
    auth=PICKUP_AUTH,
)
def pickups_list(request: MemberRequest, slug: str, batch_id: int):
    """The pick-up list of a made batch: every active member's share, by name, collected or
    not and who marked it."""
    coop = coop_for_member(user=request.auth, slug=slug)
    batch = _batch(coop, batch_id)
    if batch.status != Batch.Status.MADE:
        raise Conflict(_("This batch is not made yet: it has no pick-up list."))
    return [pickup_out(a) for a in selectors.pickups(batch=batch)]


@router.post(
    "/coops/{slug}/batches/{batch_id}/pickups/{username}",
    response={200: PickupOut, **errors(403, 404, 409)},
    auth=PICKUP_AUTH,
)
def pickup_mark(request: MemberRequest, slug: str, batch_id: int, username: str):
    """Mark a member's share collected, as you (any active member) saw it taken. Marking it
    again answers the same, so a device may safely send a mark twice."""
    coop = coop_for_member(user=request.auth, slug=slug)
    batch = _batch(coop, batch_id)
    member = _member(coop, username)
    return pickup_out(services.pickup_mark(batch=batch, member=member, by=request.auth))


@router.delete(
    "/coops/{slug}/batches/{batch_id}/pickups/{username}",
    response={200: PickupOut, **errors(403, 404, 409)},
    auth=PICKUP_AUTH,
)
def pickup_undo(request: MemberRequest, slug: str, batch_id: int, username: str):
    """Take back a mark made by mistake; undoing a share not marked answers the same."""
    coop = coop_for_member(user=request.auth, slug=slug)
    batch = _batch(coop, batch_id)
    member = _member(coop, username)
    return pickup_out(services.pickup_undo(batch=batch, member=member, by=request.auth))


@router.get("/coops/{slug}/costs", response={200: list[CostOut], **errors(404)})
def costs(
    request: MemberRequest,
    response: HttpResponse,
    slug: str,
    filters: Query[CostFilters],
    page: Query[Page],
):
    """Cost per unit of each made batch, newest first, and what your share cost you."""
    coop = coop_for_member(user=request.auth, slug=slug)
    made = production.batches(
        coop=coop, start=filters.start, end=filters.end, status="made"
    ).order_by("-date")
    batches = paginate(request, response, made, page)
    mine = selectors.member_batch_costs(coop=coop, member=request.auth, batches=batches)
    return [
        {
            "batch": c.batch.pk,
            "date": c.batch.date,
            "units": c.units,
            "cost": plain(c.cost, coop.currency),
            "per_unit": plain(c.per_unit, coop.currency) if c.per_unit is not None else None,
            "mine": plain(Decimal(mine.get(c.batch.pk, 0)), coop.currency),
        }
        for c in selectors.batch_costs(coop=coop, batches=batches)
    ]
