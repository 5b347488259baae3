"""Production's flows that reach other domains: a batch made is shared out at once; the
batches follow new rules, but a batch something was bought for stays; and the rotation, wherever
it is dealt, follows the members' standing shares (consumption's), passed to production."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from fourfold.accounts.models import User
from fourfold.consumption import selectors as consumption_selectors
from fourfold.consumption import services as consumption
from fourfold.coops.models import Cooperative
from fourfold.ledger import selectors as ledger_selectors
from fourfold.production import planning as production_planning
from fourfold.production import selectors as production_selectors
from fourfold.production import services as production
from fourfold.production.models import Batch, Unavailability
from fourfold.production.planning import PlanResult
from fourfold.production.selectors import RotationExplanation


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
        return production_planning.batches_follow_rules(
            coop=coop, today=today, bought_for=bought_for, shares=_shares(coop)
        )


def _shares(coop: Cooperative) -> dict[int, int]:
    """The standing shares the rotation follows (consumption), read under the co-op's row lock
    that the planner takes too."""
    Cooperative.objects.select_for_update().filter(pk=coop.pk).first()
    return consumption_selectors.share_weights(coop=coop)


def batches_plan(
    *, coop: Cooperative, weeks: int, by: User | None, today: date | None = None
) -> PlanResult:
    """Plan the next ``weeks`` of batches, their producers dealt by the standing shares."""
    with transaction.atomic():
        return production_planning.batches_plan(
            coop=coop, weeks=weeks, by=by, today=today, shares=_shares(coop)
        )


def replan_after_membership_change(*, coop: Cooperative, today: date | None = None) -> None:
    with transaction.atomic():
        production_planning.replan_after_membership_change(
            coop=coop, today=today, shares=_shares(coop)
        )


def unavailability_add(*, coop: Cooperative, **fields) -> Unavailability:
    """``production.services.unavailability_add`` (same arguments), the shares passed in."""
    with transaction.atomic():
        return production.unavailability_add(coop=coop, shares=_shares(coop), **fields)


def unavailability_remove(*, coop: Cooperative, member: User, pk: int) -> None:
    with transaction.atomic():
        production.unavailability_remove(coop=coop, member=member, pk=pk, shares=_shares(coop))


def rotation_explanation(*, coop: Cooperative, member: User) -> RotationExplanation:
    """Why a member has the shifts they have (production), by their standing share."""
    shares = consumption_selectors.share_weights(coop=coop)
    return production_selectors.rotation_explanation(coop=coop, member=member, shares=shares)
