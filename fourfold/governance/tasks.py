from __future__ import annotations

from django_tasks import task


@task()
def close_due_proposals() -> int:
    """Enqueued for each proposal's deadline; closes whatever is due by then (idempotent)."""
    from fourfold.workflows.decisions import close_due_proposals as close_due

    return len(close_due())
