"""A double-entry, append-only ledger per co-op.

Money is stored as whole minor units of the co-op's currency (cents) in integer columns: exact
on every database (SQLite would otherwise keep decimals as binary floats) and summed exactly.

Sign convention: a leg's amount is positive for a debit and negative for a credit, and the legs
of every transaction sum to exactly zero. A member's account is the co-op's debt to the member
(credit-normal): their balance is minus the sum of their legs. The pool and the cost accounts are
debit-normal. Hence sum(member balances) = pool + costs not yet allocated, always.

A made batch charges its consumers once, however many costs it carries: each cost's allocation
moves its cost account into the co-op's charging account and records how it falls on the members
(``shares``); one batch charge then moves the charging account, back to zero, into the members'
accounts, a leg per member. Hundreds of members times dozens of costs would otherwise be as many
legs, each checked against its transaction and account at commit.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fourfold.coops.models import Cooperative
from fourfold.lib.money import from_minor


class AppendOnlyError(RuntimeError):
    """Posted money is never edited or deleted; a correction is a reversal."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only; post a reversal")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only; post a reversal")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only; post a reversal")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only; post a reversal")


class Category(models.TextChoices):
    INGREDIENTS = "ingredients", _("ingredients")
    SUPPLIES = "supplies", _("supplies")
    EQUIPMENT = "equipment", _("equipment")
    SPACE = "space", _("space")
    OTHER = "other", _("other")


class Account(models.Model):
    class Kind(models.TextChoices):
        MEMBER = "member", _("member")
        POOL = "pool", _("pool")
        COST = "cost", _("cost not yet allocated")
        # A member's buy-in deposit: their money the co-op holds (in the pool's cash) and owes
        # back when they leave, kept apart from their running balance.
        EQUITY = "equity", _("member's deposit")
        # Where a made batch's costs meet before its one charge to the members: back at zero
        # at the end of every posting.
        CHARGING = "charging", _("costs being charged")

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="accounts")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_accounts",
    )
    category = models.CharField(max_length=20, choices=Category.choices, blank=True)
    # The running sum of this account's legs, moved in the same database transaction as every
    # leg posted to it (an atomic UPDATE … SET total = total + x), so reading every balance costs
    # one short query however long the ledger grows. Tests check it against the legs.
    total_minor = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "user"],
                condition=Q(kind="member"),
                name="ledger_one_account_per_member",
            ),
            models.UniqueConstraint(
                fields=["coop", "user"],
                condition=Q(kind="equity"),
                name="ledger_one_deposit_per_member",
            ),
            models.UniqueConstraint(
                fields=["coop"], condition=Q(kind="pool"), name="ledger_one_pool_per_coop"
            ),
            models.UniqueConstraint(
                fields=["coop"],
                condition=Q(kind="charging"),
                name="ledger_one_charging_account_per_coop",
            ),
            models.UniqueConstraint(
                fields=["coop", "category"],
                condition=Q(kind="cost"),
                name="ledger_one_cost_account_per_category",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind__in=["member", "equity"], user__isnull=False, category="")
                    | Q(kind__in=["pool", "charging"], user__isnull=True, category="")
                    | (Q(kind="cost", user__isnull=True) & ~Q(category=""))
                ),
                name="ledger_account_kind_fields",
            ),
        ]

    @property
    def total(self) -> Decimal:
        return from_minor(self.total_minor, self.coop.currency)


class TransactionQuerySet(AppendOnlyQuerySet):
    def posted(self) -> TransactionQuerySet:
        """Entries whose money moved: those that waited for nobody, and those confirmed.
        Pending, declined and lapsed entries count in no balance and no figure."""
        return self.filter(Q(awaits_consent=False) | Q(outcome__outcome="posted"))

    def pending(self) -> TransactionQuerySet:
        return self.filter(awaits_consent=True, outcome__isnull=True)


TransactionManager = models.Manager.from_queryset(TransactionQuerySet)


class Transaction(AppendOnlyModel):
    class Kind(models.TextChoices):
        CONTRIBUTION = "contribution", _("contribution")
        EXPENSE = "expense", _("expense")
        TRANSFER = "transfer", _("transfer")
        COST_ALLOCATION = "cost_allocation", _("cost allocation")
        REVERSAL = "reversal", _("reversal")
        REVERSAL_REQUEST = "reversal_request", _("request to reverse")
        DEPOSIT = "deposit", _("buy-in deposit")
        DEPOSIT_RETURN = "deposit_return", _("deposit returned")
        BATCH_CHARGE = "batch_charge", _("batch charge")

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="transactions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    amount_minor = models.BigIntegerField()
    category = models.CharField(max_length=20, choices=Category.choices, blank=True)
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty on an expense paid from the pool."),
    )
    payee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    supplier = models.CharField(max_length=120, blank=True)
    description = models.CharField(max_length=500, blank=True)
    occurred_on = models.DateField(help_text=_("The co-op's local date."))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField()
    # A reversal points at what it undoes; unique, so nothing is ever reversed twice.
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    # The batch a cost is for (an expense) or charged to (an allocation), if any.
    batch = models.ForeignKey(
        "production.Batch", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A cost allocation points at the expense whose cost it splits.
    allocates = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="allocations"
    )
    # A cost allocation charged within a batch's charge points at it, and keeps what each
    # member carries of it as [[user id, minor units], ...]: its own legs only move the cost
    # into the charging account.
    batch_charge = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="costs"
    )
    shares = models.JSONField(null=True, blank=True)
    # An expense above the spending limit names the passed spending proposal it draws on; the
    # expenses drawing on one proposal never add up to more than it approved.
    approval = models.ForeignKey(
        "governance.Proposal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="expenses",
    )

    # An entry that moves the money of a member other than the one entering it (or the pool's)
    # waits for their consent: its legs are held apart (PendingLeg) and move no balance until
    # everyone asked has confirmed. Fixed when entered, like everything else here.
    awaits_consent = models.BooleanField(default=False)
    lapses_at = models.DateTimeField(null=True, blank=True)
    # A request to reverse someone else's entry: a reversal is posted once they consent.
    reversal_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversal_requests"
    )
    # A member's written statement that an entry whose words were challenged keeps a
    # principle ("this is not paid labour"): shown in the activity and the ledger.
    declared = models.CharField(max_length=30, blank=True)
    declaration = models.CharField(max_length=500, blank=True)

    objects: ClassVar[TransactionManager] = TransactionManager()

    class Meta:
        indexes = [
            models.Index(fields=["coop", "-occurred_on", "-id"]),
            models.Index(fields=["coop", "kind"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="ledger_amount_positive"),
        ]

    @property
    def amount(self) -> Decimal:
        return from_minor(self.amount_minor, self.coop.currency)


class Spread(AppendOnlyModel):
    """An expense charged a part at a time, one part per batch made, instead of at once: a
    stand bought for a year is paid for by the year's consumers. Its cost waits in the cost
    account of its category; the parts allocated so far are its live allocations."""

    class Over(models.TextChoices):
        BATCHES = "batches", _("batches")
        MONTHS = "months", _("months")

    MIN_COUNT = 2
    MAX_COUNT = 260

    expense = models.OneToOneField(Transaction, on_delete=models.PROTECT, related_name="spread")
    over = models.CharField(max_length=10, choices=Over.choices)
    count = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(count__gte=2, count__lte=260), name="ledger_spread_count_range"
            ),
        ]


class SpreadEnd(AppendOnlyModel):
    """The members ended a spread early (a passed ``spread_end`` proposal): what it had not
    charged yet goes whole to the next batch made, or is written off equally among the active
    members at once."""

    class Rest(models.TextChoices):
        NEXT_BATCH = "next_batch", _("to the next batch made")
        WRITE_OFF = "write_off", _("written off equally")

    spread = models.OneToOneField(Spread, on_delete=models.PROTECT, related_name="ending")
    rest = models.CharField(max_length=12, choices=Rest.choices)
    ended_on = models.DateField(help_text=_("The co-op's local date."))
    proposal_id = models.PositiveIntegerField(null=True, blank=True)


class Leg(AppendOnlyModel):
    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="legs")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="legs")
    amount_minor = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["account", "transaction"])]


class PendingLeg(AppendOnlyModel):
    """A leg of an entry still waiting for consent: posted as a ``Leg`` when it is confirmed,
    never if it is declined or lapses."""

    transaction = models.ForeignKey(
        Transaction, on_delete=models.PROTECT, related_name="pending_legs"
    )
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    amount_minor = models.BigIntegerField()


class ConsentAsk(AppendOnlyModel):
    """Someone whose say an entry waits for. ``member`` empty: any active member other than
    the one who entered it (the pool's second pair of eyes)."""

    class Role(models.TextChoices):
        PAYER = "payer", _("named as paying")
        PAYEE = "payee", _("named as receiving")
        POOL = "pool", _("a second member, for the pool")
        AUTHOR = "author", _("entered the entry to reverse")
        NAMED = "named", _("named in the entry to reverse")

    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="asks")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    role = models.CharField(max_length=10, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["transaction", "member"], name="ledger_one_ask_per_member"
            ),
        ]


class ConsentAnswer(AppendOnlyModel):
    class Answer(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        DECLINED = "declined", _("declined")

    ask = models.OneToOneField(ConsentAsk, on_delete=models.PROTECT, related_name="answer")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(max_length=10, choices=Answer.choices)
    reason = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField()


class EntryOutcome(AppendOnlyModel):
    """How an entry that waited for consent ended: posted, declined or lapsed. One per entry
    (the unique key settles a confirm and a decline racing: one of them wins)."""

    class Outcome(models.TextChoices):
        POSTED = "posted", _("posted")
        DECLINED = "declined", _("declined")
        LAPSED = "lapsed", _("lapsed")

    transaction = models.OneToOneField(
        Transaction, on_delete=models.PROTECT, related_name="outcome"
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField()
    # A reversal request's outcome names the reversal it posted.
    posted = models.ForeignKey(
        Transaction, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )


class IdempotencyKey(models.Model):
    """One ``Idempotency-Key`` per co-op; a retry with the same key gets the same transaction."""

    coop = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["coop", "key"], name="ledger_idempotency_key_unique"),
        ]


class Receipt(models.Model):
    """A photo or PDF of what an expense bought, kept in the default storage under a random
    name; its type is read from its bytes, never from its name."""

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="receipts")
    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="receipts")
    file = models.FileField(upload_to="receipts")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField(help_text=_("Bytes stored."))
    name = models.CharField(max_length=120, help_text=_("The uploaded file's name, made safe."))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["coop", "transaction"])]


class RecurringCost(models.Model):
    """A cost that comes back (rent, insurance): each period fourfold enters it as an expense
    for its payer to confirm, as if the member who set it up had entered it then. Or a
    member's own monthly pay-in (``contribution``): their money into the pool each period."""

    class Kind(models.TextChoices):
        EXPENSE = "expense", _("regular cost")
        CONTRIBUTION = "contribution", _("regular pay-in")

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="recurring_costs")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.EXPENSE)
    amount_minor = models.BigIntegerField()
    # A pay-in has none: it is no cost.
    category = models.CharField(max_length=20, choices=Category.choices, blank=True)
    description = models.CharField(max_length=500, blank=True)
    supplier = models.CharField(max_length=120, blank=True)
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the pool pays."),
    )
    cadence = models.CharField(max_length=200, help_text=_("An RRULE, normalised."))
    starts = models.DateField()
    ends = models.DateField(null=True, blank=True)
    # The principle its words were declared to keep when it was set up: every period's entry
    # carries the same declaration rather than asking again each month.
    declared = models.CharField(max_length=30, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Ended by the members (a passed ``recurring_end``): that proposal, as ``SpreadEnd`` names it.
    ended_by_proposal = models.PositiveIntegerField(null=True, blank=True)
    last_period = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["coop", "ended_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_minor__gt=0), name="ledger_recurring_amount_positive"
            ),
        ]

    @property
    def amount(self) -> Decimal:
        return from_minor(self.amount_minor, self.coop.currency)


class RecurringPeriod(models.Model):
    """The entry made for one period of a recurring cost; unique, so however often the round
    runs, at once or again, a period is entered once."""

    recurring = models.ForeignKey(RecurringCost, on_delete=models.PROTECT, related_name="periods")
    period = models.DateField()
    transaction = models.OneToOneField(Transaction, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recurring", "period"], name="ledger_one_entry_per_recurring_period"
            ),
        ]
