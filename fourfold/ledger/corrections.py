"""Money moved back: a transaction reversed, a debt settled between two members."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fourfold.accounts.models import User
from fourfold.coops.audit import audit_record
from fourfold.coops.models import Cooperative
from fourfold.coops.selectors import coop_today
from fourfold.errors import Conflict
from fourfold.governance.models import Proposal
from fourfold.ledger import selectors, statements
from fourfold.ledger.models import Account, ConsentAsk, Leg, Transaction
from fourfold.ledger.posting import Ask, account_get, accounts_lock, legs_post, member_accounts
from fourfold.ledger.retry import retry_on_conflict
from fourfold.ledger.services import transfer_post
from fourfold.lib.money import format_money, from_minor


def _require_pool_covers_reversal(coop: Cooperative, originals: list[Transaction]) -> None:
    """Undoing money paid into the pool takes it back out: only if the pool still holds it
    (it may have been spent since). The pool row lock makes concurrent payments queue."""
    into_pool = sum(
        leg.amount_minor
        for leg in Leg.objects.filter(transaction__in=originals, account__kind=Account.Kind.POOL)
    )
    if into_pool <= 0:
        return
    pool = Account.objects.select_for_update().filter(coop=coop, kind=Account.Kind.POOL).first()
    held = pool.total_minor if pool else 0
    if held < into_pool:
        raise Conflict(
            _(
                "Reversing this takes %(amount)s out of the pool, which holds %(held)s: reverse "
                "what the pool paid for since, or pay in first."
            )
            % {
                "amount": format_money(from_minor(into_pool, coop.currency), coop.currency),
                "held": format_money(from_minor(held, coop.currency), coop.currency),
            }
        )


def _reversal_refused(original: Transaction) -> None:
    if original.kind == Transaction.Kind.REVERSAL:
        raise Conflict(_("A reversal cannot be reversed; record the original again instead."))
    if original.kind == Transaction.Kind.REVERSAL_REQUEST:
        raise Conflict(_("A request moves no money; decline it instead of reversing it."))
    if original.kind == Transaction.Kind.BATCH_CHARGE:
        raise Conflict(
            _(
                "Entry #%(id)d only gathers the costs its batch carries; reverse the cost that "
                "is wrong, and its part goes back to each member."
            )
            % {"id": original.pk}
        )
    status = statements.entry_status(original)
    if status.status == "pending":
        raise Conflict(
            _(
                "Entry #%(id)d has not moved any money yet; it waits for %(who)s, who can "
                "decline it."
            )
            % {"id": original.pk, "who": ", ".join(status.awaiting)}
        )
    if status.status == "declined":
        raise Conflict(_("Entry #%(id)d was declined; it moved no money.") % {"id": original.pk})


def charged_legs(item: Transaction) -> list[tuple[Account, int]]:
    """What ``item`` moved, as (account, minor units): its legs, except for a cost charged
    within a batch's charge, which moved its cost to the members through the charging account:
    its cost account and each member's part."""
    if item.shares is None:
        return [(leg.account, leg.amount_minor) for leg in item.legs.select_related("account")]
    parts = selectors.member_parts(item)
    accounts = member_accounts(item.coop, list(User.objects.filter(pk__in=parts)))
    cost = account_get(item.coop, Account.Kind.COST, category=item.category)
    return [(cost, -item.amount_minor), *((accounts[pk], minor) for pk, minor in parts.items())]


def reversal_post(
    *, original: Transaction, entered_by: User, reason: str = "", now: datetime | None = None
) -> Transaction:
    """Undo a transaction at once by posting its mirror image; reversing an expense also
    reverses the allocations of its cost. Nothing is ever reversed twice. For corrections
    that need nobody's consent, or have it (a confirmed request, a passed proposal)."""
    coop = original.coop
    now = now or timezone.now()
    try:
        with transaction.atomic():
            # Lock the original so two reversals of it queue, and the second finds it reversed.
            locked = Transaction.objects.select_for_update().get(pk=original.pk)
            if Transaction.objects.filter(reverses=locked).exists():
                raise Conflict(_("Transaction %(id)d is already reversed.") % {"id": locked.pk})
            dependants = [locked]
            if locked.kind == Transaction.Kind.EXPENSE:
                dependants += list(
                    locked.allocations.posted().filter(reversed_by__isnull=True).order_by("pk")
                )
            undone = {item.pk: charged_legs(item) for item in dependants}
            accounts_lock(account for legs in undone.values() for account, _minor in legs)
            _require_pool_covers_reversal(coop, dependants)
            reversals = [
                legs_post(
                    coop=coop,
                    kind=Transaction.Kind.REVERSAL,
                    legs=[
                        (account, -from_minor(minor, coop.currency))
                        for account, minor in undone[item.pk]
                    ],
                    entered_by=entered_by,
                    occurred_on=None,
                    now=now,
                    reverses=item,
                    batch_id=item.batch_id,
                    category=item.category,
                    payer=item.payee,
                    payee=item.payer,
                    description=reason or _("Reverses #%(id)d") % {"id": item.pk},
                )
                for item in dependants
            ]
    except IntegrityError as error:
        raise Conflict(
            _("Transaction %(id)d is already reversed.") % {"id": original.pk}
        ) from error
    return reversals[0]


def reversal_asks(original: Transaction, by: User) -> list[Ask]:
    """Whose say reversing ``original`` needs: whoever entered it and whoever it names as
    paying or receiving, but not ``by``, who asks for it."""
    asks: list[Ask] = []
    seen = {by.pk}
    if original.entered_by_id not in seen:
        asks.append((original.entered_by, ConsentAsk.Role.AUTHOR))
        seen.add(original.entered_by_id)
    for named in (original.payer, original.payee):
        if named is not None and named.pk not in seen:
            asks.append((named, ConsentAsk.Role.NAMED))
            seen.add(named.pk)
    return asks


@retry_on_conflict
def transaction_reverse(
    *, original: Transaction, entered_by: User, reason: str = ""
) -> Transaction:
    """Correct an entry. Your own entry that named nobody else is reversed at once; anyone
    else's is a request (kind ``reversal_request``) that waits for the consent of who entered
    it and who it names, and posts the reversal when they confirm."""
    original = statements.transactions(coop=original.coop).get(pk=original.pk)
    _reversal_refused(original)
    asks = reversal_asks(original, entered_by)
    if not asks:
        return reversal_post(original=original, entered_by=entered_by, reason=reason)
    coop = original.coop
    now = timezone.now()
    with transaction.atomic():
        Transaction.objects.select_for_update().filter(pk=original.pk).first()
        if Transaction.objects.filter(reverses=original).exists():
            raise Conflict(_("Transaction %(id)d is already reversed.") % {"id": original.pk})
        if Transaction.objects.pending().filter(reversal_of=original).exists():
            raise Conflict(
                _("A request to reverse #%(id)d already waits for an answer.") % {"id": original.pk}
            )
        deciding = Proposal.objects.filter(
            coop=coop,
            kind=Proposal.Kind.REVERSAL,
            status=Proposal.Status.OPEN,
            change__transaction=original.pk,
        ).first()
        if deciding is not None:
            raise Conflict(
                _("Proposal #%(proposal)d already decides whether to reverse #%(id)d; vote on it.")
                % {"proposal": deciding.pk, "id": original.pk}
            )
        request = Transaction.objects.create(
            coop=coop,
            kind=Transaction.Kind.REVERSAL_REQUEST,
            amount_minor=original.amount_minor,
            entered_by=entered_by,
            entered_at=now,
            occurred_on=coop_today(coop, now=now),
            awaits_consent=True,
            lapses_at=now + timedelta(days=coop.consent_days),
            reversal_of=original,
            category=original.category,
            description=reason or _("Reverses #%(id)d") % {"id": original.pk},
        )
        ConsentAsk.objects.bulk_create(
            [ConsentAsk(transaction=request, member=member, role=role) for member, role in asks]
        )
        audit_record(
            coop=coop,
            actor=entered_by,
            action="ledger.reversal_requested",
            at=now,
            transaction=request.pk,
            reverses=original.pk,
            awaiting=[member.username for member, _role in asks if member is not None],
        )
    return request


@retry_on_conflict
def settlement_record(
    *,
    coop: Cooperative,
    entered_by: User,
    expected: str | None = None,
    occurred_on: date | None = None,
) -> list[Transaction]:
    """Record the caller's own part of the current settle-up plan (what they pay, all of it
    or none), on ``occurred_on`` (today by default: the day the money changed hands). Each
    payment waits for its receiver to confirm it arrived; everyone else records their own.

    ``expected`` is the fingerprint of the plan the member saw: if the balances moved since,
    nothing is posted and they are asked to look at the new plan.
    """
    with transaction.atomic():
        # Lock the accounts: a posting that lands meanwhile would make the plan stale.
        list(Account.objects.select_for_update().filter(coop=coop).order_by("pk"))
        plan = selectors.settlement_plan(coop=coop)
        if expected is not None and expected != plan.fingerprint:
            raise Conflict(
                _("The balances changed since you saw the plan; look at the new plan first.")
            )
        if plan.unallocated:
            raise Conflict(
                _(
                    "%(amount)s of costs are not allocated to members yet; allocate them before "
                    "settling up."
                )
                % {"amount": plan.unallocated}
            )
        if not plan.transfers:
            raise Conflict(_("Everyone is even: there is nothing to settle."))
        # What the caller pays, and what the pool pays them (a second member confirms that).
        mine = [
            step
            for step in plan.transfers
            if (step.payer and step.payer.pk == entered_by.pk)
            or (step.payer is None and step.payee and step.payee.pk == entered_by.pk)
        ]
        if not mine:
            raise Conflict(
                _(
                    "You pay nobody in the current plan; those who pay record their own "
                    "payments, and you confirm what reaches you."
                )
            )
        waiting = Transaction.objects.pending().filter(
            coop=coop, kind=Transaction.Kind.TRANSFER, entered_by=entered_by
        )
        if waiting.exists():
            raise Conflict(
                _(
                    "Your earlier payments still wait for their receivers to confirm them; "
                    "once they answer, the plan shows what is left."
                )
            )
        people = User.objects.in_bulk(
            {side.pk for step in mine for side in (step.payer, step.payee) if side}
        )
        return [
            transfer_post(
                coop=coop,
                payer=people[step.payer.pk] if step.payer else None,
                payee=people[step.payee.pk] if step.payee else None,
                amount=step.amount,
                entered_by=entered_by,
                description=_("Settle-up"),
                occurred_on=occurred_on,
            )
            for step in mine
        ]
