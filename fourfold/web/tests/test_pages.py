import re

import pytest
from django.conf import settings
from django.core import mail

from fourfold.coops.models import Cooperative, Invitation, Membership
from fourfold.testing import PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

FOUNDING = {
    "name": "Somerville Yogurt Cooperative",
    "slug": "somerville",
    "product": "yogurt",
    "unit": "quart",
    "cadence": "FREQ=WEEKLY;BYDAY=SU",
    "timezone": "America/New_York",
    "target_quantity": "20",
    "producers_per_batch": "2",
    "currency": "USD",
    "commercial_unit_price": "6.50",
    "diy_minutes_per_unit": "30",
}


def h1_count(response) -> int:
    return len(re.findall(r"<h1[ >]", response.content.decode()))


def test_the_home_page_invites_visitors_to_sign_up(client):
    response = client.get("/")
    assert response.status_code == 200
    assert h1_count(response) == 1
    assert b"/accounts/signup/" in response.content


def test_signing_up_logs_the_neighbour_in(client):
    response = client.post(
        "/accounts/signup/",
        {"username": "dee", "email": "dee@example.org", "password": "milk-and-culture"},
    )
    assert response.status_code == 302
    assert client.get("/coops/").context["user"].username == "dee"


def test_signing_up_with_a_weak_password_shows_the_error_by_the_field(client):
    response = client.post(
        "/accounts/signup/", {"username": "dee", "email": "dee@example.org", "password": "123"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    assert b'aria-invalid="true"' in response.content


def test_logging_in_and_out(client):
    UserFactory(username="dee")
    response = client.post("/accounts/login/", {"username": "dee", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/coops/"
    response = client.post("/accounts/logout/", follow=True)
    assert b"You are logged out" in response.content
    assert client.get("/coops/").status_code == 302


def test_the_login_form_is_throttled_after_repeated_failures(client):
    UserFactory(username="dee")
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "dee", "password": "guess"})
    response = client.post("/accounts/login/", {"username": "dee", "password": PASSWORD})
    assert response.status_code == 200
    assert b"Too many failed attempts" in response.content


def test_a_password_reset_mails_a_link_that_sets_a_new_password(client):
    UserFactory(username="dee", email="dee@example.org")
    response = client.post("/accounts/password-reset/", {"email": "dee@example.org"})
    assert response.status_code == 302
    [message] = mail.outbox
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "fresh-cultures-42", "new_password2": "fresh-cultures-42"},
    )
    assert response.status_code == 302
    assert client.login(username="dee", password="fresh-cultures-42")


def test_my_coops_has_an_empty_state(client):
    client.force_login(UserFactory())
    response = client.get("/coops/")
    assert b"You are not in a co-op yet" in response.content
    assert h1_count(response) == 1


def test_founding_a_coop_through_the_form(client):
    client.force_login(UserFactory(username="dee"))
    response = client.post("/coops/new/", FOUNDING)
    assert response.status_code == 302
    assert response["Location"] == "/c/somerville/"
    page = client.get("/c/somerville/")
    assert b"Somerville Yogurt Cooperative" in page.content
    assert b"$6.50" in page.content
    assert h1_count(page) == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"cadence": "every sunday"}, "cadence"),
        ({"target_quantity": "0"}, "target_quantity"),
        ({"currency": "XYZ"}, "currency"),
    ],
)
def test_founding_refuses_bad_input_with_a_form_error(client, change, field):
    client.force_login(UserFactory())
    response = client.post("/coops/new/", {**FOUNDING, **change})
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Cooperative.objects.exists()


def test_founding_refuses_a_duplicate_slug(client, personas):
    client.force_login(UserFactory())
    response = client.post("/coops/new/", {**FOUNDING, "slug": "home"})
    assert "slug" in response.context["form"].errors
    assert Cooperative.objects.count() == 2


def test_a_member_creates_an_invitation_link_without_javascript(client, personas):
    client.force_login(personas.bob)
    response = client.post("/c/home/invitations/", follow=True)
    invitation = Invitation.objects.get()
    assert f"/invite/{invitation.code}/".encode() in response.content


def test_with_htmx_the_invitation_link_comes_back_as_a_fragment(client, personas):
    client.force_login(personas.alice)
    response = client.post("/c/home/invitations/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert Invitation.objects.get().code.encode() in response.content


def test_a_neighbour_accepts_an_invitation_and_sees_the_coop(client, personas):
    client.force_login(personas.alice)
    client.post("/c/home/invitations/")
    code = Invitation.objects.get().code
    client.force_login(UserFactory(username="newcomer"))
    assert b"Join Home Co-op" in client.get(f"/invite/{code}/").content
    response = client.post(f"/invite/{code}/", follow=True)
    assert response.redirect_chain[-1][0] == "/c/home/"
    assert b"newcomer" in response.content


def test_accepting_a_used_invitation_shows_why(client, personas):
    client.force_login(personas.alice)
    client.post("/c/home/invitations/")
    code = Invitation.objects.get().code
    client.force_login(UserFactory())
    client.post(f"/invite/{code}/")
    late = UserFactory()
    client.force_login(late)
    response = client.post(f"/invite/{code}/")
    assert response.status_code == 409
    assert b"already been used" in response.content
    assert not Membership.objects.filter(user=late).exists()


def test_an_unknown_invitation_is_a_404_page_with_a_reason(client):
    client.force_login(UserFactory())
    response = client.get("/invite/nope/")
    assert response.status_code == 404
    assert b"does not exist" in response.content


def test_an_invitation_link_sends_an_anonymous_visitor_to_log_in_first(client):
    response = client.get("/invite/whatever/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/invite/whatever/")


def test_the_404_page_is_friendly_html(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"Not found" in response.content


def test_the_500_page_renders_without_a_request_context():
    from django.test import RequestFactory

    from fourfold.web.views.errors import server_error

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"Something went wrong" in response.content


def test_members_page_is_paginated(client, personas):
    for _ in range(60):
        MembershipFactory(coop=personas.coop)
    client.force_login(personas.alice)
    response = client.get("/c/home/members/")
    assert b"Page 1 of 2" in response.content
    assert len(response.context["page"].object_list) == 50


@pytest.mark.parametrize("members", [3, 40])
# The overview carries the principles audit: its queries are pinned on their own in
# test_dashboard_pages.py.
@pytest.mark.parametrize(
    ("path", "queries"), [("/coops/", 8), ("/c/home/", 28), ("/c/home/members/", 8)]
)
def test_main_pages_take_a_fixed_number_of_queries(
    client, personas, members, path, queries, django_assert_max_num_queries
):
    for _ in range(members):
        MembershipFactory(coop=personas.coop)
    client.force_login(personas.alice)
    with django_assert_max_num_queries(queries):
        assert client.get(path).status_code == 200
