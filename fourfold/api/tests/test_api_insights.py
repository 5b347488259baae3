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
    assert all(p["status"] in {"holds", "at_risk", "broken", "not_yet"} for p in body["principles"])
    assert all(p["figure"] for p in body["principles"])


def test_a_new_coops_health_is_not_yet_measured_rather_than_broken(api_client, personas):
    body = api_client(personas.alice).get("/api/v1/coops/home/health").json()
    assert {p["status"] for p in body["principles"]} == {"not_yet"}
    assert all(p["figure"].startswith("Measured once") for p in body["principles"])


def test_the_openapi_document_lists_every_health_status(api_client):
    schema = api_client().get("/api/v1/openapi.json").json()
    status = schema["components"]["schemas"]["PrincipleOut"]["properties"]["status"]
    assert status["enum"] == ["holds", "at_risk", "broken", "not_yet"]


def test_roles_lists_every_active_member_with_four_roles(api_client, personas):
    rows = api_client(personas.bob).get("/api/v1/coops/home/roles").json()
    assert [r["username"] for r in rows] == ["alice", "bob"]
    for row in rows:
        for role in ("producer", "funder", "manager", "consumer"):
            assert row[role]["status"] in {"active", "light", "absent"}
