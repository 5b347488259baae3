"""A member's own notifications (from every co-op they belong to) and how each kind reaches
them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.conf import settings
from django.http import HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from fourfold.api.auth import MemberRequest
from fourfold.api.pagination import Page, paginate
from fourfold.api.schemas import Input, errors
from fourfold.reminders import selectors, services
from fourfold.reminders.models import Notification
from fourfold.reminders.notices import notice

router = Router(tags=["notifications"])

Delivery = Literal["app", "email", "digest", "push"]
DELIVERY_HELP = (
    "app: only in fourfold; email: an e-mail at once; digest: in the daily e-mail digest; "
    "push: Web Push to each device registered at /api/v1/push/subscriptions (kept in-app too)."
)


class NotificationOut(Schema):
    id: int
    kind: str
    coop: str = Field(description="The co-op's slug.")
    text: str = Field(description="In the language of the request.")
    url: str
    created_at: datetime
    read: bool


def notification_out(row: Notification) -> dict[str, object]:
    said = notice(row)
    return {
        "id": row.pk,
        "kind": row.kind,
        "coop": row.coop.slug,
        "text": said.text,
        "url": settings.SITE_URL + said.path,
        "created_at": row.created_at,
        "read": row.read_at is not None,
    }


class PreferencesOut(Schema):
    proposal: Delivery
    vote_closing: Delivery
    admission: Delivery
    swap_offered: Delivery
    swap_taken: Delivery
    batch: Delivery
    share_ready: Delivery
    entry: Delivery
    settle_up: Delivery
    shift_tomorrow: Delivery
    balance: Delivery


class PreferencesIn(Input):
    """The kinds to change; those left out keep their delivery."""

    proposal: Delivery | None = Field(None, description=DELIVERY_HELP)
    vote_closing: Delivery | None = None
    admission: Delivery | None = None
    swap_offered: Delivery | None = None
    swap_taken: Delivery | None = None
    batch: Delivery | None = None
    share_ready: Delivery | None = None
    entry: Delivery | None = None
    settle_up: Delivery | None = None
    shift_tomorrow: Delivery | None = None
    balance: Delivery | None = None


class ReadAllOut(Schema):
    marked: int = Field(description="How many were unread.")


@router.get("/notifications", response={200: list[NotificationOut], **errors()})
def notifications_list(request: MemberRequest, response: HttpResponse, page: Query[Page]):
    """Your notifications from all your co-ops, newest first."""
    rows = selectors.notifications_of(member=request.auth)
    return [notification_out(row) for row in paginate(request, response, rows, page)]


@router.post("/notifications/read-all", response={200: ReadAllOut, **errors()})
def notifications_read_all(request: MemberRequest):
    return {"marked": services.notifications_read_all(member=request.auth)}


@router.post(
    "/notifications/{notification_id}/read", response={200: NotificationOut, **errors(404)}
)
def notification_read(request: MemberRequest, notification_id: int):
    """Mark one of yours read; anyone else's is not found."""
    return notification_out(services.notification_read(member=request.auth, pk=notification_id))


@router.get("/notifications/preferences", response={200: PreferencesOut, **errors()})
def preferences_get(request: MemberRequest):
    """How each kind reaches you: your choice, else the kind's default."""
    return selectors.deliveries_of(member=request.auth)


@router.put("/notifications/preferences", response={200: PreferencesOut, **errors()})
def preferences_put(request: MemberRequest, payload: PreferencesIn):
    choices = {kind: value for kind, value in payload.dict().items() if value is not None}
    return services.notification_preferences_set(member=request.auth, choices=choices)
