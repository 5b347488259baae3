"""A shift offered to the others, taken by one of them, or the offer withdrawn."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fourfold.accounts.models import User
from fourfold.coops.audit import audit_record
from fourfold.coops.selectors import coop_today
from fourfold.coops.services import member_require_active
from fourfold.coops.vocabulary import service_or_good
from fourfold.errors import Conflict
from fourfold.production import selectors
from fourfold.production.models import Batch, Shift, Swap


def swap_offer(*, shift: Shift, by: User) -> Swap:
    """Offer your shift to the others; it stays yours until someone takes it."""
    coop = shift.batch.coop
    if shift.member_id != by.pk:
        raise Conflict(_("Only the member on a shift can offer it."))
    if shift.done or shift.batch.status != Batch.Status.PLANNED:
        raise Conflict(
            service_or_good(
                coop, _("This batch is already recorded."), _("This session is already recorded.")
            )
        )
    if shift.batch.date < coop_today(coop):
        raise Conflict(_("This shift is in the past."))
    try:
        with transaction.atomic():
            # The shift row lock queues two offers of one shift; the constraint backs it up.
            Shift.objects.select_for_update().filter(pk=shift.pk).first()
            if Swap.objects.filter(shift=shift, status=Swap.Status.OPEN).exists():
                raise Conflict(_("This shift is already offered."))
            swap = Swap.objects.create(shift=shift, offered_by=by, offered_at=timezone.now())
            audit_record(coop=coop, actor=by, action="production.swap_offered", shift=shift.pk)
    except IntegrityError as error:
        raise Conflict(_("This shift is already offered.")) from error
    return swap


def swap_take(*, swap: Swap, by: User) -> Shift:
    """Take an offered shift: the shift, and the count behind the rotation, move to you."""
    with transaction.atomic():
        swap = Swap.objects.select_for_update().select_related("shift__batch__coop").get(pk=swap.pk)
        shift = Shift.objects.select_for_update().select_related("batch").get(pk=swap.shift_id)
        coop = shift.batch.coop
        member_require_active(coop=coop, user=by, action=_("produce"))
        if swap.status != Swap.Status.OPEN:
            raise Conflict(_("Someone else has taken this shift, or it was withdrawn."))
        if swap.offered_by_id == by.pk:
            raise Conflict(_("You offered this shift; withdraw the offer instead."))
        if shift.done or shift.batch.status != Batch.Status.PLANNED:
            raise Conflict(
                service_or_good(
                    coop,
                    _("This batch is already recorded."),
                    _("This session is already recorded."),
                )
            )
        if shift.batch.date < coop_today(coop):
            raise Conflict(_("This shift is in the past."))
        if Shift.objects.filter(batch=shift.batch, member=by).exists():
            raise Conflict(
                service_or_good(
                    coop,
                    _("You already produce this batch."),
                    _("You already volunteer at this session."),
                )
            )
        if selectors.is_away(coop=coop, member=by, on=shift.batch.date):
            raise Conflict(_("You marked yourself away that day."))
        shift.member = by
        shift.save(update_fields=["member"])
        swap.status = Swap.Status.TAKEN
        swap.taken_by = by
        swap.closed_at = timezone.now()
        swap.save(update_fields=["status", "taken_by", "closed_at"])
        audit_record(
            coop=coop,
            actor=by,
            action="production.swap_taken",
            shift=shift.pk,
            from_member=swap.offered_by_id,
        )
    return shift


def swap_cancel(*, swap: Swap, by: User) -> Swap:
    with transaction.atomic():
        swap = Swap.objects.select_for_update().select_related("shift__batch__coop").get(pk=swap.pk)
        if swap.offered_by_id != by.pk:
            raise Conflict(_("Only the member who offered a shift can withdraw the offer."))
        if swap.status != Swap.Status.OPEN:
            raise Conflict(_("This offer is already closed."))
        swap.status = Swap.Status.CANCELLED
        swap.closed_at = timezone.now()
        swap.save(update_fields=["status", "closed_at"])
        audit_record(
            coop=swap.shift.batch.coop,
            actor=by,
            action="production.swap_cancelled",
            shift=swap.shift_id,
        )
    return swap
