from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponse
from django.urls import reverse
from ninja import Query, Router, Status

from fourfold.api.auth import MemberRequest
from fourfold.api.pagination import Page, paginate
from fourfold.api.schemas import (
    CoopIn,
    CoopOut,
    InvitationOut,
    MemberOut,
    MembershipOut,
    errors,
)
from fourfold.coops import selectors, services
from fourfold.coops.models import Membership
from fourfold.workflows import membership as membership_flow

router = Router(tags=["co-ops"])


@router.get("/coops", response={200: list[CoopOut], **errors()})
def coops_list(request: MemberRequest, response: HttpResponse, page: Query[Page]):
    """The co-ops the caller belongs to."""
    return paginate(request, response, selectors.coops_for_user(user=request.auth), page)


@router.post("/coops", response={201: CoopOut, **errors(400, 409)})
def coops_found(request: MemberRequest, payload: CoopIn):
    """Found a co-op; the caller becomes its first member (and gains no other power)."""
    coop = services.coop_found(founder=request.auth, fields=services.CoopFields(**payload.dict()))
    return Status(201, coop)


@router.get("/coops/{slug}", response={200: CoopOut, **errors(404)})
def coop_detail(request: MemberRequest, slug: str):
    return selectors.coop_for_member(user=request.auth, slug=slug)


@router.get("/coops/{slug}/members", response={200: list[MemberOut], **errors(404)})
def members_list(request: MemberRequest, response: HttpResponse, slug: str, page: Query[Page]):
    coop = selectors.coop_for_member(user=request.auth, slug=slug)
    return paginate(request, response, selectors.coop_members(coop=coop), page)


@router.post("/coops/{slug}/invitations", response={201: InvitationOut, **errors(404, 409)})
def invitation_create(request: MemberRequest, slug: str):
    """A single-use link to join, valid for 14 days."""
    coop = selectors.coop_for_member(user=request.auth, slug=slug)
    invitation = services.invitation_create(coop=coop, by=request.auth)
    url = request.build_absolute_uri(reverse("web:invitation", args=[invitation.code]))
    return Status(201, {"code": invitation.code, "url": url, "expires_at": invitation.expires_at})


@router.post("/invitations/{code}/accept", response={201: MembershipOut, **errors(404, 409)})
def invitation_accept(request: MemberRequest, code: str):
    return Status(201, membership_flow.invitation_accept(code=code, user=request.auth))


def _membership_action(
    request: MemberRequest, slug: str, change: Callable[..., Membership]
) -> Membership:
    coop = selectors.coop_for_member(user=request.auth, slug=slug)
    return change(coop=coop, member=request.auth)


@router.post("/coops/{slug}/membership/pause", response={200: MembershipOut, **errors(404, 409)})
def membership_pause(request: MemberRequest, slug: str):
    """Pause all four of your roles: no shares, no new shifts, no new costs."""
    return _membership_action(request, slug, membership_flow.membership_pause)


@router.post("/coops/{slug}/membership/resume", response={200: MembershipOut, **errors(404, 409)})
def membership_resume(request: MemberRequest, slug: str):
    return _membership_action(request, slug, membership_flow.membership_resume)


@router.post("/coops/{slug}/membership/leave", response={200: MembershipOut, **errors(404, 409)})
def membership_leave(request: MemberRequest, slug: str):
    """Leave the co-op: your share ends and your future shifts go to others; your balance stays
    in the ledger until it is settled."""
    return _membership_action(request, slug, membership_flow.membership_leave)
