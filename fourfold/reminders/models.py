from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fourfold.coops.models import Cooperative


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


class Notification(models.Model):
    """Something a member should know, kept in-app until they read it.

    Stored as a kind and its parameters, not as text: it is written in the reader's language
    when it is shown (``fourfold.reminders.notices``)."""

    class Kind(models.TextChoices):
        PROPOSAL = "proposal", _("a new proposal")
        VOTE_CLOSING = "vote_closing", _("a vote closing soon")
        ADMISSION = "admission", _("someone waiting for admission")
        SWAP_OFFERED = "swap_offered", _("a shift offered on the swap board")
        SWAP_TAKEN = "swap_taken", _("my offered shift taken")
        BATCH = "batch", _("a batch missed or moved")
        SHARE_READY = "share_ready", _("my share ready to collect")
        ENTRY = "entry", _("an entry naming me or waiting for me")
        SETTLE_UP = "settle_up", _("a settle-up payment to confirm")
        SHIFT_TOMORROW = "shift_tomorrow", _("my shift tomorrow")
        BALANCE = "balance", _("my balance overdue")

    coop = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    params = models.JSONField(default=dict)
    # What it is about (a proposal's id, a shift's, an entry's, an ISO week): with the co-op,
    # the member and the kind it is unique, so an event or a round seen twice tells once.
    subject = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    digest_sent_at = models.DateTimeField(null=True, blank=True)
    # Set when the push went out to the member's devices (or was tried): each is pushed once.
    pushed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "member", "kind", "subject"], name="notification_once"
            ),
        ]
        indexes = [
            models.Index(fields=["member", "-created_at"]),
            models.Index(
                fields=["member"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]


class NotificationPreference(models.Model):
    """How a member wants one kind of notification. Without a row, the kind's default
    (``fourfold.reminders.notices.DEFAULT_DELIVERY``)."""

    class Delivery(models.TextChoices):
        APP = "app", _("only here, in fourfold")
        EMAIL = "email", _("an e-mail at once")
        DIGEST = "digest", _("in a daily e-mail digest")
        # Web Push to each device the member registered (``fourfold.reminders.push``).
        PUSH = "push", _("a push notification on my device")

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Notification.Kind.choices)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "kind"], name="notification_preference_once"),
        ]


class PushSubscription(models.Model):
    """A device (a browser's service worker) that asked for the member's push notifications:
    where to send them and the keys to encrypt them with (RFC 8291), as PushManager gave them."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    # The push service's address for this device: it is the device, so it is unique.
    endpoint = models.CharField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=100)
    auth = models.CharField(max_length=50)
    created_at = models.DateTimeField()
    last_success_at = models.DateTimeField(null=True, blank=True)
