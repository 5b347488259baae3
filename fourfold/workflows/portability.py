"""Importing a co-op: the copy (portability), then the closing tasks of its open proposals,
queued here as if they had been opened here."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from fourfold.coops.models import Cooperative
from fourfold.governance.models import Proposal
from fourfold.workflows.tasks import schedule_close


def import_coop(data: Any, *, slug: str | None = None) -> Cooperative:
    """``portability.imports.import_coop``, then each open proposal's deadline queued."""
    from fourfold.portability import imports as portability_imports

    with transaction.atomic():
        coop = portability_imports.import_coop(data, slug=slug)
        deadlines = (
            Proposal.objects.filter(coop=coop, status=Proposal.Status.OPEN)
            .values_list("closes_at", flat=True)
            .distinct()
            .order_by("closes_at")
        )
        for deadline in deadlines:
            schedule_close(deadline)
    return coop
