import pytest

from fourfold.coops.models import Cooperative, Membership
from fourfold.testing import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

SOMERVILLE = {
    "slug": "somerville",
    "name": "Somerville Yogurt Cooperative",
    "product": "yogurt",
    "unit": "quart",
    "cadence": "FREQ=WEEKLY;BYDAY=SU",
    "target_quantity": 20,
    "producers_per_batch": 2,
    "currency": "USD",
    "commercial_unit_price": "6.50",
    "diy_minutes_per_unit": "30",
}


def test_founding_a_coop_answers_201_and_it_is_listed_as_mine(api_client):
    client = api_client(UserFactory(username="dee"))
    response = client.post("/api/v1/coops", SOMERVILLE)
    assert response.status_code == 201
    body = response.json()
    assert {key: body[key] for key in SOMERVILLE} == SOMERVILLE
    assert [coop["slug"] for coop in client.get("/api/v1/coops").json()] == ["somerville"]
    members = client.get("/api/v1/coops/somerville/members").json()
    assert [(m["username"], m["status"]) for m in members] == [("dee", "active")]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"cadence": "every sunday"}, "cadence"),
        ({"cadence": "FREQ=WEEKLY;BYDAY=TH;BYHOUR=10,18"}, "cadence"),
        ({"target_quantity": 0}, "target_quantity"),
        ({"target_quantity": -3}, "target_quantity"),
        ({"currency": "XYZ"}, "currency"),
        ({"commercial_unit_price": "-1"}, "commercial_unit_price"),
    ],
)
def test_founding_refuses_bad_input_with_a_clear_400(api_client, change, field):
    response = api_client(UserFactory()).post("/api/v1/coops", {**SOMERVILLE, **change})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["field"] == field
    assert response.json()["detail"]
    assert not Cooperative.objects.exists()


def test_founding_refuses_a_duplicate_slug_with_409(api_client, personas):
    response = api_client(UserFactory()).post("/api/v1/coops", {**SOMERVILLE, "slug": "home"})
    assert response.status_code == 409
    assert response.json()["field"] == "slug"


def test_a_member_invites_and_a_neighbour_accepts(api_client, personas):
    response = api_client(personas.alice).post("/api/v1/coops/home/invitations")
    assert response.status_code == 201
    code = response.json()["code"]
    assert response.json()["url"].endswith(f"/invite/{code}/")
    newcomer = UserFactory(username="newcomer")
    accepted = api_client(newcomer).post(f"/api/v1/invitations/{code}/accept")
    assert accepted.status_code == 201
    assert accepted.json() | {"joined_on": None} == {
        "username": "newcomer",
        "status": "active",
        "coop": "home",
        "joined_on": None,
    }
    names = [m["username"] for m in api_client(newcomer).get("/api/v1/coops/home/members").json()]
    assert names == ["alice", "bob", "newcomer"]


def test_accepting_a_used_code_again_answers_409(api_client, personas):
    code = api_client(personas.alice).post("/api/v1/coops/home/invitations").json()["code"]
    api_client(UserFactory()).post(f"/api/v1/invitations/{code}/accept")
    response = api_client(UserFactory()).post(f"/api/v1/invitations/{code}/accept")
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"


def test_an_already_member_accepting_answers_409_and_writes_nothing(api_client, personas):
    code = api_client(personas.alice).post("/api/v1/coops/home/invitations").json()["code"]
    response = api_client(personas.bob).post(f"/api/v1/invitations/{code}/accept")
    assert response.status_code == 409
    assert Membership.objects.filter(coop=personas.coop).count() == 2


def test_an_unknown_code_answers_404(api_client, personas):
    response = api_client(UserFactory()).post("/api/v1/invitations/nope/accept")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_founder_has_no_power_another_member_lacks(api_client):
    founder = UserFactory()
    api_client(founder).post("/api/v1/coops", SOMERVILLE)
    other = MembershipFactory(coop=Cooperative.objects.get(), user__username="zoe").user
    for user in (founder, other):
        assert api_client(user).post("/api/v1/coops/somerville/invitations").status_code == 201


def test_member_lists_are_paginated_with_headers(api_client, personas):
    for _ in range(5):
        MembershipFactory(coop=personas.coop)
    response = api_client(personas.alice).get("/api/v1/coops/home/members?limit=3")
    assert len(response.json()) == 3
    assert response["X-Total-Count"] == "7"
    assert "offset=3" in response["Link"]
    last = api_client(personas.alice).get("/api/v1/coops/home/members?limit=3&offset=6")
    assert len(last.json()) == 1
    assert not last.has_header("Link")


@pytest.mark.parametrize("members", [2, 30])
def test_listing_members_costs_the_same_queries_at_any_size(
    api_client, personas, members, django_assert_max_num_queries
):
    for _ in range(members):
        MembershipFactory(coop=personas.coop)
    client = api_client(personas.alice)
    with django_assert_max_num_queries(4):
        assert client.get("/api/v1/coops/home/members").status_code == 200


def test_founding_takes_a_plural_unit_or_guesses_one(api_client):
    client = api_client(UserFactory(username="dee"))
    given = client.post("/api/v1/coops", {**SOMERVILLE, "unit": "loaf", "unit_plural": "loaves"})
    assert given.status_code == 201
    assert (given.json()["unit"], given.json()["unit_plural"]) == ("loaf", "loaves")
    guessed = client.post("/api/v1/coops", {**SOMERVILLE, "slug": "bikes", "unit": "repair slot"})
    assert guessed.json()["unit_plural"] == "repair slots"
