"""A member's week: what to do in the next seven days, in all their co-ops or in one."""

from __future__ import annotations

from ninja import Router

from fourfold.api.auth import MemberRequest
from fourfold.api.schemas import errors
from fourfold.api.schemas.week import WeekOut, week_out
from fourfold.coops.selectors import coop_for_member
from fourfold.insights.week import Week, coop_health, member_week

router = Router(tags=["week"])


def _answer(week: Week) -> dict:
    return week_out(week, [coop_health(coop=coop) for coop in week.coops])


@router.get("/me/week", response={200: WeekOut, **errors()}, by_alias=True)
def my_week(request: MemberRequest):
    """Your next seven days in every co-op where you are active, each in its own dates: your
    shifts, the batches you take from, shares to collect, entries and votes waiting for you,
    shifts you could take; where you owe or are owed; each co-op's health."""
    return _answer(member_week(user=request.auth))


@router.get("/coops/{slug}/week", response={200: WeekOut, **errors(404)}, by_alias=True)
def coop_week(request: MemberRequest, slug: str):
    """Your next seven days in this co-op alone."""
    coop = coop_for_member(user=request.auth, slug=slug)
    return _answer(member_week(user=request.auth, coop=coop))
