"""A co-op written out whole: one JSON document another fourfold can import."""

from __future__ import annotations

import base64
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.utils.translation import gettext as _

from fourfold.accounts.models import User
from fourfold.consumption.models import Allocation, Reservation, StandingShare
from fourfold.coops.models import AuditEvent, Cooperative, Membership
from fourfold.errors import Conflict
from fourfold.governance.models import FacilitatorDuty, Proposal, Proxy, Vote
from fourfold.ledger.models import (
    Account,
    ConsentAnswer,
    ConsentAsk,
    EntryOutcome,
    Leg,
    PendingLeg,
    Receipt,
    RecurringCost,
    RecurringPeriod,
    Spread,
    Transaction,
)
from fourfold.ledger.receipts import ReceiptFile, receipt_files
from fourfold.ledger.selectors import spread_ending
from fourfold.lib.money import from_minor
from fourfold.portability.format import (
    ALLOCATION_FIELDS,
    ANSWER_FIELDS,
    ASK_FIELDS,
    AUDIT_FIELDS,
    AUDIT_PERSON_MAPS,
    AUDIT_REFERENCES,
    BATCH_FIELDS,
    COOP_FIELDS,
    FACILITATOR_FIELDS,
    FORMAT,
    IMPORTED_ACTION,
    MAX_RECEIPT_EXPORT_BYTES,
    MEMBERSHIP_FIELDS,
    OUTCOME_FIELDS,
    PERSON_FIELDS,
    PROPOSAL_FIELDS,
    PROXY_FIELDS,
    RECURRING_FIELDS,
    RESERVATION_FIELDS,
    SHARE_FIELDS,
    SHIFT_FIELDS,
    SWAP_FIELDS,
    TRANSACTION_FIELDS,
    UNAVAILABILITY_FIELDS,
    VERSION,
    VOTE_FIELDS,
    account_key,
    column,
    is_user_field,
    places,
)
from fourfold.production.models import Batch, Shift, Swap, Unavailability


def _dump(instance: models.Model, names: Iterable[str], people: dict[int, str]) -> dict:
    row: dict[str, Any] = {}
    for name in names:
        field = column(type(instance), name)
        if is_user_field(field):
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
            row[name] = str(value.quantize(places(field)))
        else:
            row[name] = value
    return row


def _spread(posted: Transaction, proposal_ids: dict[int, int]) -> dict | None:
    spread: Spread | None = getattr(posted, "spread", None)
    if spread is None:
        return None
    ending = spread_ending(spread)
    return {
        "over": spread.over,
        "count": spread.count,
        # Ended by the members: how, when, and by the proposal's number in this file.
        "ending": None
        if ending is None
        else {
            "rest": ending.rest,
            "ended_on": ending.ended_on.isoformat(),
            "proposal": None if ending.proposal_id is None else proposal_ids[ending.proposal_id],
        },
    }


def export_coop(coop: Cooperative) -> dict[str, Any]:
    """The whole co-op as a JSON-ready dict: rules, people, members, shares, days away,
    batches with their shifts, swaps, reservations and allocations, the ledger (with what waits
    for consent), proposals with their votes, proxies, facilitator duties, the receipts and the
    activity. The same co-op always gives the same dict. ``Conflict`` if its receipts are more
    than an export carries (``MAX_RECEIPT_EXPORT_BYTES``)."""
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
    transactions = list(
        Transaction.objects.filter(coop=coop).select_related("spread__ending").order_by("pk")
    )
    legs = list(Leg.objects.filter(transaction__coop=coop).order_by("pk"))
    proposals = list(Proposal.objects.filter(coop=coop).order_by("pk"))
    votes = list(Vote.objects.filter(proposal__coop=coop))
    proxies = list(Proxy.objects.filter(coop=coop).order_by("pk"))
    duties = list(FacilitatorDuty.objects.filter(coop=coop).order_by("month"))
    held = list(PendingLeg.objects.filter(transaction__coop=coop).order_by("pk"))
    asks = list(ConsentAsk.objects.filter(transaction__coop=coop).order_by("pk"))
    answers = list(ConsentAnswer.objects.filter(ask__transaction__coop=coop))
    outcomes = list(EntryOutcome.objects.filter(transaction__coop=coop))
    receipts = receipt_files(coop=coop)
    regular = list(RecurringCost.objects.filter(coop=coop).order_by("pk"))
    periods = list(RecurringPeriod.objects.filter(recurring__coop=coop).order_by("period", "pk"))
    events = list(
        AuditEvent.objects.filter(coop=coop).exclude(action=IMPORTED_ACTION).order_by("pk")
    )

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
        *asks,
        *answers,
        *outcomes,
        *Receipt.objects.filter(coop=coop).only("uploaded_by"),
        *regular,
        *events,
    ]
    user_ids = {
        getattr(instance, field.attname)
        for instance in everything
        for field in instance._meta.concrete_fields
        if is_user_field(field)
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

    account_keys = {account.pk: account_key(account, people) for account in accounts}
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

    held_of: dict[int, list[dict]] = defaultdict(list)
    for held_leg in held:
        held_of[held_leg.transaction_id].append(
            {"account": account_keys[held_leg.account_id], "amount": money(held_leg.amount_minor)}
        )
    answer_of = {answer.ask_id: dump(answer, ANSWER_FIELDS) for answer in answers}
    asks_of: dict[int, list[dict]] = defaultdict(list)
    for ask in asks:
        asks_of[ask.transaction_id].append(
            {**dump(ask, ASK_FIELDS), "answer": answer_of.get(ask.pk)}
        )
    outcome_of = {
        outcome.transaction_id: {
            **dump(outcome, OUTCOME_FIELDS),
            "posted": local(transaction_ids, outcome.posted_id),
        }
        for outcome in outcomes
    }
    receipt_ids = {receipt.id: number for number, receipt in enumerate(receipts, 1)}
    shift_refs = {shift.pk: f"{batch_days[shift.batch_id]}/{shift.slot}" for shift in shifts}
    references: dict[str, dict[int, Any]] = {
        "transaction": transaction_ids,
        "proposal": proposal_ids,
        "receipt": receipt_ids,
        "batch": batch_days,
        "shift": shift_refs,
        "unavailability": {period.pk: number for number, period in enumerate(away, 1)},
        "person": people,
    }

    # A regular cost is named by its place in ``recurring`` (from 1), as a period away is.
    recurring_ids = {cost.pk: number for number, cost in enumerate(regular, 1)}

    def entry_numbers(proposal: Proposal) -> dict:
        """A reversal or a spread's end names its entry (and, once passed, a reversal the one
        it posted) by their numbers in this file, as the ledger's rows name each other; a
        regular cost's end names the cost by its place."""
        if proposal.kind == Proposal.Kind.RECURRING_END:
            return {"change": {"recurring": recurring_ids.get(proposal.change["recurring"])}}
        if proposal.kind not in (Proposal.Kind.REVERSAL, Proposal.Kind.SPREAD_END):
            return {}
        change = {
            **proposal.change,
            "transaction": transaction_ids.get(proposal.change["transaction"]),
        }
        result = dict(proposal.result)
        if "reversal" in result:
            result["reversal"] = transaction_ids.get(result["reversal"])
        return {"change": change, "result": result}

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
                    "batch_charge": local(transaction_ids, posted.batch_charge_id),
                    "shares": None
                    if posted.shares is None
                    else [
                        {"member": people[user_id], "amount": money(minor)}
                        for user_id, minor in posted.shares
                    ],
                    "approval": local(proposal_ids, posted.approval_id),
                    "reversal_of": local(transaction_ids, posted.reversal_of_id),
                    "legs": legs_of[posted.pk],
                    "held_legs": held_of[posted.pk],
                    "asks": asks_of[posted.pk],
                    "outcome": outcome_of.get(posted.pk),
                    "spread": _spread(posted, proposal_ids),
                }
                for posted in transactions
            ],
        },
        "proposals": [
            {
                "id": proposal_ids[proposal.pk],
                **dump(proposal, PROPOSAL_FIELDS),
                **entry_numbers(proposal),
                "votes": by("member", votes_of[proposal.pk]),
            }
            for proposal in proposals
        ],
        "proxies": [
            {**dump(proxy, PROXY_FIELDS), "proposal": local(proposal_ids, proxy.proposal_id)}
            for proxy in proxies
        ],
        "facilitators": [dump(duty, FACILITATOR_FIELDS) for duty in duties],
        "recurring": [
            {
                **dump(cost, RECURRING_FIELDS),
                "amount": money(cost.amount_minor),
                "ended_by_proposal": local(proposal_ids, cost.ended_by_proposal),
                "periods": [
                    {
                        "period": row.period.isoformat(),
                        "transaction": transaction_ids[row.transaction_id],
                    }
                    for row in periods
                    if row.recurring_id == cost.pk
                ],
            }
            for cost in regular
        ],
        "receipts": [
            _receipt(receipt, receipt_ids[receipt.id], transaction_ids[receipt.transaction_id])
            for receipt in _receipts_bounded(receipts)
        ],
        "activity": [
            {**dump(event, AUDIT_FIELDS), "data": _audit_data(event.data, references)}
            for event in events
        ],
    }


def _receipts_bounded(receipts: list[ReceiptFile]) -> list[ReceiptFile]:
    # The document is built and read whole in memory, on both ends: past the bound, the
    # receipts are better moved with the storage they are kept in.
    total = sum(receipt.size for receipt in receipts)
    if total > MAX_RECEIPT_EXPORT_BYTES:
        raise Conflict(
            _(
                "This co-op's receipts take %(mb)d MB, more than the %(max)d MB an export "
                "carries; this fourfold cannot export it whole."
            )
            % {"mb": total // (1024 * 1024), "max": MAX_RECEIPT_EXPORT_BYTES // (1024 * 1024)}
        )
    return receipts


def _receipt(receipt: ReceiptFile, number: int, transaction_id: int) -> dict[str, Any]:
    try:
        with default_storage.open(receipt.storage_name, "rb") as stored:
            content: str | None = base64.b64encode(stored.read()).decode("ascii")
    except FileNotFoundError:
        # Missing here already (receipt_open says so): it stays missing where it moves.
        content = None
    return {
        "id": number,
        "transaction": transaction_id,
        "content_type": receipt.content_type,
        "size": receipt.size,
        "name": receipt.name,
        "uploaded_by": receipt.uploaded_by,
        "uploaded_at": receipt.uploaded_at.astimezone(dt.UTC).isoformat(),
        "content": content,
    }


def _audit_data(data: Any, references: dict[str, dict[int, Any]]) -> Any:
    """An activity row's data with the database ids it holds replaced by the document's
    references (``AUDIT_REFERENCES``); an id the document has no reference for is null."""
    if not isinstance(data, dict):
        return data

    def ref(kind: str | None, value: Any) -> Any:
        if kind is None or isinstance(value, bool) or not isinstance(value, int):
            return None
        return references[kind].get(value)

    translated = dict(data)
    for key, kind in AUDIT_REFERENCES.items():
        if key in data and data[key] is not None:
            translated[key] = ref(kind, data[key])
    for key in AUDIT_PERSON_MAPS:
        if isinstance(data.get(key), dict):
            translated[key] = {name: ref("person", value) for name, value in data[key].items()}
    return translated
