"""GET /api/v1/coops/{slug}/activity: who did what, newest first, for every member."""

from __future__ import annotations

import pytest

from fourfold.coops.tests.activity_story import STORY, expected, more_events, tell_the_story
from fourfold.testing import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/coops/somerville/activity"


@pytest.fixture
def story():
    return tell_the_story()


def seen(listed) -> list[tuple[str, str, str]]:
    return [(row["action"], row["actor"], row["summary"]) for row in listed]


def test_every_change_shows_with_its_actor_newest_first(api_client, story):
    response = api_client(story.eli).get(URL)
    assert response.status_code == 200
    assert seen(response.json()) == expected(story)
    assert response["X-Total-Count"] == str(len(STORY))


def test_each_row_has_its_time_in_the_coops_zone_and_what_it_was_about(api_client, story):
    listed = api_client(story.dee).get(URL).json()
    # 17:00 UTC is 13:00 in Somerville, in summer time.
    assert listed[-1]["at"] == "2026-06-01T13:00:00-04:00"
    assert listed[-1]["object"] is None
    assert listed[0]["object"] == {"type": "proposal", "id": story.proposal.pk}
    assert set(listed[0]) == {"at", "actor", "action", "summary", "object"}


def test_it_filters_by_actor_and_kind(api_client, story):
    client = api_client(story.dee)
    assert [r["actor"] for r in client.get(URL, {"actor": "eli"}).json()] == ["eli"] * 3
    mine = client.get(URL, {"kind": "governance", "actor": "dee"}).json()
    assert [r["action"] for r in mine] == ["governance.opened"]
    assert [r["action"] for r in client.get(URL, {"kind": "ledger.contribution"}).json()] == [
        "ledger.contribution"
    ]
    assert client.get(URL, {"actor": "nobody"}).json() == []


def test_it_filters_by_a_day_or_an_instant(api_client, story):
    client = api_client(story.dee)
    assert len(client.get(URL, {"since": "2026-06-01"}).json()) == len(STORY)
    assert client.get(URL, {"since": "2026-06-02"}).json() == []
    assert len(client.get(URL, {"since": "2026-06-01T17:03:00Z"}).json()) == 3
    assert len(client.get(URL, {"since": "2026-06-01T13:03:00-04:00"}).json()) == 3
    # Without an offset, an instant is the co-op's.
    assert len(client.get(URL, {"since": "2026-06-01T13:03:00"}).json()) == 3


def test_it_pages_with_limit_and_offset(api_client, story):
    client = api_client(story.dee)
    everything = seen(client.get(URL).json())
    first = client.get(URL, {"limit": 4})
    assert seen(first.json()) == everything[:4]
    assert first["X-Total-Count"] == str(len(STORY))
    assert "offset=4" in first["Link"]
    rest = client.get(URL, {"limit": 4, "offset": 4})
    assert seen(rest.json()) == everything[4:]
    assert "Link" not in rest


def test_another_coops_activity_is_not_found(api_client, story):
    outsider = MembershipFactory(user__username="outsider").user
    for user in (outsider, UserFactory()):
        response = api_client(user).get(URL)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert api_client(story.dee).get("/api/v1/coops/nowhere/activity").status_code == 404


def test_it_asks_for_a_token(api_client, story):
    assert api_client().get(URL).status_code == 401


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"offset": -1}, "offset"),
        ({"since": "yesterday"}, "since"),
        ({"since": "1700000000"}, "since"),
        ({"since": "2026-02-30"}, "since"),
        ({"kind": "wages"}, "kind"),
        ({"kind": "ledger.Expense"}, "kind"),
    ],
)
def test_bad_parameters_are_refused_naming_the_field(api_client, story, query, field):
    response = api_client(story.dee).get(URL, query)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert [error["field"] for error in body["errors"]] == [field]


def test_the_largest_page_is_allowed(api_client, story):
    assert len(api_client(story.dee).get(URL, {"limit": 200}).json()) == len(STORY)


def test_it_is_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/coops/{slug}/activity"]["get"]
    parameters = {parameter["name"] for parameter in operation["parameters"]}
    assert {"slug", "actor", "kind", "since", "limit", "offset"} <= parameters
    assert {"200", "404", "422"} <= set(operation["responses"])


@pytest.mark.parametrize("size", [5, 50])
def test_it_takes_the_same_queries_for_five_rows_as_for_fifty(
    api_client, story, django_assert_num_queries, size
):
    more_events(story.coop, story.eli, size)
    client = api_client(story.dee)
    client.get(URL)
    with django_assert_num_queries(4):
        listed = client.get(URL, {"limit": 200}).json()
    assert len(listed) == size + len(STORY)
