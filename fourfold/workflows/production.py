"""Production's flows that reach other domains: a batch made is shared out at once; the
batches follow new rules, but a batch something was bought for stays."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from fourfold.accounts.models import User
from fourfold.consumption import services as consumption
from fourfold.coops.models import Cooperative
from fourfold.ledger import selectors as ledger_selectors
from fourfold.production import services as production
from fourfold.production.models import Batch
from fourfold.production.services import PlanResult


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


def batches_follow_rules(*, coop: Cooperative, today: date) -> PlanResult:
    """The planned batches follow the co-op's production rules (production), keeping those the
    ledger shows something was bought for."""
    with transaction.atomic():
        # The co-op row first, as production takes it: no entry for a batch slips in between.
        coop = Cooperative.objects.select_for_update().get(pk=coop.pk)
        planned = Batch.objects.filter(coop=coop, date__gte=today, status=Batch.Status.PLANNED)
        bought_for = ledger_selectors.batches_bought_for(
            coop=coop, batch_ids=planned.values_list("pk", flat=True)
        )
        return production.batches_follow_rules(coop=coop, today=today, bought_for=bought_for)
