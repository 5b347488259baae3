"""How consumption reads on a page: everyone's shares, the batches just ahead with my
reservation, who got what of a made batch, and the cost of each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from fourfold.consumption import selectors
from fourfold.consumption.models import Allocation, StandingShare
from fourfold.coops.models import Cooperative, Membership
from fourfold.coops.selectors import coop_today
from fourfold.production import selectors as production
from fourfold.production.models import Batch
from fourfold.web.forms.consumption import ReservationForm

# Reservations are for the batches just ahead; the production page lists the rest.
NEXT_BATCHES = 3


@dataclass(frozen=True)
class ShareRow:
    share: StandingShare
    status: str  # the member's membership status: a paused member's share counts as nothing

    @property
    def counts(self) -> bool:
        return self.status == Membership.Status.ACTIVE and not self.share.paused


@dataclass(frozen=True)
class UpcomingBatch:
    batch: Batch
    cutoff: datetime
    open: bool
    mine: int  # what I take of it: my reservation, else my standing share
    asked: int  # what everyone takes of it so far
    form: ReservationForm


def upcoming(coop: Cooperative, me: int, now: datetime) -> list[UpcomingBatch]:
    """The next planned batches, each with what I and everyone take of it and its form."""
    today = coop_today(coop, now=now)
    rows = []
    for batch in production.batches(coop=coop, start=today, status=Batch.Status.PLANNED)[
        :NEXT_BATCHES
    ]:
        batch.coop = coop
        asked = selectors.demand(batch=batch)
        cutoff = selectors.reservation_cutoff(batch, coop)
        rows.append(
            UpcomingBatch(
                batch=batch,
                cutoff=cutoff,
                open=now < cutoff,
                mine=asked.get(me, 0),
                asked=sum(asked.values()),
                form=ReservationForm(
                    initial={"units": asked.get(me, 0)}, prefix=f"batch-{batch.pk}", coop=coop
                ),
            )
        )
    return rows


@dataclass(frozen=True)
class AllocationRow:
    allocation: Allocation
    mine: bool

    @property
    def fair(self) -> int:
        """What the allocation gave, before any extras claimed."""
        return self.allocation.units - self.allocation.extra_units

    @property
    def short(self) -> int:
        """How much less than asked the fair sharing gave."""
        return max(0, self.allocation.requested - self.fair)


@dataclass(frozen=True)
class CostRow:
    cost: selectors.BatchCost
    mine: Decimal | None  # what my share of it cost me; None when I took none
