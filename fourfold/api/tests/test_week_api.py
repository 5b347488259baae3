import pytest
import time_machine

from fourfold.insights.tests.weeks import NOW, alice_week

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(personas):
    with time_machine.travel(NOW, tick=False):
        yield alice_week(personas)


@pytest.fixture
def alice_api(scene, api_client):
    with time_machine.travel(NOW, tick=False):
        yield api_client(scene.alice)


def test_my_week_lists_what_to_do_in_time_order(alice_api, scene):
    body = alice_api.get("/api/v1/me/week").json()
    assert (body["from"], body["to"]) == ("2026-06-17", "2026-06-23")
    assert [item["kind"] for item in body["items"]] == [
        "collect",
        "swap",
        "shift",
        "take",
        "vote",
        "confirm",
    ]
    shift = body["items"][2]
    assert shift == {
        "kind": "shift",
        "coop": "home",
        "on": "2026-06-21",
        "at": None,
        "title": "Produce 20 quarts of yogurt",
        "ref": scene.shift.pk,
        "batch": scene.take_batch.pk,
        "units": None,
        "with": ["bob"],
        "amount": None,
        "deadline": None,
        "offered": False,
    }
    confirm = body["items"][-1]
    assert confirm["amount"] == "5.00"
    assert confirm["on"] is None
    assert confirm["at"] == confirm["deadline"]
    assert body["owing"] == [
        {
            "coop": "home",
            "balance": "-10.00",
            "transfers": [{"from": "alice", "to": "bob", "amount": "10.00"}],
            "unallocated": "0.00",
        }
    ]
    (health,) = body["health"]
    assert health["coop"] == "home"
    assert sum(health[s] for s in ("holds", "at_risk", "broken", "not_yet")) == 6


def test_a_coops_week_is_that_coops_alone(alice_api, scene, personas):
    from fourfold.testing import MembershipFactory

    MembershipFactory(coop=personas.other_coop, user=scene.alice)
    everywhere = alice_api.get("/api/v1/me/week").json()
    assert {item["coop"] for item in everywhere["items"]} == {"home", "elsewhere"}
    assert [line["coop"] for line in everywhere["health"]] == ["elsewhere", "home"]
    home = alice_api.get("/api/v1/coops/home/week").json()
    assert {item["coop"] for item in home["items"]} == {"home"}
    assert [line["coop"] for line in home["health"]] == ["home"]


def test_a_coop_i_am_not_in_has_no_week_for_me(alice_api):
    response = alice_api.get("/api/v1/coops/elsewhere/week")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_an_empty_week(api_client, personas):
    body = api_client(personas.alice).get("/api/v1/me/week").json()
    assert body["items"] == []
    assert body["owing"] == []
    assert [line["coop"] for line in body["health"]] == ["home"]


@pytest.mark.parametrize("path", ["/api/v1/me/week", "/api/v1/coops/home/week"])
def test_the_week_needs_a_token(api_client, personas, path):
    response = api_client().get(path)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
