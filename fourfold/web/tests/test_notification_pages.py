"""/notifications/: a member's notifications, mark all read, how each kind reaches them; the
bell's count; and the e-mails' unsubscribe link, which needs no login."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from fourfold.reminders.mail import unsubscribe_token, unsubscribe_url
from fourfold.reminders.models import Notification, NotificationPreference
from fourfold.reminders.selectors import deliveries_of
from fourfold.testing import PASSWORD
from fourfold.web.context_processors import notifications as notifications_context

URL = "/notifications/"
AT = datetime(2026, 6, 17, 9, 0, tzinfo=UTC)


def tell(member, coop, n: int, read: bool = False) -> Notification:
    return Notification.objects.create(
        coop=coop,
        member=member,
        kind="proposal",
        subject=str(n),
        params={"proposal": 10 + n, "title": f"Idea {n}", "by": "alice"},
        created_at=AT + timedelta(minutes=n),
        read_at=AT + timedelta(hours=1) if read else None,
    )


@pytest.fixture
def bob_client(client, personas):
    tell(personas.bob, personas.coop, 1)
    tell(personas.bob, personas.coop, 2, read=True)
    tell(personas.outsider, personas.other_coop, 3)
    client.login(username="bob", password=PASSWORD)
    return client


def test_the_page_lists_the_members_own_with_the_unread_marked(bob_client):
    response = bob_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1>") == 1
    assert "alice proposed “Idea 1”." in html and "alice proposed “Idea 2”." in html
    assert "Idea 3" not in html
    assert html.count('class="unread"') == 1
    assert "1 unread" in html


def test_opening_one_marks_it_read_and_goes_where_it_leads(bob_client, personas):
    unread = Notification.objects.get(member=personas.bob, read_at__isnull=True)
    response = bob_client.post(f"/notifications/{unread.pk}/read/")
    assert response.status_code == 302
    assert response["Location"] == "/c/home/decisions/11/"
    unread.refresh_from_db()
    assert unread.read_at is not None
    theirs = Notification.objects.get(member=personas.outsider)
    assert bob_client.post(f"/notifications/{theirs.pk}/read/").status_code == 404


def test_mark_all_read(bob_client, personas):
    assert bob_client.post("/notifications/read-all/").status_code == 302
    assert not Notification.objects.filter(member=personas.bob, read_at__isnull=True).exists()
    assert Notification.objects.filter(member=personas.outsider, read_at__isnull=True).exists()


def test_each_kind_has_four_choices_in_plain_words_and_saves(bob_client, personas):
    html = bob_client.get(URL).content.decode()
    assert html.count('type="radio"') == 4 * len(Notification.Kind)
    assert "only here, in fourfold" in html and "in a daily e-mail digest" in html
    choices = {kind: "app" for kind in Notification.Kind}
    choices["entry"] = "email"
    assert bob_client.post(URL, choices).status_code == 302
    chosen = deliveries_of(member=personas.bob)
    assert chosen["entry"] == "email" and chosen["proposal"] == "app"


def test_the_page_is_for_members_logged_in(client, personas):
    assert client.get(URL).status_code == 302
    assert client.post("/notifications/read-all/").status_code == 302


# --- The unsubscribe link ----------------------------------------------------------------------


def test_the_unsubscribe_link_asks_on_get_and_unsubscribes_on_post_without_login(client, personas):
    url = unsubscribe_url(member=personas.bob, kind="entry")
    page = client.get(url)
    assert page.status_code == 200
    assert "an entry naming me or waiting for me" in page.content.decode()
    assert not NotificationPreference.objects.exists()  # a link scanner's GET changes nothing
    # RFC 8058: the mail client posts "List-Unsubscribe=One-Click", no session, no CSRF token.
    client.handler.enforce_csrf_checks = True
    done = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert "no more e-mails about" in done.content.decode()
    assert deliveries_of(member=personas.bob)["entry"] == "app"


def test_a_forged_unsubscribe_link_is_not_found(client, personas):
    token = unsubscribe_token(member=personas.bob, kind="entry")
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.get(f"/unsubscribe/{forged}/").status_code == 404
    assert client.post(f"/unsubscribe/{forged}/").status_code == 404
    assert not NotificationPreference.objects.exists()


# --- The bell ------------------------------------------------------------------------------------


def test_the_bell_says_the_unread_count_in_words_in_one_query(personas, django_assert_num_queries):
    tell(personas.bob, personas.coop, 1)
    tell(personas.bob, personas.coop, 2)
    request = RequestFactory().get("/")
    request.user = personas.bob
    context = notifications_context(request)
    with django_assert_num_queries(1):
        html = render_to_string("web/_bell.html", context)
    assert 'href="/notifications/"' in html
    assert 'aria-hidden="true"' in html
    assert re.search(r'class="visually-hidden">2 unread notifications<', html)


def test_the_count_costs_no_query_until_shown_and_none_for_a_visitor(
    personas, django_assert_num_queries
):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        html = render_to_string("web/_bell.html", notifications_context(request))
    assert "0 unread notifications" in html
    request.user = personas.bob
    with django_assert_num_queries(0):
        notifications_context(request)
