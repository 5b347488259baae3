"""Export a whole co-op as one versioned JSON document, and import it into any fourfold database.

The document is plain JSON: dates and times in ISO 8601 (times in UTC), decimals and money as
strings ("12.50"), people by username, batches by their date, ledger accounts by a key
(``member:dee``, ``pool``, ``cost:ingredients``), and transactions and proposals by ids local to
the document, numbered from 1 in the order they were made. It holds no database id, no password
hash and no token, so it restores anywhere; keys are sorted by the writer and every list has a
fixed order, so exporting what was imported gives the same document.

Left out on purpose: invitations (single-use secrets), calendar feed tokens, idempotency keys
(retries of requests long answered) and the audit trail (its entries hold database ids). An
import records one audit event of its own.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from fourfold.accounts.models import User
from fourfold.ledger.models import Account

FORMAT = "fourfold-coop"
VERSION = 1

# What each record carries, by model field name; a user field holds a username.
COOP_FIELDS = (
    "slug",
    "name",
    "product",
    "unit",
    "unit_plural",
    "cadence",
    "timezone",
    "target_quantity",
    "producers_per_batch",
    "currency",
    "commercial_unit_price",
    "diy_minutes_per_unit",
    "founded_by",
    "founded_at",
    "lock_window_days",
    "reservation_cutoff_hours",
    "pickup_days",
    "general_cost_mode",
    "quorum_percent",
    "threshold",
    "voting_days",
    "spending_limit",
    "admission_mode",
)
PERSON_FIELDS = ("username", "email", "first_name", "last_name")
MEMBERSHIP_FIELDS = ("user", "status", "joined_on", "removed_at")
SHARE_FIELDS = ("member", "units", "paused", "updated_at")
UNAVAILABILITY_FIELDS = ("member", "start", "end", "note", "created_at")
BATCH_FIELDS = (
    "date",
    "planned_quantity",
    "made_quantity",
    "hours_spent",
    "status",
    "missed_reason",
    "recorded_by",
    "recorded_at",
)
SHIFT_FIELDS = ("slot", "member", "done")
SWAP_FIELDS = ("offered_by", "offered_at", "status", "taken_by", "closed_at")
RESERVATION_FIELDS = ("member", "units", "updated_at")
ALLOCATION_FIELDS = ("member", "requested", "units", "extra_units", "collected_at")
TRANSACTION_FIELDS = (
    "kind",
    "category",
    "payer",
    "payee",
    "supplier",
    "description",
    "occurred_on",
    "entered_by",
    "entered_at",
)
PROPOSAL_FIELDS = (
    "kind",
    "title",
    "body",
    "change",
    "options",
    "subject",
    "amount",
    "opened_by",
    "opened_at",
    "closes_at",
    "status",
    "closed_at",
    "outcome",
    "result",
)
VOTE_FIELDS = ("member", "position", "ranking", "reason", "cast_at")
PROXY_FIELDS = ("giver", "holder", "until", "created_at", "revoked_at")
FACILITATOR_FIELDS = ("month", "member")


# --- Values -------------------------------------------------------------------------------


def is_user_field(field: models.Field) -> bool:
    return bool(field.many_to_one) and field.related_model is User


def column(model: type[models.Model], name: str) -> models.Field:
    """The model's field ``name``; the documents name columns only, never a reverse relation."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return field


def places(field: models.DecimalField) -> Decimal:
    return Decimal(1).scaleb(-field.decimal_places)


def account_key(account: Account, people: dict[int, str]) -> str:
    if account.kind == Account.Kind.MEMBER and account.user_id is not None:
        return f"member:{people[account.user_id]}"
    if account.kind == Account.Kind.COST:
        return f"cost:{account.category}"
    return account.kind


# --- Export -------------------------------------------------------------------------------


# --- Import -------------------------------------------------------------------------------
