"""Buy-in deposits: the refundable deposit a co-op's ``buy_in`` rule asks of each member it
admits. It is the member's money the co-op holds: paid into the pool's cash (so it can fund
equipment like any money there) and owed back in the member's equity account, kept apart from
their running balance. When they leave it comes back to them, less what they still owe."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from fourfold.accounts.models import User
from fourfold.coops.models import Cooperative, Membership
from fourfold.coops.selectors import is_active_member
from fourfold.coops.services import member_require_active
from fourfold.errors import Conflict, Invalid, PrincipleViolation
from fourfold.ledger.models import Account, ConsentAsk, Transaction
from fourfold.ledger.posting import (
    account_get,
    accounts_lock,
    consent_asks,
    legs_post,
    parse_amount,
)
from fourfold.ledger.retry import retry_on_conflict
from fourfold.lib.money import format_money, from_minor


@dataclass(frozen=True)
class Deposit:
    asked: Decimal  # what the buy-in rule asked of them when they were admitted
    held: Decimal  # what they paid in and have not had back

    @property
    def due(self) -> Decimal:
        return max(self.asked - self.held, Decimal(0))


def deposit_of(*, coop: Cooperative, member: User) -> Deposit:
    """One query: what was asked of the member, and what their equity account holds."""
    equity = Account.objects.filter(coop=coop, kind=Account.Kind.EQUITY, user=member)
    row = (
        Membership.objects.filter(coop=coop, user=member)
        .annotate(total=Coalesce(Subquery(equity.values("total_minor")[:1]), 0))
        .values_list("buy_in_minor", "total")
        .first()
    )
    asked, total = row or (0, 0)
    # Credit-normal like a member's account: what the co-op owes back is a negative total.
    return Deposit(asked=from_minor(asked, coop.currency), held=from_minor(-total, coop.currency))


@retry_on_conflict
def deposit_post(
    *,
    coop: Cooperative,
    member: User,
    entered_by: User,
    amount=None,
    occurred_on: date | None = None,
) -> Transaction:
    """``member`` pays their deposit (all that is due, or a part of it) into the pool. Entered
    by another member it waits for ``member``'s confirmation, like any entry naming them."""
    member_require_active(
        coop=coop, user=member, action=_("pay a deposit"), principle="self_funded"
    )
    with transaction.atomic():
        equity = account_get(coop, Account.Kind.EQUITY, user=member)
        pool = account_get(coop, Account.Kind.POOL)
        # Locked before reading what is due, so two payments at once cannot both pay it.
        accounts_lock([equity, pool])
        due = deposit_of(coop=coop, member=member).due
        if not due:
            raise Conflict(
                _("%(name)s owes no deposit: it is paid, or the co-op asked none.")
                % {"name": member.username},
                field="amount",
            )
        paid = due if amount in (None, "") else parse_amount(amount, currency=coop.currency)
        if paid > due:
            raise Invalid(
                _("The deposit due is %(due)s; money beyond it is a pay-in.")
                % {"due": format_money(due, coop.currency)},
                field="amount",
            )
        return legs_post(
            coop=coop,
            kind=Transaction.Kind.DEPOSIT,
            legs=[(pool, paid), (equity, -paid)],
            entered_by=entered_by,
            occurred_on=occurred_on,
            now=timezone.now(),
            asks=consent_asks(kind=Transaction.Kind.DEPOSIT, entered_by=entered_by, payer=member),
            payer=member,
            description=_("Buy-in deposit"),
        )


@dataclass(frozen=True)
class DepositReturn:
    held: Decimal  # the deposit the co-op holds for them
    owed: Decimal  # what they owe the co-op, taken from it
    paid_out: Decimal  # what the pool pays them


def deposit_return_of(*, coop: Cooperative, member: User) -> DepositReturn:
    """What leaving would return: the deposit less what the member owes, never below 0. One
    query for both accounts."""
    totals = dict(
        Account.objects.filter(
            coop=coop, kind__in=[Account.Kind.MEMBER, Account.Kind.EQUITY], user=member
        ).values_list("kind", "total_minor")
    )
    held = -totals.get(Account.Kind.EQUITY, 0)
    owed = min(max(totals.get(Account.Kind.MEMBER, 0), 0), held)
    return DepositReturn(
        held=from_minor(held, coop.currency),
        owed=from_minor(owed, coop.currency),
        paid_out=from_minor(held - owed, coop.currency),
    )


@retry_on_conflict
def deposit_return(*, coop: Cooperative, member: User, entered_by: User) -> Transaction:
    """Give a member who has left their deposit back, less what they owe. Leaving is their
    consent to that (they see the figures first); the pool paying out the rest waits for a
    second member, as every payment from the pool does. Entered by the leaver as they leave,
    or later by an active member when that first entry lapsed or was declined."""
    membership = Membership.objects.filter(coop=coop, user=member).first()
    if membership is None or membership.status != Membership.Status.LEFT:
        raise Conflict(_("A deposit comes back when its member leaves the co-op."))
    if entered_by != member and not is_active_member(coop=coop, user=entered_by):
        raise PrincipleViolation(
            "members_only",
            _("%(name)s is not an active member; only active members return a deposit.")
            % {"name": entered_by.username},
        )
    with transaction.atomic():
        equity = account_get(coop, Account.Kind.EQUITY, user=member)
        own = account_get(coop, Account.Kind.MEMBER, user=member)
        pool = account_get(coop, Account.Kind.POOL)
        accounts_lock([equity, own, pool])
        if (
            Transaction.objects.pending()
            .filter(coop=coop, kind=Transaction.Kind.DEPOSIT_RETURN, payee=member)
            .exists()
        ):
            raise Conflict(
                _("%(name)s's deposit is already on its way back, waiting for a confirmation.")
                % {"name": member.username}
            )
        figures = deposit_return_of(coop=coop, member=member)
        if not figures.held:
            raise Conflict(
                _("The co-op holds no deposit for %(name)s.") % {"name": member.username}
            )
        return legs_post(
            coop=coop,
            kind=Transaction.Kind.DEPOSIT_RETURN,
            legs=[(equity, figures.held), (own, -figures.owed), (pool, -figures.paid_out)],
            entered_by=entered_by,
            occurred_on=None,
            now=timezone.now(),
            asks=[(None, ConsentAsk.Role.POOL)] if figures.paid_out else [],
            payee=member,
            description=_("Deposit of %(held)s returned: %(owed)s owed, %(out)s paid out")
            % {
                "held": format_money(figures.held, coop.currency),
                "owed": format_money(figures.owed, coop.currency),
                "out": format_money(figures.paid_out, coop.currency),
            },
        )


def deposits_held(*, coop: Cooperative) -> Decimal:
    """All the deposits the co-op holds: part of the pool's cash that is owed back."""
    total = sum(
        Account.objects.filter(coop=coop, kind=Account.Kind.EQUITY).values_list(
            "total_minor", flat=True
        )
    )
    return from_minor(-total, coop.currency)
