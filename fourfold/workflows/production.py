"""Production's flows that reach other domains: a batch made is shared out at once."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from fourfold.accounts.models import User
from fourfold.consumption import services as consumption
from fourfold.production import services as production
from fourfold.production.models import Batch


def batch_record_made(
    *, batch: Batch, by: User, quantity: int, hours, today: date | None = None
) -> Batch:
    """A producer records what was made and the hours it took (production); what was made is
    shared out among the standing shares at once (consumption)."""
    with transaction.atomic():
        batch = production.batch_record_made(
            batch=batch, by=by, quantity=quantity, hours=hours, today=today
        )
        consumption.batch_allocate(batch=batch, by=by)
    return batch
