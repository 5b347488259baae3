"""/api/v1/push: the VAPID public key, and a member registering and forgetting their own
devices."""

from __future__ import annotations

import base64

import pytest

from fourfold.reminders.models import PushSubscription
from fourfold.testing import push_device

pytestmark = pytest.mark.django_db

URL = "/api/v1/push/subscriptions"


@pytest.fixture(autouse=True)
def _key_in_tmp(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.VAPID_PRIVATE_KEY = ""


def body(endpoint: str = "https://push.example.com/send/abc") -> dict[str, object]:
    device = push_device()
    return {"endpoint": endpoint, "keys": {"p256dh": device.p256dh, "auth": device.auth}}


def test_the_key_is_the_uncompressed_point_pushmanager_wants(api_client, personas):
    response = api_client(personas.bob).get("/api/v1/push/key")
    assert response.status_code == 200
    key = response.json()["public_key"]
    point = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
    assert (len(point), point[0], "=" in key) == (65, 4, False)
    assert api_client(personas.alice).get("/api/v1/push/key").json()["public_key"] == key


def test_the_key_needs_a_member(api_client, personas):
    assert api_client().get("/api/v1/push/key").status_code == 401


def test_a_member_registers_a_device_once_however_often_they_send_it(api_client, personas):
    client = api_client(personas.bob)
    payload = body()
    first = client.post(URL, payload)
    assert first.status_code == 201
    again = client.post(URL, payload)
    assert again.json() == first.json()
    subscription = PushSubscription.objects.get()
    assert (subscription.pk, subscription.member) == (first.json()["id"], personas.bob)
    assert subscription.p256dh == payload["keys"]["p256dh"]


def test_a_plain_http_endpoint_is_refused(api_client, personas):
    response = api_client(personas.bob).post(URL, body("http://push.example.com/send/abc"))
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("invalid", "endpoint")
    assert not PushSubscription.objects.exists()


def test_keys_missing_or_unknown_fields_are_refused(api_client, personas):
    client = api_client(personas.bob)
    assert client.post(URL, {"endpoint": "https://push.example.com/x"}).status_code == 422
    assert client.post(URL, {**body(), "endpont": "https://x.example"}).status_code == 422
    # The browser's subscription.toJSON() as it is, expirationTime included, is taken.
    assert client.post(URL, {**body(), "expirationTime": None}).status_code == 201


def test_a_member_deletes_their_own_device_and_not_anothers(api_client, personas):
    alices = api_client(personas.alice).post(URL, body()).json()["id"]
    bob = api_client(personas.bob)
    response = bob.delete(f"{URL}/{alices}")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert PushSubscription.objects.filter(pk=alices).exists()
    assert api_client(personas.alice).delete(f"{URL}/{alices}").status_code == 204
    assert not PushSubscription.objects.exists()


def test_registering_needs_a_member(api_client, personas):
    assert api_client().post(URL, body()).status_code == 401
