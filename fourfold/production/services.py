"""Writes about production: planning batches and the rotation, swaps, availability, recording."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fourfold.accounts.models import User
from fourfold.coops.audit import audit_record
from fourfold.coops.models import Cooperative
from fourfold.coops.selectors import coop_today
from fourfold.coops.vocabulary import service_or_good
from fourfold.errors import Conflict, Invalid, NotFound
from fourfold.lib.dates import date_within_reach, format_day
from fourfold.lib.money import decimal_from_text
from fourfold.production.models import Batch, CalendarFeed, Shift, Swap, Unavailability
from fourfold.production.planning import PlanResult, shifts_assign

MAX_UNAVAILABLE_DAYS = 366


def unavailability_add(
    *,
    coop: Cooperative,
    member: User,
    start: date,
    end: date,
    shares: Mapping[int, int],
    note: str = "",
    replan: bool = True,
) -> Unavailability:
    """Mark ``member`` away from ``start`` to ``end`` (inclusive); re-plan what can move."""
    if end < start:
        raise Invalid(_("The last day comes on or after the first."), field="end")
    if (end - start).days >= MAX_UNAVAILABLE_DAYS:
        raise Invalid(_("Mark at most a year at a time."), field="end")
    today = coop_today(coop)
    if end < today:
        raise Invalid(_("That is in the past."), field="end")
    for name, day in (("start", start), ("end", end)):
        try:
            date_within_reach(day, today=today)
        except ValueError as error:
            raise Invalid(str(error), field=name) from error
    with transaction.atomic():
        spell = Unavailability.objects.create(
            coop=coop,
            member=member,
            start=start,
            end=end,
            note=note.strip(),
            created_at=timezone.now(),
        )
        audit_record(
            coop=coop,
            actor=member,
            action="production.unavailable",
            start=start.isoformat(),
            end=end.isoformat(),
        )
        if replan:
            Cooperative.objects.select_for_update().filter(pk=coop.pk).first()
            shifts_assign(coop, today, PlanResult(), shares)
    return spell


def unavailability_remove(
    *, coop: Cooperative, member: User, pk: int, shares: Mapping[int, int]
) -> None:
    with transaction.atomic():
        deleted, _rows = Unavailability.objects.filter(coop=coop, member=member, pk=pk).delete()
        if not deleted:
            raise NotFound(_("No such period away."))
        audit_record(coop=coop, actor=member, action="production.available_again", period=pk)
        Cooperative.objects.select_for_update().filter(pk=coop.pk).first()
        shifts_assign(coop, coop_today(coop), PlanResult(), shares)


def _parse_hours(hours) -> Decimal:
    try:
        value = decimal_from_text(hours)
    except ValueError as error:
        raise Invalid(_("Enter the hours spent, e.g. 3.5."), field="hours") from error
    if not value.is_finite() or value < 0 or value > 1000:
        raise Invalid(_("Enter the hours spent, from 0 to 1000."), field="hours")
    return value.quantize(Decimal("0.01"))


def _recordable(batch: Batch, by: User, today: date) -> None:
    coop = batch.coop
    if not Shift.objects.filter(batch=batch, member=by).exists():
        raise Conflict(
            service_or_good(
                coop,
                _("Only a producer of this batch can record it."),
                _("Only a volunteer of this session can record it."),
            )
        )
    if batch.date > today:
        raise Conflict(
            service_or_good(
                coop,
                _("This batch is still ahead; record it on or after %(date)s."),
                _("This session is still ahead; record it on or after %(date)s."),
            )
            % {"date": format_day(batch.date)}
        )
    if batch.status != Batch.Status.PLANNED:
        made = batch.status == Batch.Status.MADE
        raise Conflict(
            service_or_good(
                coop,
                _("This batch is already recorded as made.")
                if made
                else _("This batch is already recorded as missed."),
                _("This session is already recorded as held.")
                if made
                else _("This session is already recorded as missed."),
            )
        )


def _close_open_swaps(batch: Batch) -> None:
    """Once a batch is recorded its shifts are history: nothing is left to swap."""
    Swap.objects.filter(shift__batch=batch, status=Swap.Status.OPEN).update(
        status=Swap.Status.CANCELLED, closed_at=timezone.now()
    )


def batch_record_made(
    *, batch: Batch, by: User, quantity: int, hours, today: date | None = None
) -> Batch:
    """A producer records what was made and the hours it took; the shifts count as done.
    Sharing it out is consumption's: the edges call ``workflows.production.batch_record_made``."""
    if isinstance(quantity, bool) or int(quantity) < 0 or int(quantity) > 1_000_000:
        raise Invalid(
            service_or_good(
                batch.coop,
                _("Enter the quantity made, 0 or more."),
                _("Enter how many were given, 0 or more."),
            ),
            field="quantity",
        )
    hours_spent = _parse_hours(hours)
    with transaction.atomic():
        batch = Batch.objects.select_for_update().select_related("coop").get(pk=batch.pk)
        _recordable(batch, by, today or coop_today(batch.coop))
        batch.status = Batch.Status.MADE
        batch.made_quantity = int(quantity)
        batch.hours_spent = hours_spent
        batch.recorded_by = by
        batch.recorded_at = timezone.now()
        batch.save(
            update_fields=["status", "made_quantity", "hours_spent", "recorded_by", "recorded_at"]
        )
        Shift.objects.filter(batch=batch, member__isnull=False).update(done=True)
        _close_open_swaps(batch)
        audit_record(
            coop=batch.coop,
            actor=by,
            action="production.made",
            batch=batch.pk,
            quantity=int(quantity),
            hours=str(hours_spent),
        )
    return batch


def batch_record_missed(*, batch: Batch, by: User, reason: str, today: date | None = None) -> Batch:
    if not reason.strip():
        raise Invalid(
            service_or_good(
                batch.coop, _("Say why the batch was missed."), _("Say why the session was missed.")
            ),
            field="reason",
        )
    with transaction.atomic():
        batch = Batch.objects.select_for_update().select_related("coop").get(pk=batch.pk)
        _recordable(batch, by, today or coop_today(batch.coop))
        batch.status = Batch.Status.MISSED
        batch.missed_reason = reason.strip()[:500]
        batch.recorded_by = by
        batch.recorded_at = timezone.now()
        batch.save(update_fields=["status", "missed_reason", "recorded_by", "recorded_at"])
        _close_open_swaps(batch)
        audit_record(
            coop=batch.coop,
            actor=by,
            action="production.missed",
            batch=batch.pk,
            reason=batch.missed_reason,
        )
    return batch


def calendar_feed_rotate(*, coop: Cooperative, member: User) -> CalendarFeed:
    """A new secret address for ``member``'s calendar; the old one stops working at once."""
    with transaction.atomic():
        feed, created = CalendarFeed.objects.update_or_create(
            coop=coop,
            member=member,
            defaults={"token": secrets.token_urlsafe(32), "created_at": timezone.now()},
        )
        # The token itself stays out of the trail: it is a secret.
        audit_record(
            coop=coop,
            actor=member,
            action="production.calendar_made" if created else "production.calendar_rotated",
            at=feed.created_at,
        )
    return feed


def calendar_feed_ensure(*, coop: Cooperative, member: User) -> CalendarFeed:
    """The member's calendar address, made on first use (two first requests get one feed:
    get_or_create falls back to reading the winner's row)."""
    with transaction.atomic():
        feed, created = CalendarFeed.objects.get_or_create(
            coop=coop,
            member=member,
            defaults={"token": secrets.token_urlsafe(32), "created_at": timezone.now()},
        )
        if created:
            audit_record(
                coop=coop, actor=member, action="production.calendar_made", at=feed.created_at
            )
    return feed
