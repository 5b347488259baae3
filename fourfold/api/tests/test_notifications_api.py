"""/api/v1/notifications: a member's own notifications, read one or all, and their choices."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fourfold.reminders.models import Notification

pytestmark = pytest.mark.django_db

URL = "/api/v1/notifications"
AT = datetime(2026, 6, 17, 9, 0, tzinfo=UTC)


@pytest.fixture
def inbox(personas):
    """Bob has three notifications (the newest read), the outsider one."""
    for n, title in enumerate(["Try goat milk", "Buy a pot", "Move pick-up"]):
        Notification.objects.create(
            coop=personas.coop,
            member=personas.bob,
            kind="proposal",
            subject=str(n),
            params={"proposal": 10 + n, "title": title, "by": "alice"},
            created_at=AT + timedelta(minutes=n),
            read_at=AT + timedelta(hours=1) if n == 2 else None,
        )
    personas.theirs = Notification.objects.create(
        coop=personas.other_coop,
        member=personas.outsider,
        kind="proposal",
        subject="1",
        params={"proposal": 1, "title": "Elsewhere", "by": None},
        created_at=AT,
    )
    return personas


def test_a_member_lists_their_own_newest_first_in_pages(api_client, inbox):
    response = api_client(inbox.bob).get(URL, {"limit": 2})
    assert response.status_code == 200
    assert response["X-Total-Count"] == "3"
    assert 'rel="next"' in response["Link"]
    first, second = response.json()
    assert first == {
        "id": first["id"],
        "kind": "proposal",
        "coop": "home",
        "text": "alice proposed “Move pick-up”.",
        "url": "/c/home/decisions/12/",
        "created_at": "2026-06-17T09:02:00Z",
        "read": True,
    }
    assert (second["text"], second["read"]) == ("alice proposed “Buy a pot”.", False)


def test_reading_one_marks_it_read_and_anothers_is_not_found(api_client, inbox):
    client = api_client(inbox.bob)
    unread = Notification.objects.filter(member=inbox.bob, read_at__isnull=True).first()
    response = client.post(f"{URL}/{unread.pk}/read")
    assert response.status_code == 200
    assert response.json()["read"] is True
    assert client.post(f"{URL}/{inbox.theirs.pk}/read").status_code == 404
    assert client.post(f"{URL}/999999/read").json()["code"] == "not_found"
    inbox.theirs.refresh_from_db()
    assert inbox.theirs.read_at is None


def test_read_all_marks_only_the_members_own(api_client, inbox):
    response = api_client(inbox.bob).post(f"{URL}/read-all")
    assert response.json() == {"marked": 2}
    assert not Notification.objects.filter(member=inbox.bob, read_at__isnull=True).exists()
    assert Notification.objects.filter(member=inbox.outsider, read_at__isnull=True).exists()


def test_preferences_show_the_defaults_and_change_by_kind(api_client, inbox):
    client = api_client(inbox.bob)
    chosen = client.get(f"{URL}/preferences").json()
    assert (chosen["proposal"], chosen["entry"]) == ("digest", "email")
    response = client.put(f"{URL}/preferences", {"proposal": "push", "entry": "app"})
    assert response.status_code == 200
    assert (response.json()["proposal"], response.json()["entry"]) == ("push", "app")
    assert response.json()["settle_up"] == "email"
    assert client.put(f"{URL}/preferences", {"entry": "pigeon"}).status_code == 422
    assert client.put(f"{URL}/preferences", {"gossip": "app"}).status_code == 422


def test_it_needs_a_token(api_client, inbox):
    assert api_client().get(URL).status_code == 401
    assert api_client().post(f"{URL}/read-all").status_code == 401
