import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from fourfold.accounts.models import User
from fourfold.coops import services as coop_services
from fourfold.coops.models import Cooperative, Invitation, Membership
from fourfold.testing import PASSWORD, CoopFactory, MembershipFactory, UserFactory
from fourfold.workflows import membership as membership_flow

pytestmark = pytest.mark.django_db

FOUNDING = {
    "name": "Somerville Yogurt Cooperative",
    "slug": "somerville",
    "product": "yogurt",
    "unit": "quart",
    "rhythm": "weekly",
    "days": "SU",
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


def test_a_signup_form_shows_every_error_at_once(client):
    response = client.post(
        "/accounts/signup/", {"username": "dee dee!", "email": "not-an-address", "password": "123"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"username", "email", "password"} <= set(errors)
    assert response.content.count(b'aria-invalid="true"') == 3
    assert not User.objects.filter(username__startswith="dee").exists()


def test_the_founding_form_offers_the_common_time_zones_first_in_words(client):
    client.force_login(UserFactory())
    page = client.get("/coops/new/").content.decode()
    common, everything = (
        page.index('<optgroup label="Common time zones">'),
        page.index('<optgroup label="All time zones">'),
    )
    assert common < everything
    assert '<option value="America/New_York" selected>Eastern Time (New York)</option>' in page
    assert page.index("Eastern Time (New York)") < everything
    assert '<option value="Pacific/Chatham">Pacific/Chatham</option>' in page[everything:]
    assert page.count('value="America/New_York" selected') == 1


def test_logging_in_and_out(client):
    UserFactory(username="dee")
    response = client.post("/accounts/login/", {"username": "dee", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/week/"
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


def test_the_founding_form_asks_the_plural_of_the_unit_and_the_pages_use_it(client):
    client.force_login(UserFactory(username="dee"))
    form = client.get("/coops/new/").content.decode()
    assert 'name="unit_plural"' in form
    assert "8 repair slots" in form
    founded = {**FOUNDING, "unit": "loaf", "unit_plural": "loaves", "target_quantity": "24"}
    assert client.post("/coops/new/", founded).status_code == 302
    page = client.get("/c/somerville/").content.decode()
    assert "24 loaves, made by 2 members" in page
    guessed = {**FOUNDING, "slug": "bikes", "unit": "repair slot", "unit_plural": ""}
    assert client.post("/coops/new/", guessed).status_code == 302
    assert Cooperative.objects.get(slug="bikes").unit_plural == "repair slots"


def test_a_batch_of_one_reads_in_the_singular(client):
    client.force_login(UserFactory(username="dee"))
    assert client.post("/coops/new/", {**FOUNDING, "target_quantity": "1"}).status_code == 302
    assert "1 quart, made by 2 members" in client.get("/c/somerville/").content.decode()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"rhythm": "every sunday"}, "rhythm"),
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


def test_invite_a_neighbour_comes_before_the_list_of_members(client, personas):
    client.force_login(personas.alice)
    for path in ("/c/home/", "/c/home/members/"):
        page = client.get(path).content.decode()
        assert page.index("Invite a neighbour") < page.index(">alice</a>"), path


def test_the_members_page_invites_and_comes_back_with_the_link_and_a_copy_button(client, personas):
    client.force_login(personas.alice)
    response = client.post("/c/home/invitations/", {"back": "members"})
    assert response["Location"] == "/c/home/members/"
    page = client.get("/c/home/members/").content.decode()
    link = re.search(r'<textarea id="invitation-url"[^>]*>([^<]+)</textarea>', page)
    assert link and "/invite/" in link.group(1)
    assert 'data-copy="invitation-url"' in page
    assert "<script>" not in page and "onclick" not in page and "style=" not in page


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


# --- An invitation link, opened logged out ------------------------------------------------


def invite(personas) -> str:
    """A fresh invitation to the home co-op, made by alice; its path."""
    invitation = coop_services.invitation_create(coop=personas.coop, by=personas.alice)
    return f"/invite/{invitation.code}/"


def test_an_invitation_link_tells_a_visitor_which_coop_invited_them(client, personas):
    url = invite(personas)
    response = client.get(url)
    assert response.status_code == 200
    assert h1_count(response) == 1
    content = response.content.decode()
    assert "You're invited to join Home Co-op" in content
    assert "yogurt, 2 members" in content


def test_an_invitation_link_offers_a_visitor_to_sign_up_or_log_in_and_come_back(client, personas):
    url = invite(personas)
    content = client.get(url).content.decode()
    next_query = "?next=" + quote(url)
    assert f'<a href="/accounts/signup/{next_query}" role="button">Create an account</a>' in content
    assert f'<a href="/accounts/login/{next_query}" role="button">Log in</a>' in content
    assert "Accept and join" not in content


def test_the_header_links_keep_where_the_visitor_was_going(client, personas):
    url = invite(personas)
    content = client.get("/accounts/login/?next=" + quote(url)).content.decode()
    # Both the header's link and the form's own.
    assert content.count(f'<a href="/accounts/signup/?next={quote(url)}">Sign up</a>') == 2


def test_an_invitation_link_shows_a_visitor_nothing_else_of_the_coop(client, personas):
    coop = personas.coop
    url = invite(personas)
    page = client.get(url).content.decode()
    # The link itself is random text: leave it out, so "20" is looked for only in the words.
    content = page[page.index("<main") : page.index("</main>")].replace(url, "")
    for private in ("alice", "bob", f"/c/{coop.slug}/", coop.unit, str(coop.target_quantity)):
        assert private not in content, private


def test_the_invitation_counts_only_members_who_belong(client, personas):
    MembershipFactory(coop=personas.coop, status=Membership.Status.LEFT)
    MembershipFactory(coop=personas.coop, status=Membership.Status.PENDING)
    MembershipFactory(coop=personas.coop, status=Membership.Status.PAUSED)
    assert b"yogurt, 3 members" in client.get(invite(personas)).content


def test_a_visitor_cannot_accept_an_invitation_without_logging_in(client, personas):
    url = invite(personas)
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={quote(url)}"
    assert Invitation.objects.get().accepted_at is None


def test_a_visitor_signs_up_from_an_invitation_and_lands_back_on_it(client, personas):
    url = invite(personas)
    signup = client.get(f"/accounts/signup/?next={quote(url)}")
    assert f'<input type="hidden" name="next" value="{url}">' in signup.content.decode()
    response = client.post(
        "/accounts/signup/",
        {
            "username": "dee",
            "email": "dee@example.org",
            "password": "milk-and-culture",
            "next": url,
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == url
    assert b"Accept and join" in response.content
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == "/c/home/"
    assert Membership.objects.filter(coop=personas.coop, user__username="dee").exists()


def test_a_refused_signup_keeps_the_invitation_to_come_back_to(client, personas):
    url = invite(personas)
    response = client.post(
        f"/accounts/signup/?next={quote(url)}",
        {"username": "dee", "email": "dee@example.org", "password": "123", "next": url},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert f'<input type="hidden" name="next" value="{url}">' in content
    assert f'href="/accounts/login/?next={quote(url)}"' in content


def test_a_visitor_logs_in_from_an_invitation_and_lands_back_on_it(client, personas):
    url = invite(personas)
    UserFactory(username="dee")
    login = client.get(f"/accounts/login/?next={quote(url)}")
    content = login.content.decode()
    assert f'<input type="hidden" name="next" value="{url}">' in content
    assert f'href="/accounts/signup/?next={quote(url)}"' in content
    response = client.post(
        "/accounts/login/", {"username": "dee", "password": PASSWORD, "next": url}
    )
    assert response.status_code == 302
    assert response["Location"] == url


def test_an_unknown_invitation_is_the_same_404_page_for_a_visitor(client):
    response = client.get("/invite/nope/")
    assert response.status_code == 404
    assert b"does not exist" in response.content
    assert h1_count(response) == 1


@pytest.mark.parametrize("logged_in", [False, True])
def test_an_expired_invitation_is_a_404_that_shows_nothing_of_the_coop(client, personas, logged_in):
    url = invite(personas)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    if logged_in:
        client.force_login(UserFactory())
    response = client.get(url)
    assert response.status_code == 404
    assert b"This invitation has expired. Ask a member for a new link." in response.content
    assert b"Home Co-op" not in response.content
    assert b"Accept and join" not in response.content


@pytest.mark.parametrize("logged_in", [False, True])
def test_a_used_invitation_is_a_404_that_shows_nothing_of_the_coop(client, personas, logged_in):
    url = invite(personas)
    membership_flow.invitation_accept(code=url.split("/")[2], user=UserFactory())
    if logged_in:
        client.force_login(UserFactory())
    response = client.get(url)
    assert response.status_code == 404
    assert b"already been used" in response.content
    assert b"Home Co-op" not in response.content
    assert b"yogurt" not in response.content


def test_a_member_who_used_the_link_is_pointed_to_the_coop(client, personas):
    url = invite(personas)
    newcomer = UserFactory()
    membership_flow.invitation_accept(code=url.split("/")[2], user=newcomer)
    client.force_login(newcomer)
    response = client.get(url)
    assert response.status_code == 200
    assert b"You are already a member." in response.content


# --- Logging in ---------------------------------------------------------------------------


def test_a_wrong_password_says_so_plainly_and_links_to_a_reset(client):
    UserFactory(username="dee")
    response = client.post("/accounts/login/", {"username": "dee", "password": "guess"})
    assert response.status_code == 200
    content = response.content.decode()
    assert (
        "That username and password do not match. Check them, or "
        '<a href="/accounts/password-reset/">reset your password</a>.'
    ) in content
    assert "case-sensitive" not in content
    assert not response.context["user"].is_authenticated


def test_an_unknown_username_gets_the_same_answer_as_a_wrong_password(client):
    response = client.post("/accounts/login/", {"username": "nobody", "password": "guess"})
    assert b"That username and password do not match." in response.content


def test_the_friendly_login_error_still_counts_towards_the_throttle(client):
    UserFactory(username="dee")
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        response = client.post("/accounts/login/", {"username": "dee", "password": "guess"})
        assert b"That username and password do not match." in response.content
    response = client.post("/accounts/login/", {"username": "dee", "password": PASSWORD})
    assert b"Too many failed attempts" in response.content
    assert b"That username and password do not match." not in response.content


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
# The overview carries the principles audit and the savings: its queries are pinned on their
# own in test_dashboard_pages.py. A co-op with no history asks once more, per principle with
# nothing in the window, whether there was ever anything to measure.
@pytest.mark.parametrize(
    ("path", "queries"), [("/coops/", 4), ("/c/home/", 32), ("/c/home/members/", 8)]
)
def test_main_pages_take_a_fixed_number_of_queries(
    client, personas, members, path, queries, django_assert_max_num_queries
):
    for _ in range(members):
        MembershipFactory(coop=personas.coop)
    client.force_login(personas.alice)
    with django_assert_max_num_queries(queries):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize("coops", [1, 4])
def test_the_coops_page_reads_the_members_co_ops_once_for_the_page_and_the_header(
    client, personas, coops, django_assert_num_queries
):
    for _ in range(coops - 1):
        MembershipFactory(coop=CoopFactory(), user=personas.alice)
    client.force_login(personas.alice)
    # The session, the member, their co-ops (the list and the header's switcher alike), the
    # balances they left behind.
    with django_assert_num_queries(4):
        page = client.get("/coops/")
    assert page.content.decode().count(f'href="/c/{personas.coop.slug}/"') == 2
