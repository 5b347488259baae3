"""Writes to the ledger. Every posting is atomic, sums to zero and names who entered it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fourfold.accounts.models import User
from fourfold.coops.models import Cooperative
from fourfold.coops.selectors import active_members, coop_today
from fourfold.coops.services import member_require_active
from fourfold.coops.vocabulary import service_or_good
from fourfold.errors import Invalid
from fourfold.ledger.budget import budget_require_within
from fourfold.ledger.costs import cost_allocate, weights_clean
from fourfold.ledger.models import Account, Spread, Transaction
from fourfold.ledger.posting import (
    account_get,
    accounts_lock,
    consent_asks,
    legs_post,
    member_accounts,
    parse_amount,
    require_pool_holds,
    side_account,
)
from fourfold.ledger.principles import (
    category_clean,
    category_refuse,
    declaration,
    require_confirmed_if_large,
    require_member_of_record,
    supplier_refuse,
    words_check,
)
from fourfold.ledger.retry import retry_on_conflict
from fourfold.production.models import Batch


@retry_on_conflict
def contribution_post(
    *,
    coop: Cooperative,
    payer: User,
    amount,
    entered_by: User,
    description: str = "",
    source: str = "",
    occurred_on: date | None = None,
    confirm_large: bool = False,
    declare: str = "",
) -> Transaction:
    """A member pays their own money into the co-op's pool. Words that read like outside
    money are asked about (``PrincipleCheck``) until ``declare="self_funded"``; an amount far
    above the co-op's usual entries needs ``confirm_large``."""
    category_refuse(source, paying_in=True)
    amount = parse_amount(amount, currency=coop.currency)
    member_require_active(
        coop=coop, user=payer, action=_("fund the co-op"), principle="self_funded"
    )
    declared = words_check(
        kind=Transaction.Kind.CONTRIBUTION, declare=declare, source=source, description=description
    )
    require_confirmed_if_large(coop, amount, confirm_large)
    with transaction.atomic():
        legs = [
            (account_get(coop, Account.Kind.POOL), amount),
            (account_get(coop, Account.Kind.MEMBER, user=payer), -amount),
        ]
        accounts_lock(account for account, _amount in legs)
        return legs_post(
            coop=coop,
            kind=Transaction.Kind.CONTRIBUTION,
            legs=legs,
            entered_by=entered_by,
            occurred_on=occurred_on,
            now=timezone.now(),
            asks=consent_asks(
                kind=Transaction.Kind.CONTRIBUTION, entered_by=entered_by, payer=payer
            ),
            payer=payer,
            description=description,
            declared=declared,
            declaration=declaration(entered_by, declared),
        )


@retry_on_conflict
def expense_post(
    *,
    coop: Cooperative,
    payer: User | None,
    amount,
    category: str,
    entered_by: User,
    supplier: str = "",
    description: str = "",
    split: Mapping[User, Decimal | int] | None = None,
    occurred_on: date | None = None,
    batch=None,
    proposal: int | None = None,
    confirm_large: bool = False,
    declare: str = "",
    spread: Mapping[str, int] | None = None,
) -> Transaction:
    """A supplier who is not a member is paid for goods, space or equipment, by a member out
    of pocket or (``payer=None``) from the pool. Words that read like pay for work or outside
    money are asked about (``PrincipleCheck``) until ``declare`` names that principle; an
    amount far above the co-op's usual entries needs ``confirm_large``.

    With ``split``, the cost is allocated to those members at once, in the same transaction.
    Without it, a cost for a ``batch`` goes to the batch's consumers by units received (now
    if the batch is made, by ``workflows.money``, which the edges call; else when it is); a
    general cost is shared per the co-op's rule: equally among active members at once, or by
    units in the next batch made.

    With ``spread`` (``{"batches": N}`` or ``{"months": N}``), the cost waits in its cost
    account and each of the next N batches made (or each of N months, from the expense's own,
    by its batches made) carries one part of it, by largest remainder (``consumption``).
    """
    spread_over = _spread_clean(coop, spread, split=split, batch=batch)
    category = category_clean(category)
    supplier_refuse(supplier, active_members(coop=coop))
    amount = parse_amount(amount, currency=coop.currency)
    if payer is not None:
        member_require_active(
            coop=coop, user=payer, action=_("fund the co-op"), principle="self_funded"
        )
    declared = words_check(
        kind=Transaction.Kind.EXPENSE, declare=declare, supplier=supplier, description=description
    )
    if batch is not None and batch.coop_id != coop.pk:
        raise Invalid(
            service_or_good(
                coop, _("No such batch in this co-op."), _("No such session in this co-op.")
            ),
            field="batch",
        )
    if (
        spread_over is None
        and split is None
        and batch is None
        and coop.general_cost_mode == coop.GeneralCosts.EQUALLY
    ):
        split = dict.fromkeys(active_members(coop=coop), 1)
    weights = weights_clean(coop, split) if split is not None else None
    with transaction.atomic():
        # Imported here: governance builds on the ledger's co-op, not the other way round.
        from fourfold.governance.services import spending_approval

        approval = spending_approval(coop=coop, amount=amount, proposal_id=proposal)
        if approval is None and spread_over is None:
            # A spread cost weighs on each month's budget by its parts, as they are charged.
            budget_require_within(
                coop=coop, category=category, amount=amount, on=occurred_on or coop_today(coop)
            )
        # Asked after every refusal: no one confirms an amount only to hear it is refused.
        require_confirmed_if_large(coop, amount, confirm_large)
        now = timezone.now()
        legs = [
            (account_get(coop, Account.Kind.COST, category=category), amount),
            (side_account(coop, payer), -amount),
        ]
        touched = [account for account, _amount in legs]
        if weights is not None:
            # The allocation's accounts too, so the whole call locks once, in one order.
            sharers = sorted(weights, key=lambda user: user.username)
            touched += member_accounts(coop, sharers).values()
        elif batch is not None and batch.status == Batch.Status.MADE:
            # The batch's consumers are charged now; which of the members they are is for
            # consumption to say, so every account of the co-op is locked (settle-up does
            # the same).
            touched += Account.objects.filter(coop=coop)
        accounts_lock(touched)
        if payer is None:
            require_pool_holds(coop, amount)
        expense = legs_post(
            coop=coop,
            kind=Transaction.Kind.EXPENSE,
            legs=legs,
            entered_by=entered_by,
            occurred_on=occurred_on,
            now=now,
            asks=consent_asks(kind=Transaction.Kind.EXPENSE, entered_by=entered_by, payer=payer),
            payer=payer,
            category=category,
            supplier=supplier.strip(),
            description=description,
            batch=batch,
            approval=approval,
            declared=declared,
            declaration=declaration(entered_by, declared),
        )
        if spread_over is not None:
            Spread.objects.create(expense=expense, over=spread_over[0], count=spread_over[1])
        if weights is not None:
            cost_allocate(
                coop=coop,
                amount=amount,
                category=category,
                weights=weights,
                entered_by=entered_by,
                of_expense=expense,
                occurred_on=expense.occurred_on,
                batch=batch,
            )
    return expense


def _spread_clean(
    coop: Cooperative, spread: Mapping[str, int] | None, *, split: object, batch: object
) -> tuple[str, int] | None:
    """``{"batches": N}`` as (over, N), or ``None`` for a cost charged at once."""
    if spread is None:
        return None
    if split is not None or batch is not None:
        raise Invalid(
            service_or_good(
                coop,
                _(
                    "A spread cost is shared batch by batch; it has no split and no batch of "
                    "its own."
                ),
                _(
                    "A spread cost is shared session by session; it has no split and no "
                    "session of its own."
                ),
            ),
            field="spread",
        )
    if isinstance(spread, Mapping):
        # A form or an API body sends both fields, the unused one empty.
        spread = {key: value for key, value in spread.items() if value is not None}
    over = next(iter(spread), None) if isinstance(spread, Mapping) and len(spread) == 1 else None
    if over not in Spread.Over.values:
        # The field names are the API's (DESIGN.md), whatever the co-op calls its batches.
        raise Invalid(
            service_or_good(
                coop,
                _('Spread a cost as {"batches": N} or {"months": N}.'),
                _('Spread a cost as {"batches": N} (N sessions) or {"months": N}.'),
            ),
            field="spread",
        )
    count = spread[over]
    if (
        isinstance(count, bool)
        or not isinstance(count, int)
        or not Spread.MIN_COUNT <= count <= Spread.MAX_COUNT
    ):
        raise Invalid(
            service_or_good(
                coop,
                _("A cost is spread over %(min)d to %(max)d batches or months."),
                _("A cost is spread over %(min)d to %(max)d sessions or months."),
            )
            % {"min": Spread.MIN_COUNT, "max": Spread.MAX_COUNT},
            field="spread",
        )
    return Spread.Over(over), count


@retry_on_conflict
def transfer_post(
    *,
    coop: Cooperative,
    payer: User | None,
    payee: User | None,
    amount,
    entered_by: User,
    description: str = "",
    occurred_on: date | None = None,
    declare: str = "",
) -> Transaction:
    """One member pays another directly (settling up): the payer's balance rises by the
    amount and the payee's falls by it. ``None`` on one side is the pool (a reimbursement out
    of it, or a debt paid into it). Words that read like pay for work or outside money are
    asked about (``PrincipleCheck``) until ``declare`` names that principle."""
    amount = parse_amount(amount, currency=coop.currency)
    if payer == payee:
        raise Invalid(_("A transfer needs two different sides."), field="payee")
    for side in (payer, payee):
        if side is not None:
            require_member_of_record(coop, side)
    declared = words_check(kind=Transaction.Kind.TRANSFER, declare=declare, description=description)
    with transaction.atomic():
        legs = [(side_account(coop, payee), amount), (side_account(coop, payer), -amount)]
        accounts_lock(account for account, _amount in legs)
        if payer is None:
            require_pool_holds(coop, amount)
        return legs_post(
            coop=coop,
            kind=Transaction.Kind.TRANSFER,
            legs=legs,
            entered_by=entered_by,
            occurred_on=occurred_on,
            now=timezone.now(),
            asks=consent_asks(
                kind=Transaction.Kind.TRANSFER, entered_by=entered_by, payer=payer, payee=payee
            ),
            payer=payer,
            payee=payee,
            description=description,
            declared=declared,
            declaration=declaration(entered_by, declared),
        )
