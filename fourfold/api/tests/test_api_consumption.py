from datetime import timedelta

import pytest
import time_machine

from fourfold.production.models import Batch, Shift
from fourfold.workflows import production as production_flow

pytestmark = pytest.mark.django_db

BASE = "/api/v1/coops/home"


@pytest.fixture
def made_batch(personas, api_client):
    def make(quantity: int) -> Batch:
        with time_machine.travel("2026-02-25T12:00:00-05:00"):
            production_flow.batches_plan(coop=personas.coop, weeks=1, by=None)
        batch = Batch.objects.get(coop=personas.coop)
        producer = Shift.objects.filter(batch=batch).exclude(member=None).first().member
        return production_flow.batch_record_made(
            batch=batch, by=producer, quantity=quantity, hours="3", today=batch.date
        )

    return make


def test_put_my_share_and_list_everyones(api_client, personas):
    client = api_client(personas.alice)
    response = client.put(f"{BASE}/subscriptions/me", {"units": 2})
    assert response.status_code == 200
    assert response.json() == {"username": "alice", "units": 2, "paused": False}
    assert client.get(f"{BASE}/subscriptions/me").json()["units"] == 2
    paused = client.put(f"{BASE}/subscriptions/me", {"units": 2, "paused": True}).json()
    assert paused["paused"] is True
    assert [s["username"] for s in client.get(f"{BASE}/subscriptions").json()] == ["alice"]


def test_a_share_for_a_non_member_is_a_principle_violation(api_client, personas):
    from fourfold.consumption import services

    with pytest.raises(Exception) as refused:
        services.share_set(coop=personas.coop, member=personas.outsider, units=1)
    assert refused.value.code == "principle_violation"


def test_a_made_batch_shows_who_got_what_and_extras_can_be_claimed(
    api_client, personas, made_batch
):
    api_client(personas.alice).put(f"{BASE}/subscriptions/me", {"units": 2})
    api_client(personas.bob).put(f"{BASE}/subscriptions/me", {"units": 1})
    batch = made_batch(5)
    client = api_client(personas.bob)
    detail = client.get(f"{BASE}/batches/{batch.pk}").json()
    assert sorted((a["username"], a["units"]) for a in detail["allocations"]) == [
        ("alice", 2),
        ("bob", 1),
    ]
    assert client.get(f"{BASE}/batches/{batch.pk}/extras").json() == {"left": 2}
    claimed = client.post(f"{BASE}/batches/{batch.pk}/extras", {"units": 2})
    assert claimed.status_code == 200
    assert claimed.json()["units"] == 3
    again = client.post(f"{BASE}/batches/{batch.pk}/extras", {"units": 1})
    assert again.status_code == 409
    assert client.post(f"{BASE}/batches/{batch.pk}/collected").json()["collected"] is True


def test_reservations_close_at_the_cut_off(api_client, personas):
    with time_machine.travel("2026-02-25T12:00:00-05:00"):
        production_flow.batches_plan(coop=personas.coop, weeks=1, by=None)
        batch = Batch.objects.get(coop=personas.coop)
        ok = api_client(personas.alice).post(
            f"{BASE}/reservations", {"batch": batch.pk, "units": 3}
        )
    assert ok.status_code == 201
    assert ok.json()["units"] == 3
    with time_machine.travel(str(batch.date - timedelta(days=1)) + "T12:00:00-05:00"):
        late = api_client(personas.alice).post(
            f"{BASE}/reservations", {"batch": batch.pk, "units": 1}
        )
    assert late.status_code == 409
    assert "closed" in late.json()["detail"]


def test_costs_per_unit_and_mine(api_client, personas, made_batch):
    api_client(personas.alice).put(f"{BASE}/subscriptions/me", {"units": 3})
    api_client(personas.bob).put(f"{BASE}/subscriptions/me", {"units": 1})
    with time_machine.travel("2026-02-25T12:00:00-05:00"):
        production_flow.batches_plan(coop=personas.coop, weeks=1, by=None)
    batch = Batch.objects.get(coop=personas.coop)
    client = api_client(personas.alice)
    client.post(
        f"{BASE}/ledger/transactions",
        {"kind": "expense", "amount": "8.00", "category": "ingredients", "batch": batch.pk},
    )
    producer = Shift.objects.filter(batch=batch).exclude(member=None).first().member
    production_flow.batch_record_made(
        batch=batch, by=producer, quantity=4, hours="3", today=batch.date
    )
    [row] = client.get(f"{BASE}/costs").json()
    assert (row["units"], row["cost"], row["per_unit"], row["mine"]) == (4, "8.00", "2.00", "6.00")


def test_pause_resume_and_leave(api_client, personas):
    client = api_client(personas.bob)
    assert client.post(f"{BASE}/membership/pause").json()["status"] == "paused"
    assert client.post(f"{BASE}/membership/pause").status_code == 409
    assert client.post(f"{BASE}/membership/resume").json()["status"] == "active"
    assert client.post(f"{BASE}/membership/leave").json()["status"] == "left"
    assert client.get(f"{BASE}/members").status_code == 404
