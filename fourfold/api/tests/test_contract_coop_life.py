"""The minimum API contract of DESIGN.md ("API payloads"), continued: production and
consumption, governance, health and roles, errors. Taken literally, as an outside test suite
would: everything is built through HTTP calls to /api/v1 from an empty database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from fourfold.api.tests.contract import (
    API,
    HOME,
    LEDGER,
    POSITIONS,
    PRINCIPLES,
    Api,
    assert_error,
    coop_of,
    found_coop,
    sign_up,
)

pytestmark = pytest.mark.django_db


# 5. Production and consumption


def test_planning_making_allocating_reserving_and_availability(time_machine):
    time_machine.move_to(datetime(2026, 3, 4, 12, tzinfo=UTC), tick=False)  # a Wednesday
    members = coop_of("dee", "eli", "flo")
    for name, client in members.items():
        share = client.put(f"{HOME}/subscriptions/me", {"units": 4})
        assert share.status_code == 200, share.content
        assert (share.json()["username"], share.json()["units"]) == (name, 4)

    planned = members["dee"].post(f"{HOME}/batches/plan", {"weeks": 4})
    assert planned.status_code in (200, 201), planned.content
    listed = members["dee"].get(f"{HOME}/batches")
    assert listed.status_code == 200
    batches = listed.json()
    sundays = [date(2026, 3, 8) + timedelta(weeks=n) for n in range(4)]
    assert [batch["date"] for batch in batches] == [day.isoformat() for day in sundays]
    for batch in batches:
        assert isinstance(batch["id"], int)
        assert (batch["status"], batch["planned_quantity"], batch["made_quantity"]) == (
            "planned",
            20,
            None,
        )
        assert len(batch["producers"]) == 2
        assert set(batch["producers"]) <= set(members)
    first, second, last = batches[0], batches[1], batches[-1]

    # Eli asks for more of the first batch than the standing share: 4 + 10 + 4 = 18 asked.
    reserved = members["eli"].post(f"{HOME}/reservations", {"batch": first["id"], "units": 10})
    assert reserved.status_code == 201, reserved.content
    assert reserved.json()["units"] == 10

    time_machine.move_to(datetime(2026, 3, 8, 18, tzinfo=UTC), tick=False)  # its Sunday
    producer = members[first["producers"][0]]
    made = producer.post(f"{HOME}/batches/{first['id']}/made", {"quantity": 12, "hours": "3.5"})
    assert made.status_code in (200, 201), made.content
    assert (made.json()["status"], made.json()["made_quantity"]) == ("made", 12)

    detail = members["flo"].get(f"{HOME}/batches/{first['id']}")
    assert detail.status_code == 200
    allocations = detail.json()["allocations"]
    assert allocations
    assert {row["username"] for row in allocations} <= set(members)
    assert all(row["units"] >= 0 for row in allocations)
    given = {row["username"]: row["units"] for row in allocations}
    assert given.get("dee", 0) <= 4 and given.get("eli", 0) <= 10 and given.get("flo", 0) <= 4
    assert sum(given.values()) <= 12

    assert_error(
        members["flo"].post(f"{HOME}/reservations", {"batch": first["id"], "units": 1})
    )  # already made
    later = members["flo"].post(f"{HOME}/reservations", {"batch": second["id"], "units": 0})
    assert later.status_code == 201, later.content
    assert (later.json()["batch"], later.json()["units"]) == (second["id"], 0)

    away_name = last["producers"][0]
    away = members[away_name].post(
        f"{HOME}/availability", {"start": last["date"], "end": last["date"]}
    )
    assert away.status_code == 201, away.content
    assert (away.json()["start"], away.json()["end"]) == (last["date"], last["date"])
    members["dee"].post(f"{HOME}/batches/plan", {"weeks": 4})
    replanned = members["dee"].get(f"{HOME}/batches/{last['id']}").json()
    assert away_name not in replanned["producers"]
    assert len(replanned["producers"]) == 2

    assert_error(
        members["dee"].post(f"{HOME}/availability", {"start": "2026-04-10", "end": "2026-04-01"})
    )


def test_a_batch_still_ahead_cannot_be_recorded_as_made(time_machine):
    time_machine.move_to(datetime(2026, 3, 4, 12, tzinfo=UTC), tick=False)
    members = coop_of("dee", "eli", "flo")
    members["dee"].post(f"{HOME}/batches/plan", {"weeks": 1})
    batch = members["dee"].get(f"{HOME}/batches").json()[0]
    producer = members[batch["producers"][0]]
    early = producer.post(f"{HOME}/batches/{batch['id']}/made", {"quantity": 20, "hours": "3"})
    assert_error(early)
    assert members["dee"].get(f"{HOME}/batches/{batch['id']}").json()["status"] == "planned"


# 6. Governance


def test_proposals_take_every_position_and_refuse_any_other():
    members = coop_of("dee", "eli", "flo", "gus", "hal")
    opened = members["dee"].post(
        f"{HOME}/proposals", {"kind": "general", "title": "Try a Greek-style batch"}
    )
    assert opened.status_code == 201, opened.content
    proposal = opened.json()
    assert isinstance(proposal["id"], int)
    assert (proposal["kind"], proposal["title"]) == ("general", "Try a Greek-style batch")
    votes = f"{HOME}/proposals/{proposal['id']}/votes"

    # Four of five vote, one position each: the proposal stays open for Hal.
    for name, position in zip(("dee", "eli", "flo", "gus"), POSITIONS, strict=True):
        cast = members[name].post(votes, {"position": position})
        assert cast.status_code in (200, 201), (position, cast.content)
        assert cast.json()["position"] == position
    listed = members["hal"].get(votes)
    assert listed.status_code == 200
    assert {(v["username"], v["position"]) for v in listed.json()} == {
        ("dee", "agree"),
        ("eli", "abstain"),
        ("flo", "disagree"),
        ("gus", "block"),
    }

    assert_error(members["hal"].post(votes, {"position": "maybe"}))
    assert_error(members["hal"].post(f"{HOME}/proposals/999999/votes", {"position": "agree"}), 404)
    assert_error(members["dee"].post(f"{HOME}/proposals", {"kind": "coup", "title": "Me"}))


# 7. Health, roles, members


def test_health_roles_and_members_answer():
    members = coop_of("dee", "eli", "flo")
    eli = members["eli"]
    health = eli.get(f"{HOME}/health")
    assert health.status_code == 200
    principles = health.json()["principles"]
    assert len(principles) == 6
    assert {p["name"] for p in principles} == PRINCIPLES
    for principle in principles:
        assert principle["status"] in {"holds", "at_risk", "broken", "not_yet"}
        assert "figure" in principle

    roles = eli.get(f"{HOME}/roles")
    assert roles.status_code == 200
    assert isinstance(roles.json(), list)
    listed = eli.get(f"{HOME}/members")
    assert listed.status_code == 200
    assert {m["username"] for m in listed.json()} == {"dee", "eli", "flo"}


# 8. Errors


def test_errors_are_json_with_detail_and_code():
    dee = sign_up("dee")
    found_coop(dee)
    outsider = sign_up("zed")

    assert_error(Api().get(f"{HOME}/health"), 401)
    assert_error(dee.get(f"{API}/coops/no-such-coop/health"), 404)
    for path in ("health", "roles", "members", "batches", "ledger/balances", "proposals"):
        assert_error(outsider.get(f"{HOME}/{path}"), 403, 404)
    not_json = dee.client.post(
        f"{LEDGER}/transactions",
        "{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {dee.token}",
    )
    assert_error(not_json)
    assert_error(dee.post(f"{LEDGER}/transactions", {"kind": "expense"}))  # no amount
    assert_error(dee.post(f"{HOME}/batches/plan", {"weeks": 0}))
    assert_error(dee.put(f"{HOME}/subscriptions/me", {"units": -1}))
