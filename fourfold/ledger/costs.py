"""A cost charged to members by weight (units taken, or equal shares), exact to the cent."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fourfold.accounts.models import User
from fourfold.coops.models import Cooperative
from fourfold.coops.selectors import active_member_ids, coop_today
from fourfold.errors import Invalid, PrincipleViolation
from fourfold.ledger.models import Account, Transaction
from fourfold.ledger.posting import (
    Posting,
    account_get,
    accounts_lock,
    member_accounts,
    parse_amount,
    postings_write,
)
from fourfold.ledger.principles import category_clean
from fourfold.ledger.retry import retry_on_conflict
from fourfold.lib.money import decimal_from_text, exponent_of, split_minor, to_minor

MAX_WEIGHT = 1_000_000
WEIGHT_DECIMALS = 6


def weights_clean(coop: Cooperative, split: Mapping[User, Decimal | int]) -> dict[User, Decimal]:
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
        if value > MAX_WEIGHT or exponent_of(value.normalize()) < -WEIGHT_DECIMALS:
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


@dataclass(frozen=True)
class Charge:
    """A cost to charge by weight: the whole of an expense, or a part of one (a spread's, a
    recurring period's) when ``amount`` is less than the expense's."""

    amount: Decimal
    category: str
    entered_by: User
    of_expense: Transaction | None = None
    description: str = ""
    occurred_on: date | None = None


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
    charge = Charge(
        amount=amount,
        category=category,
        entered_by=entered_by,
        of_expense=of_expense,
        description=description,
        occurred_on=occurred_on,
    )
    return costs_allocate(coop=coop, charges=[charge], weights=weights, batch=batch)[0]


@retry_on_conflict
def costs_allocate(
    *,
    coop: Cooperative,
    charges: Sequence[Charge],
    weights: Mapping[User, Decimal | int],
    batch=None,
) -> list[Transaction]:
    """``cost_allocate`` for several costs shared by the same weights, as a made batch shares
    every cost it carries: each its own allocation, split as if posted one after the other
    (the rotation moves on by one each), written together. With a ``batch``, the allocations
    that post now move their costs into the charging account and keep each member's part in
    ``shares``; one batch charge then moves it to the members (see ``ledger.models``)."""
    if not charges:
        return []
    clean = weights_clean(coop, weights)
    members = sorted(clean, key=lambda user: user.username)
    member_weights = [clean[member] for member in members]
    amounts = [parse_amount(charge.amount, currency=coop.currency) for charge in charges]
    categories = [category_clean(charge.category) for charge in charges]
    with transaction.atomic():
        now = timezone.now()
        accounts = member_accounts(coop, members)
        costs = {
            category: account_get(coop, Account.Kind.COST, category=category)
            for category in sorted(set(categories))
        }
        # Within a made batch, what posts now is charged once: a leg per member in all.
        charging = account_get(coop, Account.Kind.CHARGING) if batch is not None else None
        accounts_lock([*costs.values(), *accounts.values(), *([charging] if charging else [])])
        rotate = Transaction.objects.filter(
            coop=coop, kind=Transaction.Kind.COST_ALLOCATION
        ).count()
        # The cost of an expense still waiting for consent is charged when it posts; one that
        # waited and was confirmed has posted, so its cost is charged now.
        waiting = {
            charge.of_expense.pk
            for charge in charges
            if charge.of_expense is not None and charge.of_expense.awaits_consent
        }
        posted = (
            set(Transaction.objects.posted().filter(pk__in=waiting).values_list("pk", flat=True))
            if waiting
            else set()
        )
        member_ids = [accounts[member.pk].pk for member in members]
        charged: dict[int, int] = {}
        postings = []
        for index, (charge, amount, category) in enumerate(
            zip(charges, amounts, categories, strict=True)
        ):
            units = to_minor(amount, coop.currency)
            parts = split_minor(units, member_weights, rotate=rotate + index)
            expense = charge.of_expense
            held = expense is not None and expense.pk in waiting and expense.pk not in posted
            fields = {
                "category": category,
                "allocates": expense,
                "batch": batch,
                "description": charge.description or (expense.description if expense else ""),
            }
            if charging is not None and not held:
                moves = [(charging.pk, units), (costs[category].pk, -units)]
                fields["shares"] = [
                    [member.pk, part] for member, part in zip(members, parts, strict=True) if part
                ]
                for account_id, part in zip(member_ids, parts, strict=True):
                    charged[account_id] = charged.get(account_id, 0) + part
            else:
                moves = [*zip(member_ids, parts, strict=True), (costs[category].pk, -units)]
            postings.append(
                Posting(
                    kind=Transaction.Kind.COST_ALLOCATION,
                    moves=moves,
                    entered_by=charge.entered_by,
                    occurred_on=charge.occurred_on,
                    held=held,
                    fields=fields,
                )
            )
        if charging is not None and charged:
            total = sum(charged.values())
            # Written first, so that the costs it gathers can point at it.
            (batch_charge,) = postings_write(
                coop=coop,
                postings=[
                    Posting(
                        kind=Transaction.Kind.BATCH_CHARGE,
                        moves=[*charged.items(), (charging.pk, -total)],
                        entered_by=charges[0].entered_by,
                        occurred_on=max(
                            posting.occurred_on or coop_today(coop, now=now)
                            for posting in postings
                            if not posting.held
                        ),
                        fields={"batch": batch},
                    )
                ],
                now=now,
            )
            for posting in postings:
                if "shares" in posting.fields:
                    posting.fields["batch_charge"] = batch_charge
        return postings_write(coop=coop, postings=postings, now=now)
