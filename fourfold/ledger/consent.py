"""Nobody moves another member's money without their say.

An entry naming someone other than the one entering it as paying or receiving, or paying out
of the pool, waits (``posting.legs_post`` holds its legs apart). Here it is confirmed by each
member asked, declined by one of them (or withdrawn by the one who entered it), or lapses after
the co-op's ``consent_days``. Only a confirmed entry moves money.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fourfold.accounts.models import User
from fourfold.coops.audit import audit_record
from fourfold.coops.models import Cooperative
from fourfold.coops.selectors import is_active_member
from fourfold.errors import Conflict, Invalid, NotFound
from fourfold.ledger import statements
from fourfold.ledger.corrections import reversal_post
from fourfold.ledger.models import (
    Account,
    ConsentAnswer,
    ConsentAsk,
    EntryOutcome,
    PendingLeg,
    Transaction,
)
from fourfold.ledger.posting import accounts_lock, legs_move, require_pool_holds
from fourfold.ledger.retry import retry_on_conflict
from fourfold.lib.dates import format_day
from fourfold.lib.money import from_minor

MAX_REASON = 500


def _pending_locked(coop: Cooperative, transaction_id: int, now: datetime) -> Transaction:
    """The entry, row-locked so a confirm and a decline of it queue: the second finds it
    decided. Refused unless it is still waiting."""
    entry = Transaction.objects.select_for_update().filter(coop=coop, pk=transaction_id).first()
    if entry is None:
        raise NotFound(_("No such entry in this co-op."))
    # Read again past the lock, with its asks and outcome as they stand now.
    entry = statements.transactions(coop=coop).get(pk=entry.pk)
    if not entry.awaits_consent:
        raise Conflict(_("Entry #%(id)d waits for nobody: it is posted.") % {"id": entry.pk})
    decided = getattr(entry, "outcome", None)
    if decided is not None:
        raise Conflict(
            _("Entry #%(id)d is already %(outcome)s.")
            % {"id": entry.pk, "outcome": decided.get_outcome_display()}
        )
    if entry.lapses_at is not None and entry.lapses_at <= now:
        raise Conflict(
            _(
                "Entry #%(id)d lapsed on %(day)s: nobody confirmed it in time, and nothing "
                "moved. Enter it again if it still stands."
            )
            % {"id": entry.pk, "day": format_day(entry.lapses_at.astimezone(coop.zone).date())}
        )
    return entry


def _ask_of(entry: Transaction, member: User) -> ConsentAsk:
    ask = statements.can_answer(entry, member)
    if ask is None:
        raise Conflict(
            _("Entry #%(id)d does not wait for your confirmation.") % {"id": entry.pk},
        )
    if ask.role == ConsentAsk.Role.POOL and not is_active_member(coop=entry.coop, user=member):
        raise Conflict(_("Only an active member confirms a payment out of the pool."))
    return ask


def _held_with(entry: Transaction) -> list[Transaction]:
    """``entry`` and the entries held with it (the allocation of an expense's cost)."""
    return [
        entry,
        *Transaction.objects.filter(
            allocates=entry, awaits_consent=True, outcome__isnull=True
        ).order_by("pk"),
    ]


def _post_held(entry: Transaction, *, by: User, now: datetime) -> None:
    """Everyone said yes: the held legs become the entry's legs and move the balances."""
    coop = entry.coop
    if entry.kind == Transaction.Kind.REVERSAL_REQUEST:
        original = entry.reversal_of
        assert original is not None  # a reversal request always names what it reverses
        reversal = reversal_post(
            original=original, entered_by=entry.entered_by, reason=entry.description, now=now
        )
        EntryOutcome.objects.create(
            transaction=entry, outcome=EntryOutcome.Outcome.POSTED, by=by, at=now, posted=reversal
        )
        return
    entries = _held_with(entry)
    moves = {
        item.pk: list(
            PendingLeg.objects.filter(transaction=item)
            .order_by("pk")
            .values_list("account_id", "amount_minor")
        )
        for item in entries
    }
    accounts_lock(
        Account.objects.filter(pk__in={a for legs in moves.values() for a, _m in legs}).only("pk")
    )
    pool = Account.objects.filter(coop=coop, kind=Account.Kind.POOL).values_list("pk", flat=True)
    pool_out = -sum(
        minor for account_id, minor in moves[entry.pk] if account_id in pool and minor < 0
    )
    if pool_out > 0:
        require_pool_holds(coop, from_minor(pool_out, coop.currency))
    for item in entries:
        legs_move(item, moves[item.pk])
        EntryOutcome.objects.create(
            transaction=item, outcome=EntryOutcome.Outcome.POSTED, by=by, at=now
        )
    audit_record(
        coop=coop,
        actor=by,
        action="ledger.posted",
        at=now,
        transaction=entry.pk,
        amount=str(entry.amount),
    )


@retry_on_conflict
def entry_confirm(
    *, coop: Cooperative, transaction_id: int, member: User, now: datetime | None = None
) -> Transaction:
    """``member`` confirms an entry waiting for them; the last confirmation posts it."""
    now = now or timezone.now()
    with transaction.atomic():
        entry = _pending_locked(coop, transaction_id, now)
        ask = _ask_of(entry, member)
        ConsentAnswer.objects.create(
            ask=ask, member=member, answer=ConsentAnswer.Answer.CONFIRMED, at=now
        )
        audit_record(
            coop=coop,
            actor=member,
            action="ledger.confirmed",
            at=now,
            transaction=entry.pk,
            role=ask.role,
        )
        left = ConsentAsk.objects.filter(transaction=entry, answer__isnull=True).exists()
        if not left:
            _post_held(entry, by=member, now=now)
    return statements.transactions(coop=coop).get(pk=entry.pk)


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise Invalid(
            _("Say why in at most %(count)d characters.") % {"count": MAX_REASON}, field="reason"
        )
    return reason


@retry_on_conflict
def entry_decline(
    *,
    coop: Cooperative,
    transaction_id: int,
    member: User,
    reason: str = "",
    now: datetime | None = None,
) -> Transaction:
    """``member`` says no to an entry waiting for them, or the one who entered it withdraws
    it: nothing moves, for good. Entering it again is a new entry."""
    now = now or timezone.now()
    reason = _reason(reason)
    with transaction.atomic():
        entry = _pending_locked(coop, transaction_id, now)
        if entry.entered_by_id != member.pk:
            ask = _ask_of(entry, member)
            ConsentAnswer.objects.create(
                ask=ask,
                member=member,
                answer=ConsentAnswer.Answer.DECLINED,
                reason=reason,
                at=now,
            )
        for item in _held_with(entry):
            EntryOutcome.objects.create(
                transaction=item,
                outcome=EntryOutcome.Outcome.DECLINED,
                by=member,
                reason=reason,
                at=now,
            )
        audit_record(
            coop=coop,
            actor=member,
            action="ledger.declined",
            at=now,
            transaction=entry.pk,
            reason=reason,
            withdrawn=entry.entered_by_id == member.pk,
        )
    return statements.transactions(coop=coop).get(pk=entry.pk)


def entries_lapse(*, now: datetime | None = None) -> int:
    """Close every entry that waited past its co-op's ``consent_days``: nothing moves. Safe
    to run again and again; returns how many lapsed."""
    now = now or timezone.now()
    due = Transaction.objects.pending().filter(lapses_at__lte=now, allocates__isnull=True)
    lapsed = 0
    for entry_id in due.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            entry = (
                Transaction.objects.select_for_update(of=("self",))
                .select_related("coop")
                .filter(pk=entry_id)
                .first()
            )
            if entry is None or EntryOutcome.objects.filter(transaction=entry).exists():
                continue
            for item in _held_with(entry):
                EntryOutcome.objects.create(
                    transaction=item, outcome=EntryOutcome.Outcome.LAPSED, at=now
                )
            audit_record(
                coop=entry.coop, actor=None, action="ledger.lapsed", at=now, transaction=entry.pk
            )
            lapsed += 1
    return lapsed
