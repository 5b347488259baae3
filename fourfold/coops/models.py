from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fourfold.coops.vocabulary import Vocabulary, words
from fourfold.lib.language import count_noun, format_count
from fourfold.lib.money import to_minor


class Cooperative(models.Model):
    """A group of neighbours producing one good or service for themselves on a cadence."""

    class Kind(models.TextChoices):
        GOOD = "good", _("a good")
        SERVICE = "service", _("a service")

    slug = models.SlugField(_("short name for links"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=120)
    product = models.CharField(_("product or service"), max_length=120)
    # Picks the words members read (batch or session, collect or come for): see vocabulary.
    kind = models.CharField(
        _("good or service"),
        max_length=10,
        choices=Kind.choices,
        default=Kind.GOOD,
        help_text=_("Picks the words members read: a service speaks of sessions and bookings."),
    )
    unit = models.CharField(_("unit"), max_length=40)
    unit_plural = models.CharField(
        _("unit, plural"),
        max_length=40,
        help_text=_('The unit for more than one, as in "24 quarts" or "8 repair slots".'),
    )
    cadence = models.CharField(_("cadence (RRULE)"), max_length=255)
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    target_quantity = models.PositiveIntegerField(_("target quantity per batch"))
    producers_per_batch = models.PositiveSmallIntegerField(_("producers per batch"))
    currency = models.CharField(_("currency"), max_length=3)
    # Four places: a commercial price may be quoted below the minor unit (0.125 per gram).
    commercial_unit_price = models.DecimalField(
        _("commercial price per unit"), max_digits=14, decimal_places=4
    )
    diy_minutes_per_unit = models.DecimalField(
        _("DIY minutes per unit"), max_digits=8, decimal_places=2
    )
    # Who founded it is history, not a power: the founder is a member like any other.
    founded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    founded_at = models.DateTimeField()
    # Rules that change only by proposal once the co-op is founded.
    lock_window_days = models.PositiveSmallIntegerField(
        _("lock window (days)"),
        default=7,
        help_text=_("Shifts this close are never moved by re-planning."),
    )
    reservation_cutoff_hours = models.PositiveSmallIntegerField(
        _("reservation cut-off (hours)"),
        default=48,
        help_text=_("Reservations for a batch close this long before its day begins."),
    )
    pickup_days = models.PositiveSmallIntegerField(
        _("days to collect"),
        default=3,
        help_text=_("Shares not collected within this many days count as waste."),
    )

    class GeneralCosts(models.TextChoices):
        BY_UNITS = "units", _("by units taken in the next batch made")
        EQUALLY = "equal", _("equally among active members")

    general_cost_mode = models.CharField(
        _("general costs are shared"),
        max_length=10,
        choices=GeneralCosts.choices,
        default=GeneralCosts.BY_UNITS,
    )
    quorum_percent = models.PositiveSmallIntegerField(
        _("quorum (%)"), default=50, help_text=_("Share of active members who must vote.")
    )
    threshold = models.CharField(
        _("threshold"),
        max_length=12,
        default="2/3",
        help_text=_("Share of agree among the votes that are not abstentions, e.g. 2/3."),
    )
    voting_days = models.PositiveSmallIntegerField(_("voting period (days)"), default=7)
    spending_limit = models.DecimalField(
        _("spending limit"),
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Expenses above it need a passed spending proposal; empty: no limit."),
    )

    consent_days = models.PositiveSmallIntegerField(
        _("days an entry waits for consent"),
        default=14,
        help_text=_(
            "An entry naming another member waits this long for them to confirm, then lapses."
        ),
    )

    buy_in = models.DecimalField(
        _("buy-in deposit"),
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_(
            "A refundable deposit each new member pays when admitted, held apart from their "
            "balance and returned when they leave; empty: none."
        ),
    )
    owing_limit = models.DecimalField(
        _("owing limit"),
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_(
            "A member owing more than this is reminded and reserves no more than their standing "
            "share until they settle; empty: no limit."
        ),
    )

    class Admission(models.TextChoices):
        INVITE = "invite", _("an invitation from any member")
        VOTE = "vote", _("a vote of the members")

    admission_mode = models.CharField(
        _("admission"), max_length=10, choices=Admission.choices, default=Admission.INVITE
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(target_quantity__gt=0), name="coop_target_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(producers_per_batch__gt=0), name="coop_producers_per_batch_positive"
            ),
            models.CheckConstraint(
                condition=Q(commercial_unit_price__gte=0),
                name="coop_commercial_unit_price_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(diy_minutes_per_unit__gte=0), name="coop_diy_minutes_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def buy_in_minor(self) -> int:
        """The deposit its buy-in rule asks of a newcomer, in minor units; 0 when none."""
        return to_minor(self.buy_in, self.currency) if self.buy_in else 0

    @property
    def is_service(self) -> bool:
        """A service co-op speaks of sessions, bookings and mechanics, not batches."""
        return self.kind == self.Kind.SERVICE

    @property
    def words(self) -> Vocabulary:
        """Its words for batches and shares, for a template: ``{{ coop.words.batches }}``."""
        return words(self)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def unit_for(self, count: int) -> str:
        """The unit for ``count`` of it: "quart" for 1, "quarts" for 0 or 24."""
        return count_noun(count, self.unit, self.unit_plural)

    def units(self, count: int) -> str:
        """``count`` with its unit, as a member reads it: "1 quart", "24 quarts"."""
        return f"{format_count(count)} {self.unit_for(count)}"


class Membership(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        ACTIVE = "active", _("active")
        PAUSED = "paused", _("paused")
        LEFT = "left", _("left")

    coop = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    joined_on = models.DateField(help_text=_("The co-op's local date."))
    # Set when the members remove this person by vote, cleared when they admit them again:
    # until then an invitation makes them an applicant, whatever the admission rule.
    removed_at = models.DateTimeField(null=True, blank=True)
    # The deposit the co-op's buy-in rule asked of them when they were admitted, in minor units
    # of its currency: a later change of the rule asks nothing more of members already in.
    buy_in_minor = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["coop", "user"], name="membership_one_per_coop"),
        ]
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.coop}"


class Invitation(models.Model):
    """A single-use link any active member can make to bring a neighbour in."""

    coop = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="invitations")
    code = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)


class AuditEvent(models.Model):
    """Who changed what in a co-op, written in the same transaction as the change."""

    coop = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="audit_events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=64)
    data = models.JSONField(default=dict)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["coop", "-at"])]
