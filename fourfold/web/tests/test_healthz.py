"""``/healthz``: what a load balancer checks before it sends a server members' requests."""

import pytest
from django.db import DatabaseError

from fourfold.lib import health


@pytest.mark.django_db
def test_ready_when_the_database_answers_and_is_migrated(client, monkeypatch):
    monkeypatch.setattr(health, "_migrated", False)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_unavailable_while_migrations_are_pending(client, monkeypatch):
    monkeypatch.setattr(health, "_migrated", False)
    monkeypatch.setattr(health, "pending_migrations", lambda: ["ledger.0099_next"])
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "problem": "migrations"}
    assert "ledger" not in response.content.decode()  # no names of what is installed


@pytest.mark.django_db
def test_the_migration_graph_is_read_once_it_was_complete(client, monkeypatch):
    monkeypatch.setattr(health, "_migrated", False)
    client.get("/healthz")
    reads = []
    monkeypatch.setattr(health, "pending_migrations", lambda: reads.append(1) or [])
    assert client.get("/healthz").status_code == 200
    assert reads == []


@pytest.mark.django_db
def test_unavailable_when_the_database_does_not_answer(client, monkeypatch):
    class Broken:
        def __enter__(self):
            raise DatabaseError("connection refused by 10.0.0.5 for user fourfold")

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(health.connection, "cursor", lambda: Broken())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "problem": "database"}
    assert "10.0.0.5" not in response.content.decode()


@pytest.mark.django_db
def test_only_reads(client):
    assert client.post("/healthz").status_code == 405
    assert client.head("/healthz").status_code == 200
