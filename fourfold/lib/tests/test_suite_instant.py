"""The suite is calendar-proof: every test runs at one chosen instant, never at today's."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from fourfold.testing import suite_instant


def test_every_test_runs_at_the_suites_instant_not_today():
    chosen = datetime.fromisoformat(suite_instant().replace("Z", "+00:00"))
    # The clock ticks on from the chosen instant while the test runs.
    assert timedelta(0) <= timezone.now() - chosen < timedelta(minutes=5)


def test_the_suites_instant_can_be_moved_to_an_awkward_one(monkeypatch):
    monkeypatch.setenv("FOURFOLD_TEST_NOW", "2028-02-29T17:00:00Z")
    assert suite_instant() == "2028-02-29T17:00:00Z"
    monkeypatch.delenv("FOURFOLD_TEST_NOW")
    assert suite_instant().startswith("2026-06-17")
