"""Writes about consumption: shares, reservations, allocating a made batch, extras, pick-up,
and charging each batch's costs to those who took it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fourfold.accounts.models import User
from fourfold.consumption import selectors
from fourfold.consumption.models import Allocation, Reservation, StandingShare
from fourfold.coops.audit import audit_record
from fourfold.coops.models import Cooperative, Membership
from fourfold.coops.services import member_require_active
from fourfold.coops.vocabulary import service_or_good
from fourfold.errors import Conflict, Invalid
from fourfold.ledger import corrections as ledger_corrections
from fourfold.ledger import costs as ledger_costs
from fourfold.ledger import periods as ledger_periods
from fourfold.ledger import selectors as ledger_selectors
from fourfold.ledger.models import Transaction
from fourfold.lib.allocation import allocate
from fourfold.lib.dates import format_day
from fourfold.lib.money import format_money
from fourfold.production.models import Batch

MAX_UNITS = 1000


def _require_consumer(coop: Cooperative, member: User) -> None:
    status = (
        Membership.objects.filter(coop=coop, user=member).values_list("status", flat=True).first()
    )
    if status == Membership.Status.PAUSED:
        raise Conflict(_("Your membership is paused; resume it to take shares again."))
    if status != Membership.Status.ACTIVE:
        member_require_active(coop=coop, user=member, action=_("consume"))


def _require_within_owing_limit(
    coop: Cooperative, member: User, *, units: int, standing: int
) -> None:
    """A member owing more than the co-op's owing limit takes no more than their standing
    share until they settle up: the co-op does not lend them more of its members' money."""
    owed = ledger_selectors.owed_beyond_limit(coop=coop, member=member)
    if owed is None or units <= standing:
        return
    values = {
        "owed": format_money(owed, coop.currency),
        "limit": format_money(coop.owing_limit or Decimal(0), coop.currency),
        "share": coop.units(standing),
    }
    if not standing:
        message = _(
            "You owe the co-op %(owed)s, more than its limit of %(limit)s. Until you settle up, "
            "what is beyond standing shares goes to other members."
        )
    else:
        message = _(
            "You owe the co-op %(owed)s, more than its limit of %(limit)s. Until you settle up "
            "you can take your standing share (%(share)s), not more."
        )
    raise Conflict(message % values, field="units")


def _units(units, *, batch_size: int, coop: Cooperative) -> int:
    """A share or reservation: whole units, at most what a batch makes (no one can take
    more than the whole batch)."""
    most = min(MAX_UNITS, batch_size)
    if isinstance(units, bool) or not isinstance(units, int) or not 0 <= units <= most:
        raise Invalid(
            service_or_good(
                coop,
                _("A batch makes %(most)d %(unit)s: choose 0 to %(most)d."),
                _("A session gives %(most)d %(unit)s: choose 0 to %(most)d."),
            )
            % {"most": most, "unit": coop.unit_for(most)},
            field="units",
        )
    return units


def share_set(
    *, coop: Cooperative, member: User, units: int, paused: bool | None = None
) -> StandingShare | None:
    """Take ``units`` of every batch from now on (0 stops the share); pause or resume it."""
    units = _units(units, batch_size=coop.target_quantity, coop=coop)
    _require_consumer(coop, member)
    now = timezone.now()
    with transaction.atomic():
        if units == 0:
            StandingShare.objects.filter(coop=coop, member=member).delete()
            share = None
        else:
            share, _created = StandingShare.objects.update_or_create(
                coop=coop,
                member=member,
                defaults={
                    "units": units,
                    "updated_at": now,
                    **({} if paused is None else {"paused": paused}),
                },
            )
        audit_record(
            coop=coop,
            actor=member,
            action="consumption.share",
            units=units,
            paused=bool(share and share.paused),
            at=now,
        )
        # The rotation follows consumption: a new share moves the future shifts.
        from fourfold.production.planning import replan_after_membership_change

        replan_after_membership_change(coop=coop, shares=selectors.share_weights(coop=coop))
    return share


def reservation_set(*, batch: Batch, member: User, units: int) -> Reservation:
    """For this batch only: ``units`` instead of the standing share (0 skips it)."""
    coop = batch.coop
    units = _units(units, batch_size=batch.planned_quantity, coop=coop)
    _require_consumer(coop, member)
    share = StandingShare.objects.filter(coop=coop, member=member, paused=False).first()
    _require_within_owing_limit(coop, member, units=units, standing=share.units if share else 0)
    if batch.status != Batch.Status.PLANNED:
        raise Conflict(
            service_or_good(
                coop,
                _("This batch is already recorded; claim extras instead."),
                _("This session is already recorded; claim extras instead."),
            )
        )
    cutoff = selectors.reservation_cutoff(batch, coop)
    now = timezone.now()
    if now >= cutoff:
        raise Conflict(
            service_or_good(
                coop,
                _("Reservations for %(date)s closed %(hours)d hours before the batch."),
                _("Bookings for %(date)s closed %(hours)d hours before the session."),
            )
            % {"date": format_day(batch.date), "hours": coop.reservation_cutoff_hours}
        )
    with transaction.atomic():
        reservation, _created = Reservation.objects.update_or_create(
            batch=batch, member=member, defaults={"units": units, "updated_at": now}
        )
        audit_record(
            coop=coop,
            actor=member,
            action="consumption.reservation",
            batch=batch.pk,
            units=units,
            at=now,
        )
    return reservation


def batch_allocate(*, batch: Batch, by: User | None) -> list[Allocation]:
    """Share out a made batch: everyone gets what they asked when it fits, else max-min fair
    whole units; the surplus stays as extras. Then charge the batch's costs by units."""
    coop = batch.coop
    if batch.status != Batch.Status.MADE:
        raise Conflict(
            service_or_good(
                coop, _("Only a made batch is shared out."), _("Only a held session is shared out.")
            )
        )
    with transaction.atomic():
        if Allocation.objects.filter(batch=batch).exists():
            return list(selectors.allocations(batch=batch))
        asked = selectors.demand(batch=batch)
        order = list(asked)
        # Rotate who gets the odd unit: the co-op's count of made batches moves the start.
        rotate = Batch.objects.filter(
            coop=coop, status=Batch.Status.MADE, date__lt=batch.date
        ).count()
        given = allocate(
            {m: n for m, n in asked.items()}, batch.made_quantity or 0, order=order, rotate=rotate
        )
        rows = Allocation.objects.bulk_create(
            [
                Allocation(
                    batch=batch, member_id=member, requested=asked[member], units=given[member]
                )
                for member in order
                if asked[member] or given[member]
            ]
        )
        audit_record(
            coop=coop,
            actor=by,
            action="consumption.allocated",
            batch=batch.pk,
            units=sum(given.values()),
        )
        batch_costs_allocate(batch=batch, by=by, include_general=True)
    return rows


def extras_claim(*, batch: Batch, member: User, units: int = 1) -> Allocation:
    """Take ``units`` of a made batch's surplus. The batch row lock makes concurrent claims
    queue, so together they never take more than is left."""
    if isinstance(units, bool) or not isinstance(units, int) or units < 1:
        raise Invalid(_("Claim at least one unit."), field="units")
    coop = batch.coop
    _require_consumer(coop, member)
    _require_within_owing_limit(coop, member, units=units, standing=0)
    with transaction.atomic():
        locked = Batch.objects.select_for_update().get(pk=batch.pk)
        left = selectors.extras_left(batch=locked)
        if left == 0:
            raise Conflict(_("No extras are left: the last one was just claimed."))
        if left < units:
            raise Conflict(
                _("Only %(left)d extra %(unit)s left.")
                % {"left": left, "unit": coop.unit_for(left)}
            )
        allocation, _created = Allocation.objects.get_or_create(
            batch=locked, member=member, defaults={"requested": 0, "units": 0}
        )
        allocation.units += units
        allocation.extra_units += units
        allocation.save(update_fields=["units", "extra_units"])
        audit_record(
            coop=coop, actor=member, action="consumption.extra", batch=batch.pk, units=units
        )
        _reallocate(locked, by=member)
    return allocation


def _pickup_allocation(batch: Batch, member: User, by: User) -> Allocation:
    """``member``'s share of ``batch`` for a pick-up mark or undo by ``by``, who must be an
    active member: on the shared phone at the fridge, anyone of the co-op checks anyone off."""
    coop = batch.coop
    member_require_active(coop=coop, user=by, action=_("mark shares collected"))
    # Only a made batch is shared out: a share found means the batch is made.
    allocation = Allocation.objects.filter(batch=batch, member=member, units__gt=0).first()
    if allocation is None and batch.status != Batch.Status.MADE:
        raise Conflict(
            service_or_good(
                coop,
                _("This batch is not made yet: there is nothing to collect."),
                _("This session is not held yet: there is nothing to use."),
            )
        )
    if allocation is None:
        if member == by:
            raise Conflict(
                service_or_good(
                    coop,
                    _("You have no share of this batch to collect."),
                    _("You have no booking of this session to use."),
                )
            )
        raise Conflict(
            service_or_good(
                coop,
                _("%(name)s has no share of this batch to collect."),
                _("%(name)s has no booking of this session to use."),
            )
            % {"name": member.username}
        )
    return allocation


def pickup_mark(*, batch: Batch, member: User, by: User, now: datetime | None = None) -> Allocation:
    """Mark ``member``'s share of ``batch`` collected, by ``by`` (the member themselves or
    whoever holds the pick-up list). Marking a share already marked changes nothing and
    answers the same: a phone that went offline replays its marks, maybe twice."""
    return _pickup_set(batch, member, by=by, collected=True, now=now)


def pickup_undo(*, batch: Batch, member: User, by: User, now: datetime | None = None) -> Allocation:
    """Take back a mark made by mistake. The allocation forgets who marked it; the audit log
    keeps both the mark and its undoing. Undoing a share not marked changes nothing."""
    return _pickup_set(batch, member, by=by, collected=False, now=now)


def _pickup_set(
    batch: Batch, member: User, *, by: User, collected: bool, now: datetime | None
) -> Allocation:
    allocation = _pickup_allocation(batch, member, by)
    now = now or timezone.now()
    with transaction.atomic():
        # Compare-and-swap: of two marks at once (a replay racing the live one) one changes
        # the row and writes its audit entry, the other finds it changed already.
        changed = Allocation.objects.filter(
            pk=allocation.pk, collected_at__isnull=collected
        ).update(collected_at=now if collected else None, collected_by=by if collected else None)
        if changed:
            audit_record(
                coop=batch.coop,
                actor=by,
                action="consumption.collected" if collected else "consumption.collected_undone",
                batch=batch.pk,
                member=member.pk,
                at=now,
            )
    allocation.refresh_from_db(fields=["collected_at", "collected_by"])
    return allocation


def _weights(batch: Batch) -> dict[User, int]:
    units = dict(
        Allocation.objects.filter(batch=batch, units__gt=0).values_list("member_id", "units")
    )
    # Only what the split needs of each member: loading whole user rows costs more than the
    # split itself in a large co-op.
    members = User.objects.filter(pk__in=units).only("pk", "username")
    return {member: units[member.pk] for member in members}


def batch_costs_allocate(*, batch: Batch, by: User | None, include_general: bool = False) -> None:
    """Charge to a made batch's consumers, by units received, each cost for the batch not yet
    charged — and, when the co-op shares general costs by units, every general cost waiting;
    with ``include_general`` too, the next part of every cost spread over batches. Nothing
    happens before the batch is made (its costs wait for it)."""
    if batch.status != Batch.Status.MADE:
        return
    weights = _weights(batch)
    if not weights:
        return
    coop = batch.coop
    live_allocation = Transaction.objects.filter(allocates=OuterRef("pk"), reversed_by__isnull=True)
    # An expense still waiting for its payer's consent is charged once it posts.
    waiting = (
        Transaction.objects.posted()
        .filter(coop=coop, kind=Transaction.Kind.EXPENSE, reversed_by__isnull=True)
        # A spread cost is charged a part per batch below, never whole.
        .filter(spread__isnull=True)
        .exclude(Exists(live_allocation))
    )
    tagged = waiting.filter(batch=batch)
    # A missed batch had no consumers: what was bought for it is shared like a general cost.
    by_units = include_general and coop.general_cost_mode == coop.GeneralCosts.BY_UNITS
    general = (
        waiting.filter(Q(batch__isnull=True) | Q(batch__status=Batch.Status.MISSED))
        # A recurring period's cost is shared by its period's batches below.
        .exclude(pk__in=ledger_periods.period_expense_ids(coop=coop))
        if by_units
        else Transaction.objects.none()
    )
    entered_by = by or batch.recorded_by
    whole = [*tagged.order_by("pk"), *general.order_by("pk")]
    charges = [_charge(expense, expense.amount, batch=batch, by=entered_by) for expense in whole]
    if include_general:
        charges += _spread_charges(batch=batch, by=entered_by)
    if by_units:
        charging = {expense.pk for expense in whole}
        for period, due in ledger_periods.periods_owing(coop=coop, until=batch.date):
            if period.expense.pk not in charging:
                charges += _period_charges(period, due, batch=batch, by=entered_by)
    # Every cost the batch carries posts in one go: one write per table, not one per cost.
    ledger_costs.costs_allocate(coop=coop, charges=charges, weights=weights, batch=batch)


def _charge(expense: Transaction, amount: Decimal, *, batch: Batch, by: User | None):
    return ledger_costs.Charge(
        amount=amount,
        category=expense.category,
        entered_by=by or expense.entered_by,
        of_expense=expense,
        occurred_on=max(batch.date, expense.occurred_on),
    )


def _period_charges(
    period: ledger_periods.Period, due: int, *, batch: Batch, by: User | None
) -> list[ledger_costs.Charge]:
    """What this batch carries of a recurring period's cost: nothing if it carries it already."""
    expense = period.expense
    if expense.allocations.filter(batch=batch, reversed_by__isnull=True).exists():
        return []
    part = ledger_periods.period_part(period, due, batch)
    return [] if part is None else [_charge(expense, part, batch=batch, by=by)]


def period_catch_up(*, expense: Transaction, by: User | None) -> None:
    """A recurring period's entry that posts after some of its period's batches were made (a
    late confirmation, or a round that ran late) is charged to those batches, in date order,
    each its share of what is still due; the period's batches to come carry the rest."""
    coop = expense.coop
    if coop.general_cost_mode != coop.GeneralCosts.BY_UNITS:
        return
    for period, _due in ledger_periods.periods_owing(
        coop=coop, until=expense.occurred_on, expense=expense
    ):
        made = Batch.objects.filter(
            coop=coop,
            status=Batch.Status.MADE,
            date__gte=period.start,
            date__lt=period.end,
        ).order_by("date", "pk")
        for batch in made:
            weights = _weights(batch)
            if not weights:
                continue
            owing = ledger_periods.periods_owing(coop=coop, until=batch.date, expense=expense)
            if not owing:
                return
            ledger_costs.costs_allocate(
                coop=coop,
                charges=_period_charges(owing[0][0], owing[0][1], batch=batch, by=by),
                weights=weights,
                batch=batch,
            )


def _spread_charges(*, batch: Batch, by: User | None) -> list[ledger_costs.Charge]:
    """What this batch carries of each live spread cost (``ledger.selectors``), to charge to
    its consumers by units. A batch missed is never made, so it carries nothing: its part waits
    for the next batch made."""
    return [
        _charge(expense, part, batch=batch, by=by)
        for expense, part in ledger_selectors.spreads_live(coop=batch.coop, batch=batch)
    ]


def _reallocate(batch: Batch, *, by: User) -> None:
    """Units changed after costs were charged: reverse the batch's charges and charge again by
    the new units. Corrections are reversals, never edits."""
    coop = batch.coop
    charged = list(
        Transaction.objects.posted()
        .filter(
            coop=coop, batch=batch, kind=Transaction.Kind.COST_ALLOCATION, reversed_by__isnull=True
        )
        .select_related("allocates")
        .order_by("pk")
    )
    for charge in charged:
        # The co-op's own rule re-shares it: nobody's consent is asked for.
        ledger_corrections.reversal_post(
            original=charge, entered_by=by, reason=_("Re-shared after extras were claimed")
        )
    ledger_costs.costs_allocate(
        coop=coop,
        charges=[
            ledger_costs.Charge(
                amount=charge.amount,
                category=charge.category,
                entered_by=by,
                of_expense=charge.allocates,
                description=charge.description,
            )
            for charge in charged
        ],
        weights=_weights(batch),
        batch=batch,
    )


def member_stop_consuming(*, coop: Cooperative, member: User) -> None:
    """End a departing member's standing share and their reservations of batches to come."""
    with transaction.atomic():
        shares, _kinds = StandingShare.objects.filter(coop=coop, member=member).delete()
        reservations, _kinds = Reservation.objects.filter(
            batch__coop=coop, member=member, batch__status=Batch.Status.PLANNED
        ).delete()
        if shares or reservations:
            audit_record(
                coop=coop,
                actor=None,
                action="consumption.share_stopped",
                member=member.pk,
                reservations=reservations,
            )
