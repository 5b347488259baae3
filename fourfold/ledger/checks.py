"""The books checked against themselves, and the balances members left behind."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, Sum, Window
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from fourfold.accounts.models import User
from fourfold.coops.models import Cooperative, Membership
from fourfold.ledger.models import Account, Leg, Transaction
from fourfold.lib.money import format_money, from_minor


@dataclass(frozen=True)
class LeftBalance:
    coop: Cooperative
    balance: Decimal  # positive: the co-op owes the former member

    @property
    def owed(self) -> Decimal:
        return -self.balance


def balances_left_behind(*, user: User) -> list[LeftBalance]:
    """What is still owed either way in the co-ops ``user`` has left: they no longer see
    those co-ops' pages, but they should see this until it is settled. One query."""
    accounts = (
        Account.objects.filter(
            user=user,
            kind=Account.Kind.MEMBER,
            coop__memberships__user=user,
            coop__memberships__status=Membership.Status.LEFT,
        )
        .exclude(total_minor=0)
        .select_related("coop")
        .order_by("coop__name")
    )
    return [
        # An account's total is what flowed in minus out; the member's balance is its opposite.
        LeftBalance(coop=a.coop, balance=from_minor(-a.total_minor, a.coop.currency))
        for a in accounts
    ]


def account_name(account: Account) -> str:
    """How an account is named in exports and checks: member:<username>, equity:<username>,
    pool, charging, cost:<category>."""
    if account.kind in (Account.Kind.MEMBER, Account.Kind.EQUITY) and account.user is not None:
        return f"{account.kind}:{account.user.username}"
    if account.kind == Account.Kind.COST:
        return f"cost:{account.category}"
    return account.kind


def books_check(*, coop: Cooperative) -> list[str]:
    """What is wrong with the co-op's books, one sentence per problem; empty when they are
    sound. The services keep these true on every posting; this looks at what the database
    holds, so it also finds what a hand at the database changed behind their back:

    - every transaction's legs sum to zero, and its debits to its amount;
    - every account's running total equals the sum of its legs;
    - the charging account, which a made batch's costs cross, is at zero;
    - nothing is reversed twice, and no reversal is reversed;
    - the pool never held less than nothing, posting after posting.

    Six aggregate queries, whatever the size of the ledger.
    """

    def money(minor: int) -> str:
        return format_money(from_minor(minor, coop.currency), coop.currency)

    problems: list[str] = []
    # Entries waiting for consent, declined or lapsed hold no legs, and a request to reverse
    # never does (the reversal it posts does).
    unbalanced = (
        Transaction.objects.posted()
        .filter(coop=coop)
        .exclude(kind=Transaction.Kind.REVERSAL_REQUEST)
        .annotate(
            leg_sum=Coalesce(Sum("legs__amount_minor"), 0),
            debits=Coalesce(Sum("legs__amount_minor", filter=Q(legs__amount_minor__gt=0)), 0),
        )
        .filter(~Q(leg_sum=0) | ~Q(debits=F("amount_minor")))
        .order_by("pk")
        .values_list("pk", "amount_minor", "leg_sum", "debits")
    )
    for pk, amount, leg_sum, debits in unbalanced:
        if leg_sum:
            problems.append(
                _("Transaction #%(id)d: its legs sum to %(sum)s, not zero.")
                % {"id": pk, "sum": money(leg_sum)}
            )
        if debits != amount:
            problems.append(
                _("Transaction #%(id)d: its amount is %(amount)s, but its legs move %(debits)s.")
                % {"id": pk, "amount": money(amount), "debits": money(debits)}
            )
    drifted = (
        Account.objects.filter(coop=coop)
        .annotate(leg_sum=Coalesce(Sum("legs__amount_minor"), 0))
        .exclude(leg_sum=F("total_minor"))
        .select_related("user")
        .order_by("pk")
    )
    for account in drifted:
        problems.append(
            _("Account %(account)s: its total is %(total)s, but its legs sum to %(sum)s.")
            % {
                "account": account_name(account),
                "total": money(account.total_minor),
                "sum": money(account.leg_sum),
            }
        )
    for held in (
        Account.objects.filter(coop=coop, kind=Account.Kind.CHARGING)
        .exclude(total_minor=0)
        .values_list("total_minor", flat=True)
    ):
        problems.append(
            _("The charging account holds %(total)s; every batch charge leaves it at zero.")
            % {"total": money(held)}
        )
    twice = (
        Transaction.objects.filter(coop=coop, reverses__isnull=False)
        .values("reverses_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("reverses_id")
        .values_list("reverses_id", "n")
    )
    for pk, count in twice:
        problems.append(
            _("Transaction #%(id)d is reversed %(n)d times; once is the most.")
            % {"id": pk, "n": count}
        )
    for pk, of in (
        Transaction.objects.filter(coop=coop, reverses__kind=Transaction.Kind.REVERSAL)
        .order_by("pk")
        .values_list("pk", "reverses_id")
    ):
        problems.append(
            _("Reversal #%(id)d reverses #%(of)d, itself a reversal.") % {"id": pk, "of": of}
        )
    # In the order the postings were made (their ids): a backdated entry is still paid from
    # what the pool held when it was entered.
    overdrawn = (
        Leg.objects.filter(account__coop=coop, account__kind=Account.Kind.POOL)
        .annotate(held=Window(Sum("amount_minor"), order_by=["transaction_id", "pk"]))
        .filter(held__lt=0)
        .order_by("transaction_id", "pk")
        .values_list("transaction_id", "held")
        .first()
    )
    if overdrawn is not None:
        problems.append(
            _("The pool fell to %(held)s with transaction #%(id)d; it pays only what it holds.")
            % {"held": money(overdrawn[1]), "id": overdrawn[0]}
        )
    return problems
