"""/notifications/ offers push on this device; its script registers and forgets the device
through two session views that need the CSRF token."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from fourfold.reminders import push
from fourfold.reminders.models import PushSubscription
from fourfold.testing import PASSWORD, push_device

SUBSCRIBE = "/notifications/push/"
DELETE = "/notifications/push/delete/"


@pytest.fixture(autouse=True)
def _key_in_tmp(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.VAPID_PRIVATE_KEY = ""


def logged_in(username: str) -> tuple[Client, str]:
    """A client that checks CSRF as a browser's requests are checked, and the page's token."""
    client = Client(enforce_csrf_checks=True)
    client.login(username=username, password=PASSWORD)
    html = client.get("/notifications/").content.decode()
    token = re.search(r'"X-CSRFToken": "([^"]+)"', html)
    assert token is not None
    return client, token.group(1)


def fields(endpoint: str = "https://push.example.com/send/abc") -> dict[str, str]:
    device = push_device()
    return {"endpoint": endpoint, "p256dh": device.p256dh, "auth": device.auth}


def test_the_page_offers_push_with_the_key_hidden_until_its_script_shows_it(client, personas):
    client.login(username="bob", password=PASSWORD)
    html = client.get("/notifications/").content.decode()
    assert html.count("<h1>") == 1
    assert f'data-key="{push.public_key()}"' in html
    assert re.search(r'<section id="push" hidden', html)
    assert "Get notifications on this device" in html
    assert 'src="/static/fourfold/push.js"' in html


def test_the_script_registers_this_device_with_the_csrf_token(personas):
    client, token = logged_in("bob")
    sent = fields()
    assert client.post(SUBSCRIBE, sent).status_code == 403  # no token: refused
    response = client.post(SUBSCRIBE, sent, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201
    subscription = PushSubscription.objects.get()
    assert response.json() == {"id": subscription.pk}
    assert (subscription.member, subscription.endpoint) == (personas.bob, sent["endpoint"])


def test_a_bad_subscription_is_refused_in_json(personas):
    client, token = logged_in("bob")
    response = client.post(SUBSCRIBE, fields("http://push.example.com/x"), HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    response = client.post(SUBSCRIBE, {"endpoint": "https://x.example"}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 400
    assert not PushSubscription.objects.exists()


def test_a_member_forgets_their_own_device_and_not_anothers(personas):
    alice, alices_token = logged_in("alice")
    sent = fields()
    alice.post(SUBSCRIBE, sent, HTTP_X_CSRFTOKEN=alices_token)
    bob, bobs_token = logged_in("bob")
    refused = bob.post(DELETE, {"endpoint": sent["endpoint"]}, HTTP_X_CSRFTOKEN=bobs_token)
    assert refused.status_code == 404
    assert PushSubscription.objects.filter(member=personas.alice).exists()
    done = alice.post(DELETE, {"endpoint": sent["endpoint"]}, HTTP_X_CSRFTOKEN=alices_token)
    assert done.status_code == 204
    assert not PushSubscription.objects.exists()


def test_the_views_are_for_members_logged_in(client, personas):
    response = client.post(SUBSCRIBE, fields())
    assert response.status_code == 302
    assert not PushSubscription.objects.exists()


def test_the_service_worker_shows_pushes_and_opens_their_page(client):
    worker = client.get("/sw.js").content.decode()
    assert 'addEventListener("push"' in worker and "showNotification" in worker
    assert 'addEventListener("notificationclick"' in worker
    assert '"notifications": "/notifications/"' in worker
