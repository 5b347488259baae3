"""Web Push: the installation's VAPID key (RFC 8292), the devices members register, and the
notifications pushed to them, encrypted for each device (RFC 8291) by pywebpush."""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import logging
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from fourfold.accounts.models import User
from fourfold.accounts.selectors import user_language
from fourfold.errors import Invalid, NotFound
from fourfold.lib.files import file_kept
from fourfold.reminders import selectors
from fourfold.reminders.models import Notification, PushSubscription
from fourfold.reminders.notices import Delivery, notice

logger = logging.getLogger(__name__)

KEY_FILE = "vapid_private_key.pem"
# How long a push service keeps a message for a device that is off: news older than a day is
# the page's.
TTL_SECONDS = 24 * 60 * 60
TIMEOUT_SECONDS = 10
# A push service's answer that the subscription is gone for good (RFC 8030 §7.3; 404 from some).
GONE = {404, 410}
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]"}


def _new_private_pem() -> str:
    key = Vapid()
    key.generate_keys()
    return key.private_pem().decode()


def vapid_key() -> Vapid:
    """The installation's VAPID key: settings.VAPID_PRIVATE_KEY (PEM, or base64url DER or
    raw), else the one kept in DATA_DIR, made on first use."""
    configured = settings.VAPID_PRIVATE_KEY.strip()
    if configured.startswith("-----BEGIN"):
        return Vapid.from_pem(configured.encode())
    if configured:
        return Vapid.from_string(configured)
    pem = file_kept(Path(settings.DATA_DIR) / KEY_FILE, _new_private_pem)
    return Vapid.from_pem(pem.encode())


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64url_decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def public_key() -> str:
    """The public half as PushManager.subscribe wants its applicationServerKey: the
    uncompressed P-256 point, base64url without padding."""
    point = vapid_key().public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return _b64url(point)


def _inside(host: str) -> bool:
    """Whether ``host`` names this machine or a private network, as an address or localhost:
    a push service is on the internet, and the server must not be made to post inward."""
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return not address.is_global


def _endpoint_check(endpoint: str) -> None:
    parts = urlsplit(endpoint)
    if parts.scheme == "https" and parts.hostname and not _inside(parts.hostname):
        return
    local = parts.scheme == "http" and parts.netloc.rsplit(":", 1)[0] in LOCAL_HOSTS
    if local and (settings.DEBUG or settings.PUSH_ALLOW_HTTP):
        return
    raise Invalid(_("A push endpoint must be an https:// address."), field="endpoint")


def _key_check(*, p256dh: str, auth: str) -> None:
    try:
        point, secret = _b64url_decode(p256dh), _b64url_decode(auth)
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except (ValueError, binascii.Error) as error:
        raise Invalid(
            _("p256dh must be the device's P-256 public key, base64url-encoded."), field="p256dh"
        ) from error
    if len(secret) != 16:
        raise Invalid(_("auth must be 16 bytes, base64url-encoded."), field="auth")


def push_subscribe(*, member: User, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
    """Register ``member``'s device. The same endpoint again updates it: a device registered
    by another account (someone else logged in on that browser) now gets this member's."""
    _endpoint_check(endpoint)
    _key_check(p256dh=p256dh, auth=auth)
    subscription, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={"member": member, "p256dh": p256dh, "auth": auth},
        create_defaults={
            "member": member,
            "p256dh": p256dh,
            "auth": auth,
            "created_at": timezone.now(),
        },
    )
    return subscription


def push_unsubscribe(*, member: User, pk: int | None = None, endpoint: str | None = None) -> None:
    """Forget one of ``member``'s devices, named by id or endpoint; another's is not found."""
    mine = PushSubscription.objects.filter(member=member)
    if pk is not None:
        mine = mine.filter(pk=pk)
    elif endpoint is not None:
        mine = mine.filter(endpoint=endpoint)
    else:
        raise NotFound(_("No such device."))
    deleted, _kinds = mine.delete()
    if not deleted:
        raise NotFound(_("No such device."))


def payload_of(notification: Notification) -> dict[str, str]:
    """What the service worker shows, in the member's language, as their e-mails are.
    ``notification.coop`` and ``.member`` are read: select them with the notification."""
    with override(user_language(notification.member)):
        said = notice(notification)
    return {
        "title": notification.coop.name,
        "body": said.text,
        "url": settings.SITE_URL + said.path,
        # One notice per subject on a device: a second push of the same replaces the first.
        "tag": f"{notification.coop.slug}:{notification.kind}:{notification.subject}",
    }


def push_send(notification: Notification, *, now: datetime | None = None) -> int:
    """Push ``notification`` to each of its member's devices; returns how many took it.
    A device its push service calls gone (404, 410) is forgotten; any other failure is
    logged, never raised: a push that fails must not undo the change it tells of."""
    now = now or timezone.now()
    data = json.dumps(payload_of(notification))
    key = vapid_key()
    # Who the push service may write to about this sender (RFC 8292 §2.1).
    sub = (
        f"mailto:{settings.DEFAULT_FROM_EMAIL}"
        if settings.DEFAULT_FROM_EMAIL
        else settings.SITE_URL
    )
    delivered = 0
    for device in PushSubscription.objects.filter(member_id=notification.member_id).order_by("pk"):
        try:
            webpush(
                subscription_info={
                    "endpoint": device.endpoint,
                    "keys": {"p256dh": device.p256dh, "auth": device.auth},
                },
                data=data,
                vapid_private_key=key,
                # A fresh dict each time: webpush writes the audience and expiry into it.
                vapid_claims={"sub": sub},
                ttl=TTL_SECONDS,
                timeout=TIMEOUT_SECONDS,
            )
        except WebPushException as error:
            status = error.response.status_code if error.response is not None else None
            if status in GONE:
                device.delete()
                continue
            logger.warning("could not push to device %s: %s", device.pk, status, exc_info=True)
            continue
        except requests.RequestException:
            logger.warning(
                "could not reach the push service of device %s", device.pk, exc_info=True
            )
            continue
        PushSubscription.objects.filter(pk=device.pk).update(last_success_at=now)
        delivered += 1
    return delivered


def pushes_send(notifications: QuerySet[Notification], *, now: datetime | None = None) -> int:
    """Push those of ``notifications`` whose member wants their kind by push and that were
    not pushed yet; returns how many devices took one."""
    now = now or timezone.now()
    waiting = selectors.delivered_by(
        notifications.filter(pushed_at__isnull=True), Delivery.PUSH
    ).select_related("coop", "member")
    delivered = 0
    for notification in waiting.order_by("pk"):
        # Compare and swap: of two processes telling the same, one pushes. Marked before the
        # push and kept if it fails: the news stays in-app, and no device is pushed twice.
        claimed = Notification.objects.filter(pk=notification.pk, pushed_at__isnull=True).update(
            pushed_at=now
        )
        if claimed:
            delivered += push_send(notification, now=now)
    return delivered
