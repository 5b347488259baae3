"""The background task entry points (django-tasks, rows in the database): each runs a workflow."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django_tasks import task


@task()
def close_due_proposals() -> int:
    """Enqueued for each proposal's deadline; closes whatever is due by then (idempotent)."""
    from fourfold.workflows.decisions import close_due_proposals as close_due

    return len(close_due())


def schedule_close(when: datetime) -> None:
    """The deadline closes a proposal even if nobody looks: queued once the opening commits."""
    transaction.on_commit(lambda: close_due_proposals.using(run_after=when).enqueue())
