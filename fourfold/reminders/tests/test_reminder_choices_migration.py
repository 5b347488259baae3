"""The old per-co-op reminder checkboxes carried over into the per-kind notification choice:
what a member turned off in any co-op comes in-app only, a kind they had chosen keeps that
choice, and nothing else is chosen for them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from fourfold.testing import CoopFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("reminders", "0004_push")
AFTER = ("reminders", "0006_remove_reminderpreference")
THEN = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def migrated(reminders_at: tuple[str, str]):
    """The database with the reminders app at ``reminders_at`` and every other app at its
    latest, and the models as they were then."""
    executor = MigrationExecutor(connection)
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "reminders"]
    executor.migrate([reminders_at])
    executor.loader.build_graph()
    return executor.loader.project_state([*others, reminders_at]).apps


def test_reminders_turned_off_become_in_app_only_kinds():
    # The co-ops and members as they are: the reminders' migrations leave their tables alone.
    home, away = CoopFactory.create(slug="home"), CoopFactory.create(slug="away")
    alice, bob, carol = (UserFactory.create(username=name) for name in ("alice", "bob", "carol"))
    old = migrated(BEFORE)
    try:
        old_choice = old.get_model("reminders", "ReminderPreference").objects
        kind_choice = old.get_model("reminders", "NotificationPreference").objects
        # Alice turned shifts off at home only, and the consent reminders off away; she had
        # chosen e-mail for her entries since.
        old_choice.create(coop_id=home.pk, member_id=alice.pk, shifts=False, updated_at=THEN)
        old_choice.create(coop_id=away.pk, member_id=alice.pk, consent=False, updated_at=THEN)
        kind_choice.create(member_id=alice.pk, kind="entry", delivery="email", updated_at=THEN)
        # Bob chose and left every box on; Carol never chose.
        old_choice.create(coop_id=home.pk, member_id=bob.pk, updated_at=THEN)

        new = migrated(AFTER)
        chosen = new.get_model("reminders", "NotificationPreference").objects
        assert sorted(chosen.values_list("member_id", "kind", "delivery")) == [
            (alice.pk, "entry", "email"),
            (alice.pk, "settle_up", "app"),
            (alice.pk, "shift_tomorrow", "app"),
        ]
        assert not chosen.filter(member_id__in=[bob.pk, carol.pk]).exists()
    finally:
        migrated(AFTER)
