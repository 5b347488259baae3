from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from fourfold.coops.models import Cooperative


class Batch(models.Model):
    """One production day of the cadence: 20 quarts on a Sunday, a repair evening."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        MADE = "made", _("made")
        MISSED = "missed", _("missed")

    coop = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="batches")
    date = models.DateField(help_text=_("The co-op's local date."))
    planned_quantity = models.PositiveIntegerField()
    made_quantity = models.PositiveIntegerField(null=True, blank=True)
    hours_spent = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    missed_reason = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["coop", "date"], name="batch_one_per_coop_day"),
            models.CheckConstraint(
                condition=Q(status="made", made_quantity__isnull=False) | ~Q(status="made"),
                name="batch_made_has_quantity",
            ),
        ]
        indexes = [models.Index(fields=["coop", "date"])]
        ordering = ["date"]


class Shift(models.Model):
    """A producer's place in a batch. ``member`` is empty while nobody can take it."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="shifts")
    slot = models.PositiveSmallIntegerField()
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shifts",
    )
    done = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["batch", "slot"], name="shift_one_per_slot"),
            # Nobody works twice in one batch, whatever races the planner loses.
            models.UniqueConstraint(
                fields=["batch", "member"],
                condition=Q(member__isnull=False),
                name="shift_member_once_per_batch",
            ),
        ]
        ordering = ["batch__date", "slot"]


class Unavailability(models.Model):
    """Dates (inclusive) a member cannot produce."""

    coop = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="unavailabilities"
    )
    start = models.DateField()
    end = models.DateField()
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")), name="unavailability_end_after_start"
            ),
        ]
        indexes = [models.Index(fields=["coop", "member", "end"])]
        ordering = ["start"]


class Swap(models.Model):
    """A shift offered by its producer; another member takes it, or it stays theirs."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        TAKEN = "taken", _("taken")
        CANCELLED = "cancelled", _("cancelled")

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="swaps")
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    offered_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["shift"], condition=Q(status="open"), name="swap_one_open_per_shift"
            ),
        ]


class CalendarFeed(models.Model):
    """A member's secret calendar address; rotating the token revokes the old one."""

    coop = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["coop", "member"], name="calendar_feed_one_per_member"),
        ]
