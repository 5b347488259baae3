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

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fourfold.accounts.models import User
from fourfold.accounts.services import RESERVED_USERNAMES
from fourfold.consumption.models import Allocation, Reservation, StandingShare
from fourfold.coops.audit import audit_record
from fourfold.coops.models import Cooperative, Membership
from fourfold.coops.services import CoopFields, coop_validate
from fourfold.errors import Conflict, Invalid, PrincipleViolation
from fourfold.governance.models import FacilitatorDuty, Proposal, Proxy, Vote
from fourfold.ledger.models import Account, Category, Leg, Transaction
from fourfold.ledger.principles import entry_principles_check
from fourfold.lib.money import decimal_from_text, from_minor, to_minor
from fourfold.production.models import Batch, Shift, Swap, Unavailability

FORMAT = "fourfold-coop"
VERSION = 1
# The export nests six levels at most (a proposal's result); far deeper is not an export, and
# would exhaust the stack of whatever walks it next.
MAX_DEPTH = 32

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


def _is_user(field: models.Field) -> bool:
    return bool(field.many_to_one) and field.related_model is User


def _places(field: models.DecimalField) -> Decimal:
    return Decimal(1).scaleb(-field.decimal_places)


def _dump(instance: models.Model, names: Iterable[str], people: dict[int, str]) -> dict:
    row: dict[str, Any] = {}
    for name in names:
        field = instance._meta.get_field(name)
        if _is_user(field):
            user_id = getattr(instance, field.attname)
            row[name] = None if user_id is None else people[user_id]
            continue
        value = getattr(instance, name)
        if value is None:
            row[name] = None
        elif isinstance(field, models.DateTimeField):
            row[name] = value.astimezone(dt.UTC).isoformat()
        elif isinstance(field, models.DateField):
            row[name] = value.isoformat()
        elif isinstance(field, models.DecimalField):
            row[name] = str(value.quantize(_places(field)))
        else:
            row[name] = value
    return row


def _refused(where: str, why: str) -> Invalid:
    return Invalid(
        _("This file cannot be imported: %(where)s: %(why)s") % {"where": where, "why": why}
    )


def _scan(data: Any) -> None:
    """Refuse, before anything is read, what no database keeps the same: text with a NUL
    character (PostgreSQL refuses it, SQLite would keep it), and nesting no export has."""
    stack: list[tuple[Any, str, int]] = [(data, _("the file"), 1)]
    while stack:
        value, where, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise _refused(where, _("nested deeper than %(n)d levels") % {"n": MAX_DEPTH})
        if isinstance(value, str):
            if "\x00" in value:
                raise _refused(where, _("text may not contain NUL characters"))
        elif isinstance(value, dict):
            for key, item in value.items():
                if "\x00" in key:
                    raise _refused(where, _("text may not contain NUL characters"))
                stack.append((item, f"{where}.{key}" if depth > 1 else key, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, f"{where}[{i}]", depth + 1) for i, item in enumerate(value))


def _object(raw: Any, where: str) -> dict:
    if not isinstance(raw, dict):
        raise _refused(where, _("expected an object"))
    return raw


def _list(raw: Any, where: str) -> list:
    if not isinstance(raw, list):
        raise _refused(where, _("expected a list"))
    return raw


def _text(raw: Any, where: str) -> str:
    if not isinstance(raw, str):
        raise _refused(where, _("expected a string"))
    return raw


def _value(field: models.Field, raw: Any, people: dict[str, User], where: str) -> Any:
    """One field's value from the document, checked against the model field."""
    if raw is None:
        if field.null:
            return None
        raise _refused(where, _("must not be empty"))
    if _is_user(field):
        user = people.get(raw) if isinstance(raw, str) else None
        if user is None:
            raise _refused(where, _("%(name)r is not listed among the people") % {"name": raw})
        return user
    try:
        if isinstance(field, models.DateTimeField):
            value = dt.datetime.fromisoformat(_text(raw, where))
            if value.tzinfo is None:
                raise _refused(where, _("a time needs its UTC offset"))
            return value
        if isinstance(field, models.DateField):
            return dt.date.fromisoformat(_text(raw, where))
        if isinstance(field, models.DecimalField):
            number = Decimal(_text(raw, where))
            if not number.is_finite() or number != number.quantize(_places(field)):
                raise _refused(where, _("%(value)r is not a decimal we can keep") % {"value": raw})
            return number
    except (ValueError, InvalidOperation) as error:
        raise _refused(where, _("%(value)r cannot be read") % {"value": raw}) from error
    if isinstance(field, models.BooleanField):
        if not isinstance(raw, bool):
            raise _refused(where, _("expected true or false"))
        return raw
    if isinstance(field, models.IntegerField):
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise _refused(where, _("expected a whole number"))
        return raw
    if isinstance(field, models.JSONField):
        return raw
    value = _text(raw, where)
    if field.max_length is not None and len(value) > field.max_length:
        raise _refused(where, _("longer than %(n)d characters") % {"n": field.max_length})
    choices = {str(key) for key, _label in field.flatchoices}
    if choices and value not in choices and not (field.blank and value == ""):
        raise _refused(where, _("%(value)r is not one of the choices") % {"value": value})
    return value


def _load(
    model: type[models.Model],
    raw: Any,
    names: Iterable[str],
    people: dict[str, User],
    where: str,
) -> dict[str, Any]:
    """The model field values of one record; a field the document leaves out keeps the
    model's default where it has one."""
    raw = _object(raw, where)
    values: dict[str, Any] = {}
    for name in names:
        field = model._meta.get_field(name)
        if name not in raw:
            if field.has_default() or field.null:
                continue
            raise _refused(where, _("%(field)s is missing") % {"field": name})
        values[name] = _value(field, raw[name], people, f"{where}.{name}")
    return values


def _money(raw: Any, currency: str, where: str) -> int:
    """An amount in minor units, exactly: "12.50" is 1250 cents, "12.505" is refused."""
    try:
        # The one parse of a decimal: no "5_000", no "1e1".
        return to_minor(decimal_from_text(_text(raw, where)), currency)
    except (ValueError, InvalidOperation) as error:
        raise _refused(
            where,
            _("%(value)r is not an amount in %(currency)s") % {"value": raw, "currency": currency},
        ) from error


def _account_key(account: Account, people: dict[int, str]) -> str:
    if account.kind == Account.Kind.MEMBER:
        return f"member:{people[account.user_id]}"
    if account.kind == Account.Kind.COST:
        return f"cost:{account.category}"
    return account.kind


def _account_fields(key: Any, people: dict[str, User], where: str) -> dict[str, Any]:
    kind, _colon, rest = _text(key, where).partition(":")
    if key == Account.Kind.POOL:
        return {"kind": Account.Kind.POOL, "user": None, "category": ""}
    if kind == Account.Kind.MEMBER and rest in people:
        return {"kind": Account.Kind.MEMBER, "user": people[rest], "category": ""}
    if kind == Account.Kind.COST and rest in Category.values:
        return {"kind": Account.Kind.COST, "user": None, "category": rest}
    raise _refused(where, _("%(key)r is not a ledger account") % {"key": key})


# --- Export -------------------------------------------------------------------------------


def export_coop(coop: Cooperative) -> dict[str, Any]:
    """The whole co-op as a JSON-ready dict: rules, people, members, shares, days away,
    batches with their shifts, swaps, reservations and allocations, the ledger, proposals with
    their votes, proxies and facilitator duties. The same co-op always gives the same dict."""
    outer = connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and not outer:
            # One snapshot for every query, whatever is written meanwhile. (On SQLite the
            # transaction itself keeps writers out until the export is read.)
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        return _export(coop)


def _export(coop: Cooperative) -> dict[str, Any]:
    coop = Cooperative.objects.get(pk=coop.pk)
    memberships = list(Membership.objects.filter(coop=coop))
    shares = list(StandingShare.objects.filter(coop=coop))
    away = list(Unavailability.objects.filter(coop=coop).order_by("pk"))
    batches = list(Batch.objects.filter(coop=coop).order_by("date"))
    shifts = list(Shift.objects.filter(batch__coop=coop).order_by("batch__date", "slot"))
    swaps = list(Swap.objects.filter(shift__batch__coop=coop).order_by("pk"))
    reservations = list(Reservation.objects.filter(batch__coop=coop))
    allocations = list(Allocation.objects.filter(batch__coop=coop))
    accounts = list(Account.objects.filter(coop=coop))
    transactions = list(Transaction.objects.filter(coop=coop).order_by("pk"))
    legs = list(Leg.objects.filter(transaction__coop=coop).order_by("pk"))
    proposals = list(Proposal.objects.filter(coop=coop).order_by("pk"))
    votes = list(Vote.objects.filter(proposal__coop=coop))
    proxies = list(Proxy.objects.filter(coop=coop).order_by("pk"))
    duties = list(FacilitatorDuty.objects.filter(coop=coop).order_by("month"))

    everything: list[models.Model] = [
        coop,
        *memberships,
        *shares,
        *away,
        *batches,
        *shifts,
        *swaps,
        *reservations,
        *allocations,
        *accounts,
        *transactions,
        *proposals,
        *votes,
        *proxies,
        *duties,
    ]
    user_ids = {
        getattr(instance, field.attname)
        for instance in everything
        for field in instance._meta.concrete_fields
        if _is_user(field)
    } - {None}
    users = list(User.objects.filter(pk__in=user_ids).order_by("username"))
    people = {user.pk: user.username for user in users}

    def dump(instance: models.Model, names: Iterable[str]) -> dict:
        return _dump(instance, names, people)

    def by(key: str, rows: Iterable[dict]) -> list[dict]:
        return sorted(rows, key=lambda row: row[key])

    swaps_of: dict[int, list[dict]] = defaultdict(list)
    for swap in swaps:
        swaps_of[swap.shift_id].append(dump(swap, SWAP_FIELDS))
    shifts_of: dict[int, list[dict]] = defaultdict(list)
    for shift in shifts:
        shifts_of[shift.batch_id].append({**dump(shift, SHIFT_FIELDS), "swaps": swaps_of[shift.pk]})
    reservations_of: dict[int, list[dict]] = defaultdict(list)
    for reservation in reservations:
        reservations_of[reservation.batch_id].append(dump(reservation, RESERVATION_FIELDS))
    allocations_of: dict[int, list[dict]] = defaultdict(list)
    for allocation in allocations:
        allocations_of[allocation.batch_id].append(dump(allocation, ALLOCATION_FIELDS))

    currency = coop.currency

    def money(minor: int) -> str:
        return str(from_minor(minor, currency))

    account_keys = {account.pk: _account_key(account, people) for account in accounts}
    batch_days = {batch.pk: batch.date.isoformat() for batch in batches}
    transaction_ids = {posted.pk: number for number, posted in enumerate(transactions, 1)}
    legs_of: dict[int, list[dict]] = defaultdict(list)
    for leg in legs:
        legs_of[leg.transaction_id].append(
            {"account": account_keys[leg.account_id], "amount": money(leg.amount_minor)}
        )
    proposal_ids = {proposal.pk: number for number, proposal in enumerate(proposals, 1)}
    votes_of: dict[int, list[dict]] = defaultdict(list)
    for vote in votes:
        votes_of[vote.proposal_id].append(dump(vote, VOTE_FIELDS))

    def local(ids: dict[int, int], pk: int | None) -> int | None:
        return None if pk is None else ids[pk]

    return {
        "format": FORMAT,
        "version": VERSION,
        "coop": dump(coop, COOP_FIELDS),
        "people": [{name: getattr(user, name) for name in PERSON_FIELDS} for user in users],
        "memberships": by("user", (dump(m, MEMBERSHIP_FIELDS) for m in memberships)),
        "shares": by("member", (dump(share, SHARE_FIELDS) for share in shares)),
        "unavailability": [dump(period, UNAVAILABILITY_FIELDS) for period in away],
        "batches": [
            {
                **dump(batch, BATCH_FIELDS),
                "shifts": shifts_of[batch.pk],
                "reservations": by("member", reservations_of[batch.pk]),
                "allocations": by("member", allocations_of[batch.pk]),
            }
            for batch in batches
        ],
        "ledger": {
            "accounts": by(
                "account",
                ({"account": account_keys[a.pk], "total": money(a.total_minor)} for a in accounts),
            ),
            "transactions": [
                {
                    "id": transaction_ids[posted.pk],
                    **dump(posted, TRANSACTION_FIELDS),
                    "amount": money(posted.amount_minor),
                    "batch": None if posted.batch_id is None else batch_days[posted.batch_id],
                    "reverses": local(transaction_ids, posted.reverses_id),
                    "allocates": local(transaction_ids, posted.allocates_id),
                    "approval": local(proposal_ids, posted.approval_id),
                    "legs": legs_of[posted.pk],
                }
                for posted in transactions
            ],
        },
        "proposals": [
            {
                "id": proposal_ids[proposal.pk],
                **dump(proposal, PROPOSAL_FIELDS),
                "votes": by("member", votes_of[proposal.pk]),
            }
            for proposal in proposals
        ],
        "proxies": [
            {**dump(proxy, PROXY_FIELDS), "proposal": local(proposal_ids, proxy.proposal_id)}
            for proxy in proxies
        ],
        "facilitators": [dump(duty, FACILITATOR_FIELDS) for duty in duties],
    }


# --- Import -------------------------------------------------------------------------------


def import_coop(data: Any, *, slug: str | None = None) -> Cooperative:
    """Restore an exported co-op, under ``slug`` if given (else the exported one). All or
    nothing: a refused file leaves the database as it was.

    People are matched by username; a username the database does not know becomes a new user
    with the exported e-mail and no usable password (they reset it by e-mail). Raises
    ``Conflict`` if the short name is taken and ``Invalid`` for a file it cannot read."""
    data = _object(data, _("the file"))
    _scan(data)
    if data.get("format") != FORMAT:
        raise Invalid(_("This file is not a fourfold co-op export."))
    version = data.get("version")
    if type(version) is not int or version != VERSION:
        raise Invalid(
            _(
                "This file is in version %(version)s of the export format; this fourfold reads "
                "version %(known)d."
            )
            % {"version": version, "known": VERSION}
        )
    if not connection.features.can_return_rows_from_bulk_insert:
        raise Invalid(_("Importing needs PostgreSQL or SQLite 3.35 or later."))
    try:
        with transaction.atomic():
            return _import(data, slug)
    except IntegrityError as error:
        # Two records the database holds unique (two batches on one day), or a slug taken by
        # an import running at the same moment.
        target = slug or _object(data.get("coop"), "coop").get("slug")
        if isinstance(target, str) and Cooperative.objects.filter(slug=target).exists():
            raise _taken(target) from error
        raise Invalid(
            _("This file cannot be imported: it breaks a rule of the data (%(reason)s).")
            % {"reason": error}
        ) from error


def _taken(slug: str) -> Conflict:
    return Conflict(
        _("A co-op with the short name %(slug)s exists; import it under another.") % {"slug": slug},
        field="slug",
    )


def _import(data: dict, slug: str | None) -> Cooperative:
    now = timezone.now()
    people = _people(_list(data.get("people"), "people"))
    coop = _coop(_object(data.get("coop"), "coop"), slug, people)

    def each(section: Any, where: str):
        for index, raw in enumerate(_list(section, where)):
            yield raw, f"{where}[{index}]"

    def load(model, raw, names, where):
        return _load(model, raw, names, people, where)

    Membership.objects.bulk_create(
        Membership(coop=coop, **load(Membership, raw, MEMBERSHIP_FIELDS, where))
        for raw, where in each(data.get("memberships"), "memberships")
    )
    StandingShare.objects.bulk_create(
        StandingShare(coop=coop, **load(StandingShare, raw, SHARE_FIELDS, where))
        for raw, where in each(data.get("shares"), "shares")
    )
    Unavailability.objects.bulk_create(
        Unavailability(coop=coop, **load(Unavailability, raw, UNAVAILABILITY_FIELDS, where))
        for raw, where in each(data.get("unavailability"), "unavailability")
    )

    batches: dict[str, Batch] = {}
    rows: list[tuple[Batch, dict, str]] = []
    for raw, where in each(data.get("batches"), "batches"):
        batch = Batch(coop=coop, **load(Batch, raw, BATCH_FIELDS, where))
        batches[batch.date.isoformat()] = batch
        rows.append((batch, raw, where))
    Batch.objects.bulk_create(batch for batch, _raw, _where in rows)
    shifts: list[tuple[Shift, dict, str]] = []
    reservations: list[Reservation] = []
    allocations: list[Allocation] = []
    for batch, raw, where in rows:
        for shift_raw, shift_where in each(raw.get("shifts", []), f"{where}.shifts"):
            shift = Shift(batch=batch, **load(Shift, shift_raw, SHIFT_FIELDS, shift_where))
            shifts.append((shift, shift_raw, shift_where))
        reservations += [
            Reservation(batch=batch, **load(Reservation, r, RESERVATION_FIELDS, w))
            for r, w in each(raw.get("reservations", []), f"{where}.reservations")
        ]
        allocations += [
            Allocation(batch=batch, **load(Allocation, a, ALLOCATION_FIELDS, w))
            for a, w in each(raw.get("allocations", []), f"{where}.allocations")
        ]
    Shift.objects.bulk_create(shift for shift, _raw, _where in shifts)
    Swap.objects.bulk_create(
        Swap(shift=shift, **load(Swap, swap, SWAP_FIELDS, swap_where))
        for shift, raw, where in shifts
        for swap, swap_where in each(raw.get("swaps", []), f"{where}.swaps")
    )
    Reservation.objects.bulk_create(reservations)
    Allocation.objects.bulk_create(allocations)

    proposals = _governance(coop, data, people)
    _ledger(coop, _object(data.get("ledger"), "ledger"), people, batches, proposals)
    audit_record(
        coop=coop,
        actor=None,
        action="coop.imported",
        at=now,
        format=FORMAT,
        version=VERSION,
        exported_slug=data["coop"].get("slug"),
    )
    return coop


def _people(rows: list) -> dict[str, User]:
    """Everyone the document names, found by username or created without a password."""
    people: dict[str, User] = {}
    for index, raw in enumerate(rows):
        where = f"people[{index}]"
        raw = _object(raw, where)
        username = _text(raw.get("username"), f"{where}.username")
        try:
            User.username_validator(username)
        except ValidationError as error:
            raise _refused(
                f"{where}.username", _("%(name)r is not a username") % {"name": username}
            ) from error
        if username.lower() in RESERVED_USERNAMES:
            # "pool" would read as the co-op's shared money wherever a payload names a side.
            raise _refused(
                f"{where}.username", _("%(name)r is a reserved name") % {"name": username}
            )
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            values = {
                name: _value(User._meta.get_field(name), raw.get(name, ""), {}, f"{where}.{name}")
                for name in PERSON_FIELDS
            }
            if User.objects.filter(email__iexact=values["email"]).exists():
                raise _refused(
                    where,
                    _("%(name)s is new here, and another account has the e-mail %(email)r")
                    % {"name": username, "email": values["email"]},
                )
            user = User(**values)
            user.set_unusable_password()
            user.save()
        people[username] = user
    return people


def _coop(raw: dict, slug: str | None, people: dict[str, User]) -> Cooperative:
    if isinstance(raw, dict) and "unit_plural" not in raw:
        raw = {**raw, "unit_plural": ""}  # written before units had a plural: guessed below
    values = _load(Cooperative, raw, COOP_FIELDS, people, "coop")
    if slug is not None:
        values["slug"] = slug
    try:
        clean = coop_validate(
            CoopFields(
                **{name: values[name] for name in CoopFields.__dataclass_fields__ if name in values}
            )
        )
    except Invalid as error:
        raise _refused(f"coop.{error.field}", error.detail) from error
    values["slug"] = clean.slug
    # A document from before units had a plural form: guessed, as at founding.
    values["unit_plural"] = clean.unit_plural
    if Cooperative.objects.filter(slug=clean.slug).exists():
        raise _taken(clean.slug)
    return Cooperative.objects.create(**values)


def _ledger(
    coop: Cooperative,
    ledger: dict,
    people: dict[str, User],
    batches: dict[str, Batch],
    proposals: dict[int, Proposal],
) -> None:
    """Transactions and legs as they were posted; each account's running total is the sum of
    its legs, checked against the total the document states."""
    currency = coop.currency
    accounts: dict[str, Account] = {}
    stated: dict[str, int] = {}
    for index, raw in enumerate(_list(ledger.get("accounts"), "ledger.accounts")):
        where = f"ledger.accounts[{index}]"
        raw = _object(raw, where)
        key = _text(raw.get("account"), f"{where}.account")
        accounts[key] = Account(coop=coop, **_account_fields(key, people, f"{where}.account"))
        stated[key] = _money(raw.get("total"), currency, f"{where}.total")

    postings: dict[int, Transaction] = {}
    legs: list[tuple[Transaction, str, int]] = []
    pending: list[Transaction] = []

    def flush() -> None:
        # A reversal or an allocation points at an earlier transaction: it must have its id.
        Transaction.objects.bulk_create(pending)
        pending.clear()

    for index, raw in enumerate(_list(ledger.get("transactions"), "ledger.transactions")):
        where = f"ledger.transactions[{index}]"
        raw = _object(raw, where)
        number = raw.get("id")
        if type(number) is not int or number in postings:
            raise _refused(f"{where}.id", _("expected a whole number not used before"))
        refs = {}
        for name in ("reverses", "allocates"):
            ref = raw.get(name)
            if ref is not None and ref not in postings:
                raise _refused(f"{where}.{name}", _("names no earlier transaction"))
            refs[name] = None if ref is None else postings[ref]
        if any(ref in pending for ref in refs.values() if ref is not None):
            flush()
        approval = raw.get("approval")
        if approval is not None and approval not in proposals:
            raise _refused(f"{where}.approval", _("names no proposal of this file"))
        day = raw.get("batch")
        if day is not None and day not in batches:
            raise _refused(f"{where}.batch", _("names no batch of this file"))
        amount = _money(raw.get("amount"), currency, f"{where}.amount")
        posted = Transaction(
            coop=coop,
            amount_minor=amount,
            batch=batches.get(day) if day is not None else None,
            approval=proposals.get(approval) if approval is not None else None,
            **refs,
            **_load(Transaction, raw, TRANSACTION_FIELDS, people, where),
        )
        try:
            entry_principles_check(
                coop=coop,
                kind=posted.kind,
                payer=posted.payer,
                payee=posted.payee,
                category=posted.category,
                supplier=posted.supplier,
                description=posted.description,
            )
        except PrincipleViolation as error:
            raise _refused(where, error.detail) from error
        total = debit = 0
        for leg_index, leg in enumerate(_list(raw.get("legs"), f"{where}.legs")):
            leg_where = f"{where}.legs[{leg_index}]"
            leg = _object(leg, leg_where)
            key = _text(leg.get("account"), f"{leg_where}.account")
            if key not in accounts:
                raise _refused(f"{leg_where}.account", _("not among ledger.accounts"))
            minor = _money(leg.get("amount"), currency, f"{leg_where}.amount")
            total += minor
            debit += max(minor, 0)
            legs.append((posted, key, minor))
        if total != 0 or debit != amount:
            raise _refused(where, _("its legs must sum to zero, and their debits to its amount"))
        postings[number] = posted
        pending.append(posted)
    flush()

    totals: dict[str, int] = defaultdict(int)
    for _posted, key, minor in legs:
        totals[key] += minor
    for key, account in accounts.items():
        if totals[key] != stated[key]:
            raise _refused(
                "ledger.accounts",
                _("the total of %(key)s is %(stated)s, and its legs sum to %(sum)s")
                % {
                    "key": key,
                    "stated": from_minor(stated[key], currency),
                    "sum": from_minor(totals[key], currency),
                },
            )
        account.total_minor = totals[key]
    # Legs are only ever inserted (never updated), so the append-only guard has no objection;
    # the running totals are written with the accounts, from the same legs.
    Account.objects.bulk_create(accounts.values())
    Leg.objects.bulk_create(
        (
            Leg(transaction=posted, account=accounts[key], amount_minor=minor)
            for posted, key, minor in legs
        ),
        batch_size=1000,
    )


def _governance(coop: Cooperative, data: dict, people: dict[str, User]) -> dict[int, Proposal]:
    proposals: dict[int, Proposal] = {}
    votes: list[Vote] = []
    for index, raw in enumerate(_list(data.get("proposals"), "proposals")):
        where = f"proposals[{index}]"
        raw = _object(raw, where)
        number = raw.get("id")
        if type(number) is not int or number in proposals:
            raise _refused(f"{where}.id", _("expected a whole number not used before"))
        proposal = Proposal(coop=coop, **_load(Proposal, raw, PROPOSAL_FIELDS, people, where))
        proposals[number] = proposal
        for vote_index, vote in enumerate(_list(raw.get("votes", []), f"{where}.votes")):
            vote_where = f"{where}.votes[{vote_index}]"
            votes.append(
                Vote(proposal=proposal, **_load(Vote, vote, VOTE_FIELDS, people, vote_where))
            )
    Proposal.objects.bulk_create(proposals.values())
    Vote.objects.bulk_create(votes)
    proxies = []
    for index, raw in enumerate(_list(data.get("proxies", []), "proxies")):
        where = f"proxies[{index}]"
        raw = _object(raw, where)
        number = raw.get("proposal")
        if number is not None and number not in proposals:
            raise _refused(f"{where}.proposal", _("names no proposal of this file"))
        proxies.append(
            Proxy(
                coop=coop,
                proposal=proposals.get(number) if number is not None else None,
                **_load(Proxy, raw, PROXY_FIELDS, people, where),
            )
        )
    Proxy.objects.bulk_create(proxies)
    FacilitatorDuty.objects.bulk_create(
        FacilitatorDuty(coop=coop, **_load(FacilitatorDuty, raw, FACILITATOR_FIELDS, people, w))
        for index, raw in enumerate(_list(data.get("facilitators", []), "facilitators"))
        for w in [f"facilitators[{index}]"]
    )
    return proposals
