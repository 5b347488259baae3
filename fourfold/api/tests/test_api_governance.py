from datetime import UTC, date, datetime

import pytest
import time_machine

from fourfold.coops.models import Cooperative
from fourfold.governance import services
from fourfold.governance import votes as governance_votes
from fourfold.testing import MembershipFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/coops/home"


@pytest.fixture
def carol(personas):
    return MembershipFactory(coop=personas.coop, user__username="carol").user


def test_a_rule_change_passes_by_votes_and_applies_itself(api_client, personas, carol):
    opened = api_client(personas.alice).post(
        f"{BASE}/proposals",
        {"kind": "rule_change", "title": "24 quarts", "change": {"target_quantity": 24}},
    )
    assert opened.status_code == 201
    proposal = opened.json()
    assert proposal["status"] == "open"
    for member in (personas.alice, personas.bob, carol):
        response = api_client(member).post(
            f"{BASE}/proposals/{proposal['id']}/votes",
            {"position": "agree", "reason": "more yogurt"},
        )
        assert response.status_code == 201
    closed = api_client(personas.bob).get(f"{BASE}/proposals/{proposal['id']}").json()
    assert closed["status"] == "passed"
    assert closed["result"]["after"] == {"target_quantity": "24"}
    assert Cooperative.objects.get(slug="home").target_quantity == 24
    votes = api_client(carol).get(f"{BASE}/proposals/{proposal['id']}/votes").json()
    assert {v["reason"] for v in votes} == {"more yogurt"}
    log = api_client(carol).get(f"{BASE}/decisions").json()
    assert [d["id"] for d in log] == [proposal["id"]]


def test_an_invalid_rule_is_refused_at_opening(api_client, personas):
    response = api_client(personas.alice).post(
        f"{BASE}/proposals",
        {"kind": "rule_change", "title": "x", "change": {"target_quantity": -1}},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_more_producers_per_batch_than_active_members_is_refused_with_the_reason(
    api_client, personas, carol
):
    response = api_client(personas.alice).post(
        f"{BASE}/proposals",
        {"kind": "rule_change", "title": "x", "change": {"producers_per_batch": 4}},
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith(
        "A batch cannot need 4 producers: the co-op has 3 active members"
    )


def test_a_bad_position_is_refused(api_client, personas):
    proposal = (
        api_client(personas.alice)
        .post(f"{BASE}/proposals", {"kind": "general", "title": "x"})
        .json()
    )
    response = api_client(personas.bob).post(
        f"{BASE}/proposals/{proposal['id']}/votes", {"position": "maybe"}
    )
    assert response.status_code == 400


def test_a_spending_above_the_limit_is_a_flat_principle_violation(api_client, personas):
    Cooperative.objects.filter(slug="home").update(spending_limit=50)
    response = api_client(personas.alice).post(
        f"{BASE}/ledger/transactions",
        {"kind": "expense", "amount": "80.00", "category": "equipment"},
    )
    assert response.status_code == 403
    assert response.json()["principle"] == "flat"


def test_proxies(api_client, personas, carol):
    proposal = (
        api_client(personas.alice)
        .post(f"{BASE}/proposals", {"kind": "general", "title": "x"})
        .json()
    )
    granted = api_client(carol).post(
        f"{BASE}/proxies", {"holder": "alice", "proposal": proposal["id"]}
    )
    assert granted.status_code == 201
    api_client(personas.alice).post(
        f"{BASE}/proposals/{proposal['id']}/votes", {"position": "agree"}
    )
    detail = api_client(carol).get(f"{BASE}/proposals/{proposal['id']}").json()
    assert detail["tally"]["by_proxy"] == 1
    votes = api_client(carol).get(f"{BASE}/proposals/{proposal['id']}/votes").json()
    assert votes[0]["by_proxy_for"] == ["carol"]
    assert api_client(carol).delete(f"{BASE}/proxies/mine").status_code == 204


@pytest.mark.parametrize("until", ["9999-12-31", "2046-01-01"])
def test_a_proxy_until_a_date_beyond_ten_years_is_refused(api_client, personas, carol, until):
    with time_machine.travel(datetime(2026, 12, 1, 16, tzinfo=UTC), tick=False):
        response = api_client(carol).post(f"{BASE}/proxies", {"holder": "alice", "until": until})
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("invalid", "until")


@pytest.mark.parametrize("size", [1, 10])
def test_the_proposals_list_takes_the_same_queries_for_one_proposal_as_for_ten(
    api_client, personas, carol, django_assert_num_queries, size
):
    governance_votes.proxy_grant(
        coop=personas.coop, giver=carol, holder=personas.bob, until=date(2036, 1, 1)
    )
    for index in range(size):
        proposal = services.proposal_open(
            coop=personas.coop, by=personas.bob, kind="general", title=f"Proposal {index}"
        )
        governance_votes.vote_cast(
            proposal=proposal, member=personas.bob, position="agree", reason="yes"
        )
    client = api_client(personas.alice)
    client.get(f"{BASE}/proposals")
    with django_assert_num_queries(7):
        listed = client.get(f"{BASE}/proposals").json()
    assert len(listed) == size
    assert {(p["tally"]["voted"], p["tally"]["by_proxy"]) for p in listed} == {(2, 1)}
