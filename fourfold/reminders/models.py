from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fourfold.coops.models import Cooperative


class ReminderPreference(models.Model):
    """Which reminders a member wants from one co-op. Without a row, every reminder is on."""

    coop = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    shifts = models.BooleanField(_("the day before each of my shifts"), default=True)
    votes = models.BooleanField(_("when a vote I have not voted on closes soon"), default=True)
    balance = models.BooleanField(_("when my balance is overdue"), default=True)
    consent = models.BooleanField(
        _("when an entry names me and waits for my confirmation"), default=True
    )
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "member"], name="reminder_preference_one_per_member"
            ),
        ]


class SentReminder(models.Model):
    """A reminder that went out. The unique constraint is what keeps two runs of the sender,
    even at the same moment on two machines, from sending the same reminder twice."""

    class Kind(models.TextChoices):
        SHIFT = "shift", _("shift tomorrow")
        VOTE = "vote", _("vote closing soon")
        BALANCE = "balance", _("balance overdue")
        CONSENT = "consent", _("an entry waits for my confirmation")

    coop = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # What it is about: the shift's or the proposal's id, or the ISO week (2026-W05) of a
    # balance reminder, so an overdue balance is mentioned at most once a week.
    key = models.CharField(max_length=64)
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            # The co-op is part of it: a balance key (the week) is not unique across co-ops.
            models.UniqueConstraint(
                fields=["coop", "member", "kind", "key"], name="reminder_sent_once"
            ),
        ]
        indexes = [models.Index(fields=["coop", "-sent_at"])]
