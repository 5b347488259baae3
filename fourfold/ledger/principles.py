"""The principles every money entry keeps: members' money only, no paid labour, a second look."""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.translation import gettext as _

from fourfold.accounts.models import User
from fourfold.coops.models import Cooperative, Membership
from fourfold.errors import Invalid, NeedsConfirmation, PrincipleViolation
from fourfold.ledger import selectors
from fourfold.ledger.models import Category, Transaction
from fourfold.lib.money import format_money, quantize

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


def _membership(coop: Cooperative, user: User | None) -> Membership | None:
    if user is None:
        return None
    return Membership.objects.filter(coop=coop, user=user).first()


def require_member_of_record(coop: Cooperative, user: User) -> None:
    """Transfers settle debts, so anyone who ever was a member may send or receive one; an
    applicant still waiting to be admitted never was."""
    membership = _membership(coop, user)
    if membership is None or membership.status == Membership.Status.PENDING:
        raise PrincipleViolation(
            "self_funded",
            _("%(name)s is not a member of this co-op; money moves only among members.")
            % {"name": user.username},
        )


def refuse_outside_money(*texts: str) -> None:
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


def refuse_labour(*texts: str) -> None:
    for text in texts:
        if text and (text.strip().lower() in LABOUR_CATEGORIES or LABOUR.search(text)):
            raise PrincipleViolation(
                "no_paid_staff",
                _("the co-op never pays anyone for labour; members produce in turns."),
            )


def require_confirmed_if_large(coop: Cooperative, amount: Decimal, confirmed: bool) -> None:
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


def category_clean(raw: str | None) -> str:
    value = (raw or "").strip().lower()
    refuse_labour(value)
    refuse_outside_money(value)
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
        refuse_outside_money(description)
    elif kind == Transaction.Kind.EXPENSE:
        refuse_labour(supplier, description)
        refuse_outside_money(description)
        refuse_labour(category)
        refuse_outside_money(category)
    elif kind == Transaction.Kind.TRANSFER:
        refuse_outside_money(description)
        refuse_labour(description)
    else:
        return
    for side in (payer, payee):
        if side is not None:
            require_member_of_record(coop, side)
