from __future__ import annotations

from django_tasks import task

from fourfold.governance import services


@task()
def close_due_proposals() -> int:
    """Enqueued for each proposal's deadline; closes whatever is due by then (idempotent)."""
    return len(services.close_due_proposals())
