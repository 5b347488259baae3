"""Money moved back: a transaction reversed, a debt settled between two members."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fourfold.accounts.models import User
from fourfold.coops.models import Cooperative
from fourfold.errors import Conflict
from fourfold.ledger import selectors
from fourfold.ledger.models import Account, Leg, Transaction
from fourfold.ledger.posting import accounts_lock, legs_post
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


@retry_on_conflict
def transaction_reverse(
    *, original: Transaction, entered_by: User, reason: str = ""
) -> Transaction:
    """Undo a transaction by posting its mirror image; reversing an expense also reverses the
    allocations of its cost. Nothing is ever reversed twice."""
    if original.kind == Transaction.Kind.REVERSAL:
        raise Conflict(_("A reversal cannot be reversed; record the original again instead."))
    coop = original.coop
    try:
        with transaction.atomic():
            # Lock the original so two reversals of it queue, and the second finds it reversed.
            locked = Transaction.objects.select_for_update().get(pk=original.pk)
            if Transaction.objects.filter(reverses=locked).exists():
                raise Conflict(_("Transaction %(id)d is already reversed.") % {"id": locked.pk})
            now = timezone.now()
            dependants = [locked]
            if locked.kind == Transaction.Kind.EXPENSE:
                dependants += list(locked.allocations.filter(reversed_by__isnull=True))
            accounts_lock(
                Account.objects.filter(legs__transaction__in=dependants).distinct().only("pk")
            )
            _require_pool_covers_reversal(coop, dependants)
            reversals = [
                legs_post(
                    coop=coop,
                    kind=Transaction.Kind.REVERSAL,
                    legs=[
                        (leg.account, -from_minor(leg.amount_minor, coop.currency))
                        for leg in item.legs.select_related("account")
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


@retry_on_conflict
def settlement_record(
    *,
    coop: Cooperative,
    entered_by: User,
    expected: str | None = None,
    occurred_on: date | None = None,
) -> list[Transaction]:
    """Post the current settle-up plan, all transfers or none, on ``occurred_on`` (today by
    default: the day the money changed hands).

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
        people = User.objects.in_bulk(
            {side.pk for step in plan.transfers for side in (step.payer, step.payee) if side}
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
            for step in plan.transfers
        ]
