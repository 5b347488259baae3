"""A cost charged to members by weight (units taken, or equal shares), exact to the cent."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fourfold.accounts.models import User
from fourfold.coops.models import Cooperative
from fourfold.coops.selectors import active_member_ids
from fourfold.errors import Invalid, PrincipleViolation
from fourfold.ledger.models import Account, Transaction
from fourfold.ledger.posting import (
    account_get,
    accounts_lock,
    legs_post,
    member_accounts,
    parse_amount,
)
from fourfold.ledger.principles import category_clean
from fourfold.ledger.retry import retry_on_conflict
from fourfold.lib.money import decimal_from_text, exponent_of, split_largest_remainder

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
    category = category_clean(category)
    amount = parse_amount(amount, currency=coop.currency)
    clean = weights_clean(coop, weights)
    members = sorted(clean, key=lambda user: user.username)
    with transaction.atomic():
        now = timezone.now()
        accounts = member_accounts(coop, members)
        cost = account_get(coop, Account.Kind.COST, category=category)
        accounts_lock([cost, *accounts.values()])
        rotate = Transaction.objects.filter(
            coop=coop, kind=Transaction.Kind.COST_ALLOCATION
        ).count()
        parts = split_largest_remainder(
            amount, [clean[m] for m in members], coop.currency, rotate=rotate
        )
        legs = [(accounts[member.pk], part) for member, part in zip(members, parts, strict=True)]
        legs.append((cost, -amount))
        return legs_post(
            coop=coop,
            kind=Transaction.Kind.COST_ALLOCATION,
            legs=legs,
            entered_by=entered_by,
            occurred_on=occurred_on,
            now=now,
            # The cost of an expense still waiting for consent is charged when it posts; one
            # that waited and was confirmed has posted, so its cost is charged now.
            held=of_expense is not None
            and of_expense.awaits_consent
            and not Transaction.objects.posted().filter(pk=of_expense.pk).exists(),
            category=category,
            allocates=of_expense,
            batch=batch,
            description=description or (of_expense.description if of_expense else ""),
        )
