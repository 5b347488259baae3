"""The audit trail: every state change names the member who made it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from fourfold.coops.models import AuditEvent, Cooperative


def audit_record(*, coop: Cooperative, actor, action: str, at=None, **data: Any) -> AuditEvent:
    if not transaction.get_connection().in_atomic_block:
        # An audit row written outside the change's transaction could outlive a rolled-back change.
        raise RuntimeError("audit_record must run inside the transaction of the change it records")
    return AuditEvent.objects.create(
        coop=coop, actor=actor, action=action, data=data, at=at or timezone.now()
    )


def audit_records(
    *, coop: Cooperative, events: list[tuple[Any, str, dict[str, Any]]], at=None
) -> list[AuditEvent]:
    """``audit_record`` for many changes made at once (actor, action, data each): one INSERT."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_records must run inside the transaction of the change it records")
    when = at or timezone.now()
    return AuditEvent.objects.bulk_create(
        [
            AuditEvent(coop=coop, actor=actor, action=action, data=data, at=when)
            for actor, action, data in events
        ]
    )
