from __future__ import annotations

from typing import Literal

from ninja import Router, Schema
from pydantic import Field

from fourfold.api.auth import MemberRequest
from fourfold.api.schemas import errors
from fourfold.coops.selectors import coop_for_member
from fourfold.insights import report

router = Router(tags=["insights"])


class PrincipleOut(Schema):
    name: str = Field(
        description="self_funded, no_paid_staff, flat, consistent_production, "
        "members_only or all_four_roles."
    )
    status: Literal["holds", "at_risk", "broken", "not_yet"] = Field(
        description="holds, at_risk or broken; not_yet while the co-op has no history to "
        "measure the principle by (the figure says what will measure it)."
    )
    figure: str
    fix: str


class HealthOut(Schema):
    coop: str
    window_weeks: int
    principles: list[PrincipleOut]
    all_four_roles: dict
    economics: dict


class RoleOut(Schema):
    status: str = Field(description="active, light or absent.")
    figure: str


class RolesOut(Schema):
    username: str
    all_four: bool
    producer: RoleOut
    funder: RoleOut
    manager: RoleOut
    consumer: RoleOut


@router.get("/coops/{slug}/health", response={200: HealthOut, **errors(404)})
def health(request: MemberRequest, slug: str):
    """The principles audit (each holds / at risk / broken / not yet measured, with its
    figure) and economics."""
    return report.health(coop=coop_for_member(user=request.auth, slug=slug))


@router.get("/coops/{slug}/roles", response={200: list[RolesOut], **errors(404)})
def roles(request: MemberRequest, slug: str):
    """Each active member's four roles over the rolling window."""
    return report.roles(coop=coop_for_member(user=request.auth, slug=slug))
