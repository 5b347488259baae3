import pytest

pytestmark = pytest.mark.django_db

NAMES = {
    "self_funded",
    "no_paid_staff",
    "flat",
    "consistent_production",
    "members_only",
    "all_four_roles",
}


def test_health_names_every_principle_with_a_status_and_a_figure(api_client, personas):
    body = api_client(personas.alice).get("/api/v1/coops/home/health").json()
    assert {p["name"] for p in body["principles"]} == NAMES
    assert all(p["status"] in {"holds", "at_risk", "broken"} for p in body["principles"])
    assert all(p["figure"] for p in body["principles"])


def test_roles_lists_every_active_member_with_four_roles(api_client, personas):
    rows = api_client(personas.bob).get("/api/v1/coops/home/roles").json()
    assert [r["username"] for r in rows] == ["alice", "bob"]
    for row in rows:
        for role in ("producer", "funder", "manager", "consumer"):
            assert row[role]["status"] in {"active", "light", "absent"}
