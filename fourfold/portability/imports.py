"""A co-op read back from its export: every row checked, the principles kept, all or nothing."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
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
from fourfold.ledger.models import Account, Leg, Transaction
from fourfold.ledger.principles import entry_principles_check
from fourfold.lib.money import from_minor
from fourfold.portability.format import (
    ALLOCATION_FIELDS,
    BATCH_FIELDS,
    COOP_FIELDS,
    FACILITATOR_FIELDS,
    FORMAT,
    MEMBERSHIP_FIELDS,
    PERSON_FIELDS,
    PROPOSAL_FIELDS,
    PROXY_FIELDS,
    RESERVATION_FIELDS,
    SHARE_FIELDS,
    SHIFT_FIELDS,
    SWAP_FIELDS,
    TRANSACTION_FIELDS,
    UNAVAILABILITY_FIELDS,
    VERSION,
    VOTE_FIELDS,
    column,
)
from fourfold.portability.reading import (
    account_fields,
    as_list,
    as_object,
    as_text,
    field_value,
    money_minor,
    refused,
    row_load,
    scan,
)
from fourfold.production.models import Batch, Shift, Swap, Unavailability


def import_coop(data: Any, *, slug: str | None = None) -> Cooperative:
    """Restore an exported co-op, under ``slug`` if given (else the exported one). All or
    nothing: a refused file leaves the database as it was.

    People are matched by username; a username the database does not know becomes a new user
    with the exported e-mail and no usable password (they reset it by e-mail). Raises
    ``Conflict`` if the short name is taken and ``Invalid`` for a file it cannot read."""
    data = as_object(data, _("the file"))
    scan(data)
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
        target = slug or as_object(data.get("coop"), "coop").get("slug")
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
    people = _people(as_list(data.get("people"), "people"))
    coop = _coop(as_object(data.get("coop"), "coop"), slug, people)

    def each(section: Any, where: str):
        for index, raw in enumerate(as_list(section, where)):
            yield raw, f"{where}[{index}]"

    def load(model, raw, names, where):
        return row_load(model, raw, names, people, where)

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
    _ledger(coop, as_object(data.get("ledger"), "ledger"), people, batches, proposals)
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
        raw = as_object(raw, where)
        username = as_text(raw.get("username"), f"{where}.username")
        try:
            User.username_validator(username)
        except ValidationError as error:
            raise refused(
                f"{where}.username", _("%(name)r is not a username") % {"name": username}
            ) from error
        if username.lower() in RESERVED_USERNAMES:
            # "pool" would read as the co-op's shared money wherever a payload names a side.
            raise refused(
                f"{where}.username", _("%(name)r is a reserved name") % {"name": username}
            )
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            values = {
                name: field_value(column(User, name), raw.get(name, ""), {}, f"{where}.{name}")
                for name in PERSON_FIELDS
            }
            if User.objects.filter(email__iexact=values["email"]).exists():
                raise refused(
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
    values = row_load(Cooperative, raw, COOP_FIELDS, people, "coop")
    if slug is not None:
        values["slug"] = slug
    try:
        clean = coop_validate(
            CoopFields(
                **{name: values[name] for name in CoopFields.__dataclass_fields__ if name in values}
            )
        )
    except Invalid as error:
        raise refused(f"coop.{error.field}", error.detail) from error
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
    for index, raw in enumerate(as_list(ledger.get("accounts"), "ledger.accounts")):
        where = f"ledger.accounts[{index}]"
        raw = as_object(raw, where)
        key = as_text(raw.get("account"), f"{where}.account")
        accounts[key] = Account(coop=coop, **account_fields(key, people, f"{where}.account"))
        stated[key] = money_minor(raw.get("total"), currency, f"{where}.total")

    postings: dict[int, Transaction] = {}
    legs: list[tuple[Transaction, str, int]] = []
    pending: list[Transaction] = []

    def flush() -> None:
        # A reversal or an allocation points at an earlier transaction: it must have its id.
        Transaction.objects.bulk_create(pending)
        pending.clear()

    for index, raw in enumerate(as_list(ledger.get("transactions"), "ledger.transactions")):
        where = f"ledger.transactions[{index}]"
        raw = as_object(raw, where)
        number = raw.get("id")
        if type(number) is not int or number in postings:
            raise refused(f"{where}.id", _("expected a whole number not used before"))
        refs = {}
        for name in ("reverses", "allocates"):
            ref = raw.get(name)
            if ref is not None and ref not in postings:
                raise refused(f"{where}.{name}", _("names no earlier transaction"))
            refs[name] = None if ref is None else postings[ref]
        if any(ref in pending for ref in refs.values() if ref is not None):
            flush()
        approval = raw.get("approval")
        if approval is not None and approval not in proposals:
            raise refused(f"{where}.approval", _("names no proposal of this file"))
        day = raw.get("batch")
        if day is not None and day not in batches:
            raise refused(f"{where}.batch", _("names no batch of this file"))
        amount = money_minor(raw.get("amount"), currency, f"{where}.amount")
        posted = Transaction(
            coop=coop,
            amount_minor=amount,
            batch=batches.get(day) if day is not None else None,
            approval=proposals.get(approval) if approval is not None else None,
            **refs,
            **row_load(Transaction, raw, TRANSACTION_FIELDS, people, where),
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
                declared=raw.get("declared", ""),
            )
        except (Invalid, PrincipleViolation) as error:
            raise refused(where, error.detail) from error
        total = debit = 0
        for leg_index, leg in enumerate(as_list(raw.get("legs"), f"{where}.legs")):
            leg_where = f"{where}.legs[{leg_index}]"
            leg = as_object(leg, leg_where)
            key = as_text(leg.get("account"), f"{leg_where}.account")
            if key not in accounts:
                raise refused(f"{leg_where}.account", _("not among ledger.accounts"))
            minor = money_minor(leg.get("amount"), currency, f"{leg_where}.amount")
            total += minor
            debit += max(minor, 0)
            legs.append((posted, key, minor))
        if total != 0 or debit != amount:
            raise refused(where, _("its legs must sum to zero, and their debits to its amount"))
        postings[number] = posted
        pending.append(posted)
    flush()

    totals: dict[str, int] = defaultdict(int)
    for _posted, key, minor in legs:
        totals[key] += minor
    for key, account in accounts.items():
        if totals[key] != stated[key]:
            raise refused(
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
    for index, raw in enumerate(as_list(data.get("proposals"), "proposals")):
        where = f"proposals[{index}]"
        raw = as_object(raw, where)
        number = raw.get("id")
        if type(number) is not int or number in proposals:
            raise refused(f"{where}.id", _("expected a whole number not used before"))
        proposal = Proposal(coop=coop, **row_load(Proposal, raw, PROPOSAL_FIELDS, people, where))
        proposals[number] = proposal
        for vote_index, vote in enumerate(as_list(raw.get("votes", []), f"{where}.votes")):
            vote_where = f"{where}.votes[{vote_index}]"
            votes.append(
                Vote(proposal=proposal, **row_load(Vote, vote, VOTE_FIELDS, people, vote_where))
            )
    Proposal.objects.bulk_create(proposals.values())
    Vote.objects.bulk_create(votes)
    proxies = []
    for index, raw in enumerate(as_list(data.get("proxies", []), "proxies")):
        where = f"proxies[{index}]"
        raw = as_object(raw, where)
        number = raw.get("proposal")
        if number is not None and number not in proposals:
            raise refused(f"{where}.proposal", _("names no proposal of this file"))
        proxies.append(
            Proxy(
                coop=coop,
                proposal=proposals.get(number) if number is not None else None,
                **row_load(Proxy, raw, PROXY_FIELDS, people, where),
            )
        )
    Proxy.objects.bulk_create(proxies)
    FacilitatorDuty.objects.bulk_create(
        FacilitatorDuty(coop=coop, **row_load(FacilitatorDuty, raw, FACILITATOR_FIELDS, people, w))
        for index, raw in enumerate(as_list(data.get("facilitators", []), "facilitators"))
        for w in [f"facilitators[{index}]"]
    )
    return proposals
