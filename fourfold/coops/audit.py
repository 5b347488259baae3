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
