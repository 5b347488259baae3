"""Web Push: the installation's public key for PushManager.subscribe, and a member's own
devices."""

from __future__ import annotations

from ninja import Router, Schema, Status
from pydantic import Field

from fourfold.api.auth import MemberRequest
from fourfold.api.schemas import Input, errors
from fourfold.reminders import push

router = Router(tags=["push"])


class KeyOut(Schema):
    public_key: str = Field(
        description="The VAPID public key (uncompressed P-256 point, base64url): "
        "PushManager.subscribe's applicationServerKey."
    )


class KeysIn(Input):
    p256dh: str = Field(max_length=100, description="The device's P-256 public key, base64url.")
    auth: str = Field(max_length=50, description="The device's 16-byte auth secret, base64url.")


class SubscriptionIn(Input):
    """A PushSubscription as the browser's ``subscription.toJSON()`` gives it."""

    endpoint: str = Field(max_length=1000, description="https:// address of the push service.")
    keys: KeysIn
    # camelCase: the name the browser gives it.
    expirationTime: int | None = Field(
        None, description="As the browser gives it; push services stop taking pushes then."
    )


class SubscriptionOut(Schema):
    id: int


@router.get("/push/key", response={200: KeyOut, **errors()})
def push_key(request: MemberRequest):
    return {"public_key": push.public_key()}


@router.post("/push/subscriptions", response={201: SubscriptionOut, **errors(400)})
def push_subscribe(request: MemberRequest, payload: SubscriptionIn):
    """Register a device for the kinds you chose to get by push; the same endpoint again
    updates it."""
    subscription = push.push_subscribe(
        member=request.auth,
        endpoint=payload.endpoint,
        p256dh=payload.keys.p256dh,
        auth=payload.keys.auth,
    )
    return Status(201, {"id": subscription.pk})


@router.delete("/push/subscriptions/{subscription_id}", response={204: None, **errors(404)})
def push_unsubscribe(request: MemberRequest, subscription_id: int):
    """Forget one of your devices; anyone else's is not found."""
    push.push_unsubscribe(member=request.auth, pk=subscription_id)
    return Status(204, None)
