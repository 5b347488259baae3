"""The principles every money entry keeps: members' money only, no paid labour, a second look."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fourfold.accounts.models import User
from fourfold.coops.models import Cooperative, Membership
from fourfold.errors import Invalid, NeedsConfirmation, PrincipleCheck, PrincipleViolation
from fourfold.ledger import principle_words, selectors
from fourfold.ledger.models import Category, Transaction
from fourfold.lib.money import format_money, quantize

# The name that stands for the co-op's pool wherever a member is named.
POOL = "pool"
# What a member declares when the words of an entry were asked about.
DECLARATIONS = {
    "self_funded": gettext_lazy("this is members' own money"),
    "no_paid_staff": gettext_lazy("this is not paid labour"),
}
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


def category_refuse(value: str | None, *, paying_in: bool = False) -> None:
    """A category that is itself outside money or labour breaks the principle by structure:
    refused, whatever the words around it. ``paying_in``: a pay-in's source, where only
    outside money is at stake (a member pays in from their own salary)."""
    value = (value or "").strip().lower()
    if value in OUTSIDE_MONEY_CATEGORIES:
        raise PrincipleViolation(
            "self_funded",
            _(
                "donations, grants, sponsorships and fundraising income are refused; "
                "the co-op is funded only by its members."
            ),
        )
    if value in LABOUR_CATEGORIES and not paying_in:
        raise PrincipleViolation(
            "no_paid_staff",
            _("the co-op never pays anyone for labour; members produce in turns."),
        )


def supplier_refuse(supplier: str, members: Iterable[User]) -> None:
    """An expense buys goods, space or equipment from a supplier who is not a member: one
    named like a member (by username or full name) or the pool would be paying a member."""
    name = " ".join(supplier.split()).casefold()
    if not name:
        return
    if name in {POOL, "the pool", "co-op pool", "the co-op's pool", "the co-op"}:
        raise PrincipleViolation(
            "no_paid_staff",
            _("the pool is no supplier; an expense pays someone outside the co-op."),
        )
    for member in members:
        full = " ".join(member.get_full_name().split()).casefold()
        if name == member.username.casefold() or (full and name == full):
            raise PrincipleViolation(
                "no_paid_staff",
                _(
                    "%(name)s is a member; an expense buys goods, space or equipment from a "
                    "supplier who is not a member, and members are never paid."
                )
                % {"name": supplier.strip()},
            )


def _check(principle: str, words: list[str], declare: str) -> str:
    if not words:
        return ""
    if declare == principle:
        return principle
    quoted = ", ".join(f"“{word}”" for word in words)
    if principle == "self_funded":
        detail = _(
            "%(words)s reads like money from outside the membership. If it is members' own "
            "money, declare it and send it again: the declaration is shown to every member."
        )
    else:
        detail = _(
            "%(words)s reads like paying someone for their work. If it is not paid labour, "
            "declare it and send it again: the declaration is shown to every member."
        )
    raise PrincipleCheck(principle, detail % {"words": quoted}, words=words)


def words_check(
    *, kind: str, declare: str = "", source: str = "", supplier: str = "", description: str = ""
) -> str:
    """The second line: words that read like outside money or pay for work are asked about
    (``PrincipleCheck``) unless ``declare`` names that principle. Returns the principle the
    member declares for this entry, or "" when the words asked for no declaration."""
    if declare not in ("", *DECLARATIONS):
        raise Invalid(
            _("Declare one of: %(choices)s.") % {"choices": ", ".join(DECLARATIONS)},
            field="declare",
        )
    if kind == Transaction.Kind.CONTRIBUTION:
        outside = principle_words.outside_money_words(source, description, paying_in=True)
        labour: list[str] = []
    elif kind == Transaction.Kind.EXPENSE:
        outside = principle_words.outside_money_words(supplier, description)
        labour = principle_words.paid_work_words(supplier, description)
    elif kind == Transaction.Kind.TRANSFER:
        outside = principle_words.outside_money_words(description)
        labour = principle_words.paid_work_words(description)
    else:
        return ""
    return _check("self_funded", outside, declare) or _check("no_paid_staff", labour, declare)


def declaration(by: User, principle: str) -> str:
    """The sentence a declared entry shows every member: "dee declared: this is not paid
    labour"; "" when nothing was declared."""
    if not principle:
        return ""
    return _("%(name)s declared: %(statement)s") % {
        "name": by.username,
        "statement": DECLARATIONS[principle],
    }


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
    category_refuse(value)
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
    declared: str = "",
) -> None:
    """The principles a money entry that arrives whole (an import) keeps, by kind: the same
    structure and words the posting services check (an entry declared for a principle passes
    its words), and money moves only among members. Who was active on the entry's day is not
    known afterwards, so any member of record may be a side; an applicant never is."""
    if kind not in (
        Transaction.Kind.CONTRIBUTION,
        Transaction.Kind.EXPENSE,
        Transaction.Kind.TRANSFER,
    ):
        return
    for side in (payer, payee):
        if side is not None:
            require_member_of_record(coop, side)
    if kind == Transaction.Kind.EXPENSE:
        category_refuse(category)
        supplier_refuse(supplier, members_of_record(coop))
    words_check(kind=kind, declare=declared, supplier=supplier, description=description)


def members_of_record(coop: Cooperative) -> list[User]:
    """Everyone who is or was a member of ``coop``; an applicant never was."""
    return [
        membership.user
        for membership in Membership.objects.filter(coop=coop)
        .exclude(status=Membership.Status.PENDING)
        .select_related("user")
    ]
