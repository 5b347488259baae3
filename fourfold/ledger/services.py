"""Writes to the ledger. Every posting is atomic, sums to zero and names who entered it."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from fourfold.accounts.models import User
from fourfold.coops.audit import audit_record
from fourfold.coops.models import Cooperative, Membership
from fourfold.coops.selectors import (
    active_member_ids,
    active_members,
    coop_today,
    member_by_username,
)
from fourfold.coops.services import member_require_active
from fourfold.errors import Conflict, Invalid, NeedsConfirmation, PrincipleViolation
from fourfold.ledger import selectors
from fourfold.ledger.models import Account, Category, IdempotencyKey, Leg, Transaction
from fourfold.ledger.retry import retry_on_conflict
from fourfold.lib.money import (
    decimal_from_text,
    format_money,
    from_minor,
    parse_money,
    quantize,
    split_largest_remainder,
    to_minor,
)
from fourfold.production.models import Batch

MAX_AMOUNT = Decimal("1e12")
MAX_WEIGHT = 1_000_000
WEIGHT_DECIMALS = 6

# Money from outside the membership, by the names people give it.
OUTSIDE_MONEY = re.compile(
    r"\b(donat\w*|grants?|sponsor\w*|fund-?rais\w*|crowd-?fund\w*|bequest|charit\w*|"
    r"subsid\w*|investors?)\b",
    re.IGNORECASE,
)
# Paying a person for their work, by the names people give it.
LABOUR = re.compile(
    r"\b(wages?|salar(y|ies)|payroll|stipends?|honorari(um|a)|labou?r|paid staff|"
    r"fees? for (work|labou?r|services?)|hourly rate|contractors?|employees?|"
    r"babysitter|cleaner|staff)\b",
    re.IGNORECASE,
)
OUTSIDE_MONEY_CATEGORIES = {"donation", "grant", "sponsorship", "fundraising", "gift"}
LABOUR_CATEGORIES = {
    "wages",
    "wage",
    "salary",
    "labour",
    "labor",
    "payroll",
    "fee",
    "fees",
    "stipend",
    "staff",
    "honorarium",
}


def parse_amount(raw, *, currency: str, field: str = "amount") -> Decimal:
    """A positive amount in ``currency``, no finer than its minor unit. Never a float."""
    try:
        return parse_money(raw, currency, maximum=MAX_AMOUNT)
    except ValueError as error:
        raise Invalid(str(error), field=field) from error


def _membership(coop: Cooperative, user: User | None) -> Membership | None:
    if user is None:
        return None
    return Membership.objects.filter(coop=coop, user=user).first()


def _require_member_of_record(coop: Cooperative, user: User) -> None:
    """Transfers settle debts, so anyone who ever was a member may send or receive one; an
    applicant still waiting to be admitted never was."""
    membership = _membership(coop, user)
    if membership is None or membership.status == Membership.Status.PENDING:
        raise PrincipleViolation(
            "self_funded",
            _("%(name)s is not a member of this co-op; money moves only among members.")
            % {"name": user.username},
        )


def _refuse_outside_money(*texts: str) -> None:
    for text in texts:
        if text and (
            text.strip().lower() in OUTSIDE_MONEY_CATEGORIES or OUTSIDE_MONEY.search(text)
        ):
            raise PrincipleViolation(
                "self_funded",
                _(
                    "donations, grants, sponsorships and fundraising income are refused; "
                    "the co-op is funded only by its members."
                ),
            )


def _refuse_labour(*texts: str) -> None:
    for text in texts:
        if text and (text.strip().lower() in LABOUR_CATEGORIES or LABOUR.search(text)):
            raise PrincipleViolation(
                "no_paid_staff",
                _("the co-op never pays anyone for labour; members produce in turns."),
            )


def _require_confirmed_if_large(coop: Cooperative, amount: Decimal, confirmed: bool) -> None:
    """A pay-in or an expense far above the co-op's usual entries is recorded only once the
    member confirms it: a second look catches 100000 typed for 1000.00."""
    if confirmed:
        return
    usual = selectors.large_entry_threshold(coop=coop)
    if amount <= usual.threshold:
        return
    if usual.median is None:
        why = _("a second look is asked above %(threshold)s") % {
            "threshold": format_money(usual.threshold, coop.currency)
        }
    else:
        why = _("the median entry is %(median)s; a second look is asked above %(threshold)s") % {
            "median": format_money(quantize(usual.median, coop.currency), coop.currency),
            "threshold": format_money(usual.threshold, coop.currency),
        }
    raise NeedsConfirmation(
        _(
            "Are you sure? %(amount)s is far above this co-op's usual entries (%(why)s). "
            "Confirm the amount to record it."
        )
        % {"amount": format_money(amount, coop.currency), "why": why},
        field="confirm_large",
    )


def _category(raw: str | None) -> str:
    value = (raw or "").strip().lower()
    _refuse_labour(value)
    _refuse_outside_money(value)
    if value not in Category.values:
        raise Invalid(
            _("Choose a category: %(choices)s.") % {"choices": ", ".join(Category.values)},
            field="category",
        )
    return value


def entry_principles_check(
    *,
    coop: Cooperative,
    kind: str,
    payer: User | None = None,
    payee: User | None = None,
    category: str = "",
    supplier: str = "",
    description: str = "",
) -> None:
    """The principles a money entry that arrives whole (an import) keeps, by kind: the same
    refusals the posting services make of what people write, and money moves only among
    members. Who was active on the entry's day is not known afterwards, so any member of
    record may be a side; an applicant never is."""
    if kind == Transaction.Kind.CONTRIBUTION:
        _refuse_outside_money(description)
    elif kind == Transaction.Kind.EXPENSE:
        _refuse_labour(supplier, description)
        _refuse_outside_money(description)
        _refuse_labour(category)
        _refuse_outside_money(category)
    elif kind == Transaction.Kind.TRANSFER:
        _refuse_outside_money(description)
        _refuse_labour(description)
    else:
        return
    for side in (payer, payee):
        if side is not None:
            _require_member_of_record(coop, side)


def _account(
    coop: Cooperative, kind: str, *, user: User | None = None, category: str = ""
) -> Account:
    account, _created = Account.objects.get_or_create(
        coop=coop, kind=kind, user=user, category=category
    )
    return account


def _member_accounts(coop: Cooperative, users: list[User]) -> dict[int, Account]:
    """The accounts of ``users``, opening the missing ones: two queries, not one per member."""
    found = {
        a.user_id: a
        for a in Account.objects.filter(coop=coop, kind=Account.Kind.MEMBER, user__in=users)
    }
    missing = [user for user in users if user.pk not in found]
    if missing:
        Account.objects.bulk_create(
            [Account(coop=coop, kind=Account.Kind.MEMBER, user=user) for user in missing],
            ignore_conflicts=True,  # a concurrent posting may open the same account
        )
        found = {
            a.user_id: a
            for a in Account.objects.filter(coop=coop, kind=Account.Kind.MEMBER, user__in=users)
        }
    return found


def _lock(accounts) -> None:
    """Lock every account a service call will move, all at once and in one order (by id),
    before it writes anything.

    A posting moves its accounts' running totals, and the database locks each row it
    updates until commit. An expense then its allocation would otherwise take those locks
    in two steps and two orders (the payer and the cost account, then the sharers and the
    cost account again), and two such calls at once deadlock. Taking them in id order up
    front makes concurrent calls queue instead; locking a row this transaction already
    holds is free, so nested services may lock again.
    """
    ids = sorted({account.pk for account in accounts})
    if ids:
        list(Account.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))


def _post(
    *,
    coop: Cooperative,
    kind: str,
    legs: list[tuple[Account, Decimal]],
    entered_by: User,
    occurred_on: date | None,
    now,
    **fields,
) -> Transaction:
    """Write one balanced transaction and move its accounts' running totals."""
    merged: dict[int, tuple[Account, int]] = {}
    for account, amount in legs:
        previous = merged.get(account.pk, (account, 0))[1]
        merged[account.pk] = (account, previous + to_minor(amount, coop.currency))
    if sum(minor for _account, minor in merged.values()) != 0:
        raise AssertionError("a transaction's legs must sum to zero")
    debit = sum(minor for _account, minor in merged.values() if minor > 0)
    posted = Transaction.objects.create(
        coop=coop,
        kind=kind,
        amount_minor=debit,
        entered_by=entered_by,
        entered_at=now,
        occurred_on=occurred_on or coop_today(coop, now=now),
        **fields,
    )
    Leg.objects.bulk_create(
        [
            Leg(transaction=posted, account=account, amount_minor=minor)
            for account, minor in merged.values()
            if minor != 0
        ]
    )
    # One UPDATE for all the accounts, reading each account's move from the legs just written
    # (a CASE with one branch per account costs more to build than to run in a large co-op).
    # The database locks the rows it changes until commit, so concurrent postings add up
    # instead of overwriting each other.
    this_leg = Leg.objects.filter(transaction=posted, account=OuterRef("pk"))
    Account.objects.filter(pk__in=Leg.objects.filter(transaction=posted).values("account")).update(
        total_minor=F("total_minor") + Subquery(this_leg.values("amount_minor")[:1])
    )
    audit_record(
        coop=coop,
        actor=entered_by,
        action=f"ledger.{kind}",
        at=now,
        transaction=posted.pk,
        amount=str(posted.amount),
    )
    return posted


def _weights(coop: Cooperative, split: Mapping[User, Decimal | int]) -> dict[User, Decimal]:
    if not split:
        raise Invalid(_("Name at least one member to share the cost."), field="split")
    weights: dict[User, Decimal] = {}
    for user, weight in split.items():
        try:
            value = decimal_from_text(weight)
        except ValueError as error:
            raise Invalid(_("Weights are numbers."), field="split") from error
        if not value.is_finite() or value <= 0:
            raise Invalid(_("Every weight must be above zero."), field="split")
        # Bounded before any arithmetic: a weight like 1e999999999 would become a
        # billion-digit fraction in the split.
        if value > MAX_WEIGHT or value.normalize().as_tuple().exponent < -WEIGHT_DECIMALS:
            raise Invalid(
                _("A weight is a number up to %(max)s, with at most %(places)d decimals.")
                % {"max": f"{MAX_WEIGHT:,}", "places": WEIGHT_DECIMALS},
                field="split",
            )
        weights[user] = value
    active = set(active_member_ids(coop=coop))
    for user in sorted(weights, key=lambda member: member.username):
        if user.pk not in active:
            raise PrincipleViolation(
                "members_only",
                _(
                    "%(name)s is not an active member; only members consume, so only members "
                    "share costs."
                )
                % {"name": user.username},
            )
    return weights


@retry_on_conflict
def cost_allocate(
    *,
    coop: Cooperative,
    amount: Decimal,
    category: str,
    weights: Mapping[User, Decimal | int],
    entered_by: User,
    of_expense: Transaction | None = None,
    description: str = "",
    occurred_on: date | None = None,
    batch=None,
) -> Transaction:
    """Charge a cost to members by weight (units taken, or equal shares), exact to the cent.

    The odd minor units go by largest remainder; ties rotate with the co-op's count of earlier
    allocations so the same member does not always carry the extra cent.
    """
    category = _category(category)
    amount = parse_amount(amount, currency=coop.currency)
    clean = _weights(coop, weights)
    members = sorted(clean, key=lambda user: user.username)
    with transaction.atomic():
        now = timezone.now()
        accounts = _member_accounts(coop, members)
        cost = _account(coop, Account.Kind.COST, category=category)
        _lock([cost, *accounts.values()])
        rotate = Transaction.objects.filter(
            coop=coop, kind=Transaction.Kind.COST_ALLOCATION
        ).count()
        parts = split_largest_remainder(
            amount, [clean[m] for m in members], coop.currency, rotate=rotate
        )
        legs = [(accounts[member.pk], part) for member, part in zip(members, parts, strict=True)]
        legs.append((cost, -amount))
        return _post(
            coop=coop,
            kind=Transaction.Kind.COST_ALLOCATION,
            legs=legs,
            entered_by=entered_by,
            occurred_on=occurred_on,
            now=now,
            category=category,
            allocates=of_expense,
            batch=batch,
            description=description or (of_expense.description if of_expense else ""),
        )


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
) -> Transaction:
    """A member pays money into the co-op's pool. An amount far above the co-op's usual
    entries needs ``confirm_large``."""
    _refuse_outside_money(source, description)
    amount = parse_amount(amount, currency=coop.currency)
    member_require_active(
        coop=coop, user=payer, action=_("fund the co-op"), principle="self_funded"
    )
    _require_confirmed_if_large(coop, amount, confirm_large)
    with transaction.atomic():
        legs = [
            (_account(coop, Account.Kind.POOL), amount),
            (_account(coop, Account.Kind.MEMBER, user=payer), -amount),
        ]
        _lock(account for account, _amount in legs)
        return _post(
            coop=coop,
            kind=Transaction.Kind.CONTRIBUTION,
            legs=legs,
            entered_by=entered_by,
            occurred_on=occurred_on,
            now=timezone.now(),
            payer=payer,
            description=description,
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
) -> Transaction:
    """A supplier is paid, by a member out of pocket or (``payer=None``) from the pool. An
    amount far above the co-op's usual entries needs ``confirm_large``.

    With ``split``, the cost is allocated to those members at once, in the same transaction.
    Without it, a cost for a ``batch`` goes to the batch's consumers by units received (now
    if the batch is made, by ``workflows.money``, which the edges call; else when it is); a
    general cost is shared per the co-op's rule: equally among active members at once, or by
    units in the next batch made.
    """
    _refuse_labour(supplier, description)
    _refuse_outside_money(description)
    category = _category(category)
    amount = parse_amount(amount, currency=coop.currency)
    if payer is not None:
        member_require_active(
            coop=coop, user=payer, action=_("fund the co-op"), principle="self_funded"
        )
    if batch is not None and batch.coop_id != coop.pk:
        raise Invalid(_("No such batch in this co-op."), field="batch")
    if split is None and batch is None and coop.general_cost_mode == coop.GeneralCosts.EQUALLY:
        split = dict.fromkeys(active_members(coop=coop), 1)
    weights = _weights(coop, split) if split is not None else None
    with transaction.atomic():
        # Imported here: governance builds on the ledger's co-op, not the other way round.
        from fourfold.governance.services import spending_approval

        approval = spending_approval(coop=coop, amount=amount, proposal_id=proposal)
        # Asked after every refusal: no one confirms an amount only to hear it is refused.
        _require_confirmed_if_large(coop, amount, confirm_large)
        now = timezone.now()
        legs = [
            (_account(coop, Account.Kind.COST, category=category), amount),
            (_side_account(coop, payer), -amount),
        ]
        touched = [account for account, _amount in legs]
        if weights is not None:
            # The allocation's accounts too, so the whole call locks once, in one order.
            sharers = sorted(weights, key=lambda user: user.username)
            touched += _member_accounts(coop, sharers).values()
        elif batch is not None and batch.status == Batch.Status.MADE:
            # The batch's consumers are charged now; which of the members they are is for
            # consumption to say, so every account of the co-op is locked (settle-up does
            # the same).
            touched += Account.objects.filter(coop=coop)
        _lock(touched)
        if payer is None:
            _require_pool_holds(coop, amount)
        expense = _post(
            coop=coop,
            kind=Transaction.Kind.EXPENSE,
            legs=legs,
            entered_by=entered_by,
            occurred_on=occurred_on,
            now=now,
            payer=payer,
            category=category,
            supplier=supplier.strip(),
            description=description,
            batch=batch,
            approval=approval,
        )
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
) -> Transaction:
    """One member pays another directly (settling up): the payer's balance rises by the
    amount and the payee's falls by it. ``None`` on one side is the pool (a reimbursement out
    of it, or a debt paid into it)."""
    _refuse_outside_money(description)
    _refuse_labour(description)
    amount = parse_amount(amount, currency=coop.currency)
    if payer == payee:
        raise Invalid(_("A transfer needs two different sides."), field="payee")
    for side in (payer, payee):
        if side is not None:
            _require_member_of_record(coop, side)
    with transaction.atomic():
        legs = [(_side_account(coop, payee), amount), (_side_account(coop, payer), -amount)]
        _lock(account for account, _amount in legs)
        if payer is None:
            _require_pool_holds(coop, amount)
        return _post(
            coop=coop,
            kind=Transaction.Kind.TRANSFER,
            legs=legs,
            entered_by=entered_by,
            occurred_on=occurred_on,
            now=timezone.now(),
            payer=payer,
            payee=payee,
            description=description,
        )


def _require_pool_holds(coop: Cooperative, amount: Decimal) -> None:
    """The pool pays only money it holds. The row lock makes two payments from the pool queue,
    so together they cannot overdraw it."""
    pool = Account.objects.select_for_update().filter(coop=coop, kind=Account.Kind.POOL).first()
    held = pool.total_minor if pool else 0
    if held < to_minor(amount, coop.currency):
        raise Conflict(
            _("The pool holds %(held)s, less than %(amount)s; a member can pay instead.")
            % {
                "held": format_money(from_minor(held, coop.currency), coop.currency),
                "amount": format_money(amount, coop.currency),
            },
            field="payer",
        )


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


def _side_account(coop: Cooperative, user: User | None) -> Account:
    if user is None:
        return _account(coop, Account.Kind.POOL)
    return _account(coop, Account.Kind.MEMBER, user=user)


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
            _lock(Account.objects.filter(legs__transaction__in=dependants).distinct().only("pk"))
            _require_pool_covers_reversal(coop, dependants)
            reversals = [
                _post(
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


def _fingerprint(payload: Mapping) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def idempotent(
    *, coop: Cooperative, key: str | None, payload: Mapping, post
) -> tuple[Transaction, bool]:
    """Run ``post()`` once per ``Idempotency-Key``: a retry gets the first transaction back.

    Returns the transaction and whether it was posted now. The key row is written in the same
    database transaction as the posting; a concurrent duplicate hits the unique constraint,
    rolls its own posting back and returns the winner's transaction.
    """
    if not key:
        return post(), True  # the service retries its own transaction
    if len(key) > 255:
        raise Invalid(_("An Idempotency-Key has at most 255 characters."))
    return _once_per_key(coop=coop, key=key, fingerprint=_fingerprint(payload), post=post)


@retry_on_conflict
def _once_per_key(
    *, coop: Cooperative, key: str, fingerprint: str, post
) -> tuple[Transaction, bool]:
    # The key row and the posting share one transaction, so it is this one that retries.
    existing = (
        IdempotencyKey.objects.filter(coop=coop, key=key).select_related("transaction").first()
    )
    if existing is None:
        try:
            with transaction.atomic():
                posted = post()
                IdempotencyKey.objects.create(
                    coop=coop,
                    key=key,
                    fingerprint=fingerprint,
                    transaction=posted,
                    created_at=timezone.now(),
                )
            return posted, True
        except IntegrityError:
            existing = (
                IdempotencyKey.objects.select_related("transaction")
                .filter(coop=coop, key=key)
                .first()
            )
            if existing is None:
                raise
    if existing.fingerprint != fingerprint:
        raise Conflict(_("This Idempotency-Key was used for a different request."))
    return existing.transaction, False


POOL = "pool"


def _resolve(coop: Cooperative, username: str | None, *, principle: str, role: str) -> User:
    """The member named ``username``; a name that is no member of this co-op is refused by
    the principle at stake, without telling whether such an account exists elsewhere."""
    user = member_by_username(coop=coop, username=username or "")
    if user is None:
        raise PrincipleViolation(
            principle,
            _("%(name)s is not a member of this co-op (%(role)s).")
            % {"name": username, "role": role},
        )
    return user


def _batch(coop: Cooperative, batch_id: int | None) -> Batch | None:
    if batch_id is None:
        return None
    found = Batch.objects.filter(coop=coop, pk=batch_id).first()
    if found is None:
        raise Invalid(_("No such batch in this co-op."), field="batch")
    return found


def _check_occurred_on(coop: Cooperative, occurred_on: date) -> None:
    """Money changes hands within the co-op's life: not before it was founded, not ahead."""
    today = coop_today(coop)
    if occurred_on > today:
        raise Invalid(_("Record money when it has changed hands, not ahead."), field="occurred_on")
    founded = coop.founded_at.astimezone(coop.zone).date()
    if occurred_on < founded:
        raise Invalid(
            _("The co-op was founded on %(date)s; money it holds changed hands since.")
            % {"date": founded.isoformat()},
            field="occurred_on",
        )


def entry_record(
    *,
    coop: Cooperative,
    entered_by: User,
    kind: str,
    amount,
    payer: str | None = None,
    payee: str | None = None,
    category: str | None = None,
    split: list[str] | Mapping[str, Decimal | int | str] | None = None,
    description: str = "",
    supplier: str = "",
    source: str = "",
    occurred_on: date | None = None,
    batch: int | None = None,
    proposal: int | None = None,
    confirm_large: bool = False,
    currency: str | None = None,
) -> Transaction:
    """Record what a member tells the ledger, naming people by username.

    ``payer`` defaults to the member entering it; ``"pool"`` names the co-op's pool (an
    expense paid from it, or a transfer out of it). ``split`` (expenses only) is a list of
    usernames sharing equally or ``{username: weight}``. ``currency``, if given, must be the
    co-op's: nothing is converted.
    """

    def side(name: str | None, role: str, principle: str) -> User | None:
        if name is None:
            return entered_by
        if not name.strip():
            raise Invalid(
                _('Name the %(role)s by username, or "pool".') % {"role": role}, field=role
            )
        if name.strip().lower() == POOL:
            return None
        return _resolve(coop, name.strip(), principle=principle, role=role)

    if currency is not None and currency.strip().upper() != coop.currency:
        raise Invalid(
            _("This co-op keeps its books in %(currency)s; nothing is converted.")
            % {"currency": coop.currency},
            field="currency",
        )
    if occurred_on is not None:
        _check_occurred_on(coop, occurred_on)
    if split is not None and kind != Transaction.Kind.EXPENSE:
        raise Invalid(_("Only an expense is split among members."), field="split")
    if kind == Transaction.Kind.CONTRIBUTION:
        member = side(payer, "payer", "self_funded")
        if member is None:
            raise Invalid(
                _("A contribution comes from a member, not from the pool."), field="payer"
            )
        return contribution_post(
            coop=coop,
            payer=member,
            amount=amount,
            entered_by=entered_by,
            description=description,
            source=source or category or "",
            occurred_on=occurred_on,
            confirm_large=confirm_large,
        )
    if kind == Transaction.Kind.EXPENSE:
        weights = None
        if split is not None:
            pairs = split.items() if isinstance(split, Mapping) else ((name, 1) for name in split)
            weights = {}
            for name, weight in pairs:
                member = _resolve(coop, name, principle="members_only", role="split")
                if member in weights:
                    # "bob" twice (or "bob" and "Bob") would silently count once.
                    raise Invalid(
                        _("%(name)s is named twice in the split.") % {"name": member.username},
                        field="split",
                    )
                weights[member] = weight
        return expense_post(
            coop=coop,
            payer=side(payer, "payer", "self_funded"),
            amount=amount,
            category=category or "",
            entered_by=entered_by,
            supplier=supplier,
            description=description,
            split=weights,
            occurred_on=occurred_on,
            batch=_batch(coop, batch),
            proposal=proposal,
            confirm_large=confirm_large,
        )
    if kind == Transaction.Kind.TRANSFER:
        if payee is None:
            raise Invalid(_("Name who receives the transfer."), field="payee")
        return transfer_post(
            coop=coop,
            payer=side(payer, "payer", "self_funded"),
            payee=side(payee, "payee", "self_funded"),
            amount=amount,
            entered_by=entered_by,
            description=description,
            occurred_on=occurred_on,
        )
    raise Invalid(_("Choose a kind: contribution, expense or transfer."), field="kind")
