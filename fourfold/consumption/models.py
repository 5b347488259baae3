from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fourfold.coops.models import Cooperative
from fourfold.production.models import Batch


class StandingShare(models.Model):
    """What a member takes of every batch unless they reserve otherwise."""

    coop = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="shares")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="standing_shares"
    )
    units = models.PositiveIntegerField()
    paused = models.BooleanField(default=False)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["coop", "member"], name="share_one_per_member"),
        ]


class Reservation(models.Model):
    """This batch only: more, fewer, or none (0) instead of the standing share."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="reservations")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reservations"
    )
    units = models.PositiveIntegerField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "member"], name="reservation_one_per_member_and_batch"
            ),
        ]


class Allocation(models.Model):
    """What a member received of a made batch, and why."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="allocations")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="allocations"
    )
    requested = models.PositiveIntegerField()
    units = models.PositiveIntegerField(help_text=_("Allocated, extras claimed included."))
    extra_units = models.PositiveIntegerField(default=0)
    collected_at = models.DateTimeField(null=True, blank=True)
    # Who marked it collected: the member, or whoever held the shared phone at the fridge. An
    # undo clears both; the audit log keeps every mark and undo.
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "member"], name="allocation_one_per_member_and_batch"
            ),
            models.CheckConstraint(
                condition=Q(extra_units__lte=models.F("units")),
                name="allocation_extras_within_units",
            ),
        ]
