"""Export a whole co-op as one versioned JSON document, and import it into any fourfold database.

The document is plain JSON: dates and times in ISO 8601 (times in UTC), decimals and money as
strings ("12.50"), people by username, batches by their date, ledger accounts by a key
(``member:dee``, ``equity:dee`` for a deposit, ``pool``, ``cost:ingredients``), and transactions
and proposals by ids local to the document, numbered from 1 in the order they were made. It holds
no database id, no password hash and no token, so it restores anywhere; keys are sorted by the
writer and every list has a fixed order, so exporting what was imported gives the same document.

Version 2 adds what an entry waiting for consent carries (its held legs, whom it asks, their
answers and how it ended), the co-op's ``consent_days``, the activity and the receipts. An
activity row's data names what it is about by the document's references instead of database
ids (see ``AUDIT_REFERENCES``); a reference to something the document does not hold (an
invitation) is written as null. A receipt carries its bytes in base64, or null if its file was
missing from storage; a co-op whose receipts add up to more than ``MAX_RECEIPT_EXPORT_BYTES``
is not exported (the document is read whole into memory on both ends). A version 1 document
still imports: what it lacks is "posted, asking nobody", no activity and no receipts.
A proposal to reverse an entry (kind ``reversal``) names the entry in its ``change``, and once
passed the reversal it posted in its ``result``, by their ids in the document too.
Version 3 adds the batch charge: a made batch's costs move through the ``charging`` account, each
cost allocation names its ``batch_charge`` and what each member carries of it (``shares``, by
username), and the batch charge moves the sum to the members. Versions 1 and 2 still import.

Left out on purpose: invitations (single-use secrets), calendar feed tokens and idempotency
keys (retries of requests long answered). An import records one audit event of its own
(``coop.imported``); it belongs to the database that imported, so an export leaves such events
out and exporting what was imported gives the same document.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from fourfold.accounts.models import User
from fourfold.ledger.models import Account

FORMAT = "fourfold-coop"
VERSION = 3
# Every version this fourfold reads.
READABLE = (1, 2, 3)
MAX_RECEIPT_EXPORT_BYTES = 200 * 1024 * 1024
IMPORTED_ACTION = "coop.imported"

# What each record carries, by model field name; a user field holds a username.
COOP_FIELDS = (
    "slug",
    "name",
    "product",
    "kind",
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
    "buy_in",
    "owing_limit",
    "admission_mode",
    "consent_days",
)
PERSON_FIELDS = ("username", "email", "first_name", "last_name")
MEMBERSHIP_FIELDS = ("user", "status", "joined_on", "removed_at", "buy_in_minor")
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
    "awaits_consent",
    "lapses_at",
    "declared",
    "declaration",
)
ASK_FIELDS = ("member", "role")
RECURRING_FIELDS = (
    "kind",
    "category",
    "description",
    "supplier",
    "payer",
    "cadence",
    "starts",
    "ends",
    "declared",
    "created_by",
    "created_at",
    "ended_at",
    "ended_by",
    "last_period",
)
ANSWER_FIELDS = ("member", "answer", "reason", "at")
OUTCOME_FIELDS = ("outcome", "by", "reason", "at")
RECEIPT_FIELDS = ("content_type", "size", "name", "uploaded_by", "uploaded_at")
AUDIT_FIELDS = ("at", "actor", "action")
# The keys of an activity row's data that hold a database id, and what the document names it
# by instead: a transaction, proposal or receipt by its number in the document, a batch by its
# date, a shift by "date/slot", a period away by its place in ``unavailability`` (from 1), a
# person by username; None: not in the document, written as null. ``months`` maps each month
# to a person.
AUDIT_REFERENCES = {
    "transaction": "transaction",
    "reverses": "transaction",
    "proposal": "proposal",
    "receipt": "receipt",
    "batch": "batch",
    "shift": "shift",
    "period": "unavailability",
    "member": "person",
    "holder": "person",
    "from_member": "person",
    "invitation": None,
}
AUDIT_PERSON_MAPS = ("months",)
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
    if account.kind in (Account.Kind.MEMBER, Account.Kind.EQUITY) and account.user_id is not None:
        return f"{account.kind}:{people[account.user_id]}"
    if account.kind == Account.Kind.COST:
        return f"cost:{account.category}"
    return account.kind
