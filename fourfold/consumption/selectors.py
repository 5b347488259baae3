"""Reads about consumption: shares, what each member asks of a batch, what they got, costs."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum

from fourfold.accounts.models import User
from fourfold.consumption.models import Allocation, Reservation, StandingShare
from fourfold.coops.models import Cooperative, Membership
from fourfold.coops.selectors import active_members, coop_today
from fourfold.ledger import selectors as ledger_selectors
from fourfold.lib.money import from_minor, quantize
from fourfold.production.models import Batch


def shares(*, coop: Cooperative) -> QuerySet[StandingShare]:
    """Every standing share; ``member_paused`` tells that its member's membership is paused
    (a paused member takes nothing, whatever the share says)."""
    membership_paused = Membership.objects.filter(
        coop=coop, user=OuterRef("member_id"), status=Membership.Status.PAUSED
    )
    return (
        StandingShare.objects.filter(coop=coop)
        .select_related("member")
        .annotate(member_paused=Exists(membership_paused))
        .order_by("member__username")
    )


def share_of(*, coop: Cooperative, member: User) -> StandingShare | None:
    return shares(coop=coop).filter(member=member).first()


def reservation_cutoff(batch: Batch, coop: Cooperative) -> datetime:
    """Reservations close this long before the batch's day begins, in the co-op's zone."""
    start = datetime.combine(batch.date, time(0), tzinfo=coop.zone)
    # Subtract real hours (in UTC): across a daylight-saving change, wall-clock arithmetic
    # would close reservations 47 or 49 hours ahead.
    return (start.astimezone(UTC) - timedelta(hours=coop.reservation_cutoff_hours)).astimezone(
        coop.zone
    )


def demand(*, batch: Batch) -> dict[int, int]:
    """What each active member asks of ``batch``, by member id in username order: their
    reservation, else their standing share unless it is paused. Paused and former members ask
    nothing. Three queries, no user rows loaded."""
    coop = batch.coop
    members = active_members(coop=coop).values_list("pk", flat=True)
    standing = {
        member: (0 if paused else units)
        for member, units, paused in StandingShare.objects.filter(coop=coop).values_list(
            "member_id", "units", "paused"
        )
    }
    reserved = dict(Reservation.objects.filter(batch=batch).values_list("member_id", "units"))
    return {m: reserved.get(m, standing.get(m, 0)) for m in members}


def allocations(*, batch: Batch) -> QuerySet[Allocation]:
    return (
        Allocation.objects.filter(batch=batch).select_related("member").order_by("member__username")
    )


def pickups(*, batch: Batch, search: str = "") -> QuerySet[Allocation]:
    """The pick-up list of a made batch: every active member's share of it, by name, with who
    marked it collected; ``search`` keeps the names that contain it. One query, whatever the
    number of members (nothing before the batch is made: it has no shares yet)."""
    active = Membership.objects.filter(
        coop_id=batch.coop_id, user=OuterRef("member_id"), status=Membership.Status.ACTIVE
    )
    rows = (
        Allocation.objects.filter(batch=batch, units__gt=0)
        .filter(Exists(active))
        .select_related("member", "collected_by")
        .order_by("member__username")
    )
    if search:
        rows = rows.filter(member__username__icontains=search)
    return rows


def extras_left(*, batch: Batch) -> int:
    if batch.status != Batch.Status.MADE or batch.made_quantity is None:
        return 0
    taken = Allocation.objects.filter(batch=batch).aggregate(n=Sum("units"))["n"] or 0
    return max(0, batch.made_quantity - taken)


@dataclass(frozen=True)
class BatchCost:
    batch: Batch
    units: int
    cost: Decimal  # charged to this batch's consumers so far
    currency: str

    @property
    def per_unit(self) -> Decimal | None:
        return quantize(self.cost / self.units, self.currency) if self.units else None


def batch_costs(*, coop: Cooperative, batches: list[Batch]) -> list[BatchCost]:
    """Cost per unit of each batch: live cost allocations charged to it over units received.
    Two queries whatever the number of batches."""
    ids = [b.pk for b in batches]
    units = dict(
        Allocation.objects.filter(batch_id__in=ids)
        .values("batch_id")
        .annotate(n=Sum("units"))
        .values_list("batch_id", "n")
    )
    charged = dict(
        ledger_selectors.charge_legs(coop=coop)
        .filter(transaction__batch_id__in=ids)
        .values("transaction__batch_id")
        .annotate(total=Sum("amount_minor"))
        .values_list("transaction__batch_id", "total")
    )
    return [
        BatchCost(
            batch=b,
            units=units.get(b.pk, 0),
            cost=from_minor(charged.get(b.pk, 0), coop.currency),
            currency=coop.currency,
        )
        for b in batches
    ]


def member_batch_costs(
    *, coop: Cooperative, member: User, batches: list[Batch]
) -> dict[int, Decimal]:
    """What ``member`` was charged for each batch (their share's cost)."""
    rows = (
        ledger_selectors.charge_legs(coop=coop)
        .filter(transaction__batch_id__in=[b.pk for b in batches], account__user=member)
        .values("transaction__batch_id")
        .annotate(total=Sum("amount_minor"))
    )
    return {row["transaction__batch_id"]: from_minor(row["total"], coop.currency) for row in rows}


@dataclass(frozen=True)
class Waste:
    uncollected_units: int
    allocated_units: int


def waste(*, coop: Cooperative, since=None) -> Waste:
    """Units not collected within the co-op's pick-up days, over units allocated."""
    today = coop_today(coop)
    deadline = today - timedelta(days=coop.pickup_days)
    rows = Allocation.objects.filter(batch__coop=coop, batch__date__lt=deadline)
    if since:
        rows = rows.filter(batch__date__gte=since)
    totals = rows.aggregate(
        all=Sum("units"), left=Sum("units", filter=Q(collected_at__isnull=True))
    )
    return Waste(uncollected_units=totals["left"] or 0, allocated_units=totals["all"] or 0)


def share_weights(*, coop: Cooperative) -> dict[int, int]:
    """Standing shares (paused ones as 0) by member id: the rotation's weights."""
    weights: dict[int, int] = defaultdict(int)
    for member_id, units, paused in StandingShare.objects.filter(coop=coop).values_list(
        "member_id", "units", "paused"
    ):
        weights[member_id] = 0 if paused else units
    return weights


@dataclass(frozen=True)
class MemberYear:
    units: int
    cost: Decimal
    currency: str

    @property
    def per_unit(self) -> Decimal | None:
        return quantize(self.cost / self.units, self.currency) if self.units else None


def member_costs(*, coop: Cooperative, start, end) -> dict[int, MemberYear]:
    """Every member's units taken and cost charged for batches from ``start`` to ``end``:
    two aggregate queries, however many batches and members there are."""
    units = dict(
        Allocation.objects.filter(batch__coop=coop, batch__date__gte=start, batch__date__lte=end)
        .values("member_id")
        .annotate(n=Sum("units"))
        .values_list("member_id", "n")
    )
    charged = dict(
        ledger_selectors.charge_legs(coop=coop)
        .filter(transaction__batch__date__gte=start, transaction__batch__date__lte=end)
        .values("account__user_id")
        .annotate(total=Sum("amount_minor"))
        .values_list("account__user_id", "total")
    )
    return {
        member: MemberYear(
            units=units.get(member, 0),
            cost=from_minor(charged.get(member, 0), coop.currency),
            currency=coop.currency,
        )
        for member in set(units) | set(charged)
    }
