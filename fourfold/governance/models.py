from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fourfold.coops.models import Cooperative


class Proposal(models.Model):
    class Kind(models.TextChoices):
        GENERAL = "general", _("general decision")
        RULE_CHANGE = "rule_change", _("rule change")
        ADMIT_MEMBER = "admit_member", _("admit a member")
        REMOVE_MEMBER = "remove_member", _("remove a member")
        SPENDING = "spending", _("spending approval")
        CHOICE = "choice", _("ranked choice")
        REVERSAL = "reversal", _("reverse an entry")
        BUDGET = "budget", _("operating budget")
        SPREAD_END = "spread_end", _("end a spread cost early")
        RECURRING_END = "recurring_end", _("end a regular cost")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        PASSED = "passed", _("passed")
        FAILED = "failed", _("failed")

    coop = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="proposals")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    # rule_change: {rule: new value}; reversal: {transaction, principle?, reason?}
    change = models.JSONField(default=dict, blank=True)
    options = models.JSONField(default=list, blank=True)  # choice: the options, in order
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )  # admit / remove
    amount = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    opened_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)  # the explanation, in words
    result = models.JSONField(default=dict, blank=True)  # tally, rounds, before/after

    class Meta:
        indexes = [models.Index(fields=["coop", "status", "closes_at"])]
        ordering = ["-opened_at"]

    @property
    def approved_amount(self) -> Decimal:
        """What a spending proposal approves: proposal_open refuses one without an amount, so
        only the other kinds, which approve nothing, have none."""
        return self.amount if self.amount is not None else Decimal(0)


class Vote(models.Model):
    class Position(models.TextChoices):
        AGREE = "agree", _("agree")
        ABSTAIN = "abstain", _("abstain")
        DISAGREE = "disagree", _("disagree")
        BLOCK = "block", _("block")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    position = models.CharField(max_length=10, choices=Position.choices, blank=True)
    ranking = models.JSONField(default=list, blank=True)  # choice proposals
    reason = models.CharField(max_length=1000, blank=True)
    cast_at = models.DateTimeField()

    class Meta:
        constraints = [
            # One vote per member, also when two requests race: the database decides.
            models.UniqueConstraint(fields=["proposal", "member"], name="vote_one_per_member"),
        ]


class Proxy(models.Model):
    """``giver`` lets ``holder`` vote for them on one proposal, or on all until a date."""

    coop = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="+")
    giver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, null=True, blank=True, related_name="proxies"
    )
    until = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "holder"],
                condition=Q(revoked_at__isnull=True),
                name="proxy_one_held_at_a_time",
            ),
            models.UniqueConstraint(
                fields=["coop", "giver"],
                condition=Q(revoked_at__isnull=True),
                name="proxy_one_given_at_a_time",
            ),
            models.CheckConstraint(
                condition=~Q(giver=models.F("holder")), name="proxy_not_to_oneself"
            ),
        ]


class FacilitatorDuty(models.Model):
    """The member who facilitates meetings and nudges open votes for a month: no powers."""

    coop = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text=_("The first day of the month."))
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["coop", "month"], name="facilitator_one_per_month"),
        ]
        ordering = ["month"]
