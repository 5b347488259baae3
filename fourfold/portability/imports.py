"""A co-op read back from its export: every row checked, the principles kept, all or nothing."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fourfold.accounts.models import User
from fourfold.accounts.services import RESERVED_USERNAMES
from fourfold.consumption.models import Allocation, Reservation, StandingShare
from fourfold.coops.audit import audit_record
from fourfold.coops.models import AuditEvent, Cooperative, Membership
from fourfold.coops.services import CoopFields, coop_validate
from fourfold.errors import Conflict, Invalid
from fourfold.governance.models import FacilitatorDuty, Proposal, Proxy, Vote
from fourfold.ledger.models import RecurringCost, Transaction
from fourfold.portability.books import ledger_restore, receipts_restore
from fourfold.portability.format import (
    ALLOCATION_FIELDS,
    AUDIT_FIELDS,
    AUDIT_PERSON_MAPS,
    AUDIT_REFERENCES,
    BATCH_FIELDS,
    COOP_FIELDS,
    FACILITATOR_FIELDS,
    FORMAT,
    IMPORTED_ACTION,
    MEMBERSHIP_FIELDS,
    PERSON_FIELDS,
    PROPOSAL_FIELDS,
    PROXY_FIELDS,
    READABLE,
    RESERVATION_FIELDS,
    SHARE_FIELDS,
    SHIFT_FIELDS,
    SWAP_FIELDS,
    UNAVAILABILITY_FIELDS,
    VERSION,
    VOTE_FIELDS,
    column,
)
from fourfold.portability.reading import (
    as_list,
    as_object,
    as_text,
    field_value,
    refused,
    row_load,
    scan,
)
from fourfold.portability.recurring import recurring_restore
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
    if type(version) is not int or version not in READABLE:
        raise Invalid(
            _(
                "This file is in version %(version)s of the export format; this fourfold reads "
                "version %(known)d and those before it."
            )
            % {"version": version, "known": VERSION}
        )
    if not connection.features.can_return_rows_from_bulk_insert:
        raise Invalid(_("Importing needs PostgreSQL or SQLite 3.35 or later."))
    # The receipts' bytes put in storage so far: storage is no part of the database
    # transaction, so a refused import takes them away itself.
    saved: list[str] = []
    try:
        with transaction.atomic():
            return _import(data, slug, version, saved)
    except BaseException as error:
        for name in saved:
            default_storage.delete(name)
        if not isinstance(error, IntegrityError):
            raise
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


def _import(data: dict, slug: str | None, version: int, saved: list[str]) -> Cooperative:
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
    away = Unavailability.objects.bulk_create(
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
    postings = ledger_restore(
        coop, as_object(data.get("ledger"), "ledger"), people, batches, proposals
    )
    _reversals_name_entries(proposals, postings)
    receipts = receipts_restore(
        coop, as_list(data.get("receipts", []), "receipts"), people, postings, saved
    )
    regular = recurring_restore(
        coop, as_list(data.get("recurring", []), "recurring"), people, postings, proposals
    )
    _recurring_ends_name_costs(proposals, regular)
    references: dict[str, dict[Any, int]] = {
        "transaction": {number: entry.pk for number, entry in postings.items()},
        "proposal": {number: proposal.pk for number, proposal in proposals.items()},
        "receipt": {number: receipt.pk for number, receipt in receipts.items()},
        "batch": {day: batch.pk for day, batch in batches.items()},
        "shift": {
            f"{shift.batch.date.isoformat()}/{shift.slot}": shift.pk
            for shift, _raw, _where in shifts
        },
        "unavailability": {number: period.pk for number, period in enumerate(away, 1)},
        "person": {username: user.pk for username, user in people.items()},
    }
    AuditEvent.objects.bulk_create(
        AuditEvent(
            coop=coop,
            data=_audit_data(raw, references, where),
            **load(AuditEvent, raw, AUDIT_FIELDS, where),
        )
        for raw, where in each(data.get("activity", []), "activity")
    )
    audit_record(
        coop=coop,
        actor=None,
        action=IMPORTED_ACTION,
        at=now,
        format=FORMAT,
        version=version,
        exported_slug=data["coop"].get("slug"),
    )
    return coop


def _audit_data(raw: Any, references: dict[str, dict[Any, int]], where: str) -> dict:
    """An activity row's data with the document's references (``AUDIT_REFERENCES``) turned
    back into this database's ids; a reference to nothing in the file is refused."""
    data = as_object(as_object(raw, where).get("data", {}), f"{where}.data")

    def ref(kind: str, value: Any, at: str) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise refused(at, _("names nothing in this file"))
        found = references[kind].get(value)
        if found is None:
            raise refused(at, _("names nothing in this file"))
        return found

    restored = dict(data)
    for key, kind in AUDIT_REFERENCES.items():
        if key in data:
            restored[key] = None if kind is None else ref(kind, data[key], f"{where}.data.{key}")
    for key in AUDIT_PERSON_MAPS:
        if key in data:
            people = as_object(data[key], f"{where}.data.{key}")
            restored[key] = {
                name: ref("person", value, f"{where}.data.{key}.{name}")
                for name, value in people.items()
            }
    return restored


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


def _reversals_name_entries(
    proposals: dict[int, Proposal], postings: dict[int, Transaction]
) -> None:
    """A reversal or a spread's end names its entry by its number in the file: here it names
    it by its row."""
    changed = []
    for number, proposal in proposals.items():
        if proposal.kind not in (Proposal.Kind.REVERSAL, Proposal.Kind.SPREAD_END):
            continue
        where = f"proposals[id={number}]"
        entry = proposal.change.get("transaction") if isinstance(proposal.change, dict) else None
        if entry not in postings:
            raise refused(f"{where}.change.transaction", _("names no transaction of this file"))
        proposal.change = {**proposal.change, "transaction": postings[entry].pk}
        reversal = proposal.result.get("reversal") if isinstance(proposal.result, dict) else None
        if reversal is not None:
            if reversal not in postings:
                raise refused(f"{where}.result.reversal", _("names no transaction of this file"))
            proposal.result = {**proposal.result, "reversal": postings[reversal].pk}
        changed.append(proposal)
    Proposal.objects.bulk_update(changed, ["change", "result"])


def _recurring_ends_name_costs(
    proposals: dict[int, Proposal], regular: list[RecurringCost]
) -> None:
    """A regular cost's end names the cost by its place in ``recurring`` (from 1): here by its
    row."""
    changed = []
    for number, proposal in proposals.items():
        if proposal.kind != Proposal.Kind.RECURRING_END:
            continue
        place = proposal.change.get("recurring") if isinstance(proposal.change, dict) else None
        if type(place) is not int or not 1 <= place <= len(regular):
            raise refused(
                f"proposals[id={number}].change.recurring", _("names no regular cost of this file")
            )
        proposal.change = {"recurring": regular[place - 1].pk}
        changed.append(proposal)
    Proposal.objects.bulk_update(changed, ["change"])


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
