"""Web Push end to end: a push service the test runs itself receives what a real event sends,
checks the VAPID signature and decrypts the message (RFC 8291) as a browser would."""

from __future__ import annotations

import base64
import json
import stat
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
import time_machine
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from django.core import mail

from fourfold.errors import Invalid, NotFound
from fourfold.production.models import Batch, Shift
from fourfold.reminders import push, services
from fourfold.reminders.models import Notification, PushSubscription
from fourfold.testing import MembershipFactory, PushDevice, push_device, tasks_run
from fourfold.workflows import decisions as decisions_flow

NOW = datetime(2026, 6, 17, 9, 0, tzinfo=UTC)


@dataclass
class Received:
    path: str
    headers: Message  # looked up case-insensitively, as HTTP headers are
    body: bytes


@dataclass
class PushService:
    """An HTTP push service on loopback that answers ``status`` and keeps what it got."""

    base: str = ""
    status: int = 201
    received: list[Received] = field(default_factory=list)

    def endpoint(self, name: str) -> str:
        return f"{self.base}/push/{name}"


@pytest.fixture
def push_service():
    service = PushService()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            service.received.append(Received(self.path, self.headers, body))
            self.send_response(service.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    service.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield service
    server.shutdown()
    server.server_close()


@pytest.fixture
def pushing(settings, tmp_path):
    settings.PUSH_ALLOW_HTTP = True
    settings.DATA_DIR = tmp_path
    settings.VAPID_PRIVATE_KEY = ""
    settings.SITE_URL = "https://coop.example.org"
    return settings


@pytest.fixture
def home(personas, pushing):
    personas.carol = MembershipFactory(coop=personas.coop, user__username="carol").user
    return personas


def subscribed(member, service: PushService, name: str) -> tuple[PushSubscription, PushDevice]:
    device = push_device()
    subscription = push.push_subscribe(
        member=member, endpoint=service.endpoint(name), p256dh=device.p256dh, auth=device.auth
    )
    return subscription, device


def b64url_decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def vapid_claims(authorization: str) -> dict[str, object]:
    """The JWT's claims, once its ES256 signature is checked against the key it names."""
    scheme, _space, params = authorization.partition(" ")
    assert scheme == "vapid"
    fields = dict(part.split("=", 1) for part in params.split(","))
    assert b64url_decode(fields["k"]) == b64url_decode(push.public_key())
    header, claims, signature = fields["t"].split(".")
    raw = b64url_decode(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32]), int.from_bytes(raw[32:]))
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(fields["k"]))
    key.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
    return json.loads(b64url_decode(claims))


def decrypted(received: Received, device: PushDevice) -> dict[str, str]:
    plain = http_ece.decrypt(
        received.body,
        private_key=device.private_key,
        auth_secret=device.auth_secret,
        version="aes128gcm",
    )
    return json.loads(plain)


def choose(member, kind: str, delivery: str) -> None:
    services.notification_preferences_set(member=member, choices={kind: delivery})


def test_a_new_proposal_is_pushed_encrypted_to_who_chose_push(
    home, push_service, django_capture_on_commit_callbacks
):
    choose(home.bob, "proposal", "push")
    choose(home.carol, "proposal", "email")
    bobs, bobs_device = subscribed(home.bob, push_service, "bob")
    subscribed(home.carol, push_service, "carol")
    with (
        time_machine.travel(NOW, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        proposal = decisions_flow.proposal_open(
            coop=home.coop, by=home.alice, kind="general", title="Try goat milk"
        )
    assert push_service.received == []  # the member's request sends nothing: the worker does
    with time_machine.travel(NOW, tick=False):
        tasks_run()
    # Carol chose e-mail: her device hears nothing, her inbox does.
    (received,) = push_service.received
    assert received.path == "/push/bob"
    assert received.headers["Content-Encoding"] == "aes128gcm"
    assert int(received.headers["TTL"]) == push.TTL_SECONDS
    claims = vapid_claims(received.headers["Authorization"])
    assert claims["aud"] == push_service.base
    assert claims["sub"] == "mailto:fourfold@localhost"
    assert decrypted(received, bobs_device) == {
        "title": "Home Co-op",
        "body": "alice proposed “Try goat milk”.",
        "url": f"https://coop.example.org/c/home/decisions/{proposal.pk}/",
        "tag": f"home:proposal:{proposal.pk}",
    }
    assert [message.to for message in mail.outbox] == [[home.carol.email]]
    # Kept in-app as well, and marked pushed: the round does not push it again.
    bobs_notification = Notification.objects.get(member=home.bob)
    assert (bobs_notification.read_at, bobs_notification.pushed_at) == (None, NOW)
    bobs.refresh_from_db()
    assert bobs.last_success_at == NOW
    with time_machine.travel(NOW, tick=False):
        assert services.round_run(now=NOW).pushed == 0
    assert len(push_service.received) == 1


def test_a_device_the_push_service_calls_gone_is_forgotten(home, push_service):
    push_service.status = 410
    choose(home.bob, "proposal", "push")
    subscription, _device = subscribed(home.bob, push_service, "bob")
    with time_machine.travel(NOW, tick=False):
        services.notify(
            coop=home.coop,
            kind="proposal",
            subject="1",
            params={"proposal": 1, "title": "Try goat milk", "by": "alice"},
            member_ids=[home.bob.pk],
        )
        tasks_run()
    assert len(push_service.received) == 1
    assert not PushSubscription.objects.filter(pk=subscription.pk).exists()


def test_a_push_service_failing_keeps_the_device_raises_nothing_and_is_logged(
    home, push_service, caplog
):
    push_service.status = 500
    choose(home.bob, "proposal", "push")
    subscription, _device = subscribed(home.bob, push_service, "bob")
    with time_machine.travel(NOW, tick=False):
        services.notify(
            coop=home.coop,
            kind="proposal",
            subject="1",
            params={"proposal": 1, "title": "Try goat milk", "by": "alice"},
            member_ids=[home.bob.pk],
        )
        tasks_run()
    assert len(push_service.received) == 1
    subscription.refresh_from_db()
    assert subscription.last_success_at is None
    assert Notification.objects.get(member=home.bob).read_at is None
    assert f"could not push to device {subscription.pk}: 500" in caplog.text


def test_an_unreachable_push_service_raises_nothing(home, push_service):
    choose(home.bob, "proposal", "push")
    device = push_device()
    # Nobody listens on port 9 of loopback (discard): the connection is refused.
    push.push_subscribe(
        member=home.bob,
        endpoint="http://127.0.0.1:9/push/bob",
        p256dh=device.p256dh,
        auth=device.auth,
    )
    with time_machine.travel(NOW, tick=False):
        services.notify(
            coop=home.coop,
            kind="proposal",
            subject="1",
            params={"proposal": 1, "title": "Try goat milk", "by": "alice"},
            member_ids=[home.bob.pk],
        )
        tasks_run()
    assert PushSubscription.objects.filter(member=home.bob).exists()


def test_the_round_pushes_a_shift_reminder_once_to_who_chose_push(home, push_service):
    batch = Batch.objects.create(coop=home.coop, date=date(2026, 6, 18), planned_quantity=20)
    Shift.objects.create(batch=batch, slot=0, member=home.alice)
    choose(home.alice, "shift_tomorrow", "push")
    _subscription, device = subscribed(home.alice, push_service, "alice")
    evening = datetime(2026, 6, 17, 22, 0, tzinfo=UTC)  # 18:00 in New York, the co-op's zone
    with time_machine.travel(evening, tick=False):
        done = services.round_run(now=evening)
    assert (done.sent, done.pushed) == (0, 1)
    assert mail.outbox == []
    (received,) = push_service.received
    said = decrypted(received, device)
    assert said["body"] == "Your shift tomorrow: Thu 18 Jun 2026, 20 quarts of yogurt."
    assert said["url"] == "https://coop.example.org/c/home/production/shifts/"
    later = evening + timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        assert services.round_run(now=later).pushed == 0
    assert len(push_service.received) == 1


def test_a_member_with_no_device_is_simply_not_pushed(home, push_service):
    choose(home.bob, "proposal", "push")
    with time_machine.travel(NOW, tick=False):
        services.notify(
            coop=home.coop,
            kind="proposal",
            subject="1",
            params={"proposal": 1, "title": "Try goat milk", "by": "alice"},
            member_ids=[home.bob.pk],
        )
        tasks_run()
    assert push_service.received == []
    assert Notification.objects.get(member=home.bob).pushed_at == NOW


def test_subscribing_the_same_endpoint_again_updates_it_for_the_latest_member(home, push_service):
    first, _device = subscribed(home.alice, push_service, "shared")
    again, device = subscribed(home.bob, push_service, "shared")
    assert again.pk == first.pk
    assert (again.member, again.p256dh) == (home.bob, device.p256dh)
    assert PushSubscription.objects.count() == 1


@pytest.mark.parametrize(
    "endpoint",
    ["http://push.example.com/x", "ftp://127.0.0.1/x", "https:///x", "http://127.0.0.1.evil/x"],
)
def test_an_endpoint_not_https_is_refused(home, endpoint):
    device = push_device()
    with pytest.raises(Invalid) as refused:
        push.push_subscribe(
            member=home.bob, endpoint=endpoint, p256dh=device.p256dh, auth=device.auth
        )
    assert refused.value.field == "endpoint"


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://127.0.0.1/push",
        "https://10.0.0.5/push",
        "https://192.168.1.1:8443/push",
        "https://169.254.169.254/latest",
        "https://[::1]/push",
        "https://localhost/push",
        "https://metadata.localhost/push",
    ],
)
def test_an_endpoint_inside_this_machine_or_network_is_refused(home, endpoint):
    device = push_device()
    with pytest.raises(Invalid) as refused:
        push.push_subscribe(
            member=home.bob, endpoint=endpoint, p256dh=device.p256dh, auth=device.auth
        )
    assert refused.value.field == "endpoint"


def test_plain_http_on_loopback_needs_the_setting(home, pushing):
    pushing.PUSH_ALLOW_HTTP = False
    pushing.DEBUG = False
    device = push_device()
    with pytest.raises(Invalid):
        push.push_subscribe(
            member=home.bob,
            endpoint="http://127.0.0.1:8001/push",
            p256dh=device.p256dh,
            auth=device.auth,
        )


def test_keys_that_are_not_a_devices_are_refused(home):
    device = push_device()
    endpoint = "https://push.example.com/x"
    with pytest.raises(Invalid) as refused:
        push.push_subscribe(member=home.bob, endpoint=endpoint, p256dh="AAAA", auth=device.auth)
    assert refused.value.field == "p256dh"
    with pytest.raises(Invalid) as refused:
        push.push_subscribe(member=home.bob, endpoint=endpoint, p256dh=device.p256dh, auth="AAAA")
    assert refused.value.field == "auth"


def test_a_member_forgets_only_their_own_device(home, push_service):
    alices, _device = subscribed(home.alice, push_service, "alice")
    with pytest.raises(NotFound):
        push.push_unsubscribe(member=home.bob, pk=alices.pk)
    with pytest.raises(NotFound):
        push.push_unsubscribe(member=home.bob, endpoint=alices.endpoint)
    push.push_unsubscribe(member=home.alice, endpoint=alices.endpoint)
    assert not PushSubscription.objects.exists()


def test_the_vapid_key_is_made_once_and_kept_for_the_owner_only(pushing, tmp_path):
    key = push.public_key()
    assert push.public_key() == key
    assert len(b64url_decode(key)) == 65 and b64url_decode(key)[0] == 4
    kept = tmp_path / push.KEY_FILE
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600


def test_a_configured_vapid_key_is_used_as_is(pushing, tmp_path):
    configured = ec.generate_private_key(ec.SECP256R1())
    pushing.VAPID_PRIVATE_KEY = configured.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    point = configured.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    assert b64url_decode(push.public_key()) == point
    assert not (tmp_path / push.KEY_FILE).exists()
