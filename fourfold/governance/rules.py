"""The rules a proposal may change, each with its bounds and its wording, and their validation."""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fourfold.coops import services as coops
from fourfold.coops.models import Cooperative
from fourfold.coops.selectors import active_member_ids
from fourfold.errors import Invalid
from fourfold.lib.money import parse_money, plain

COOP_FIELDS = (
    "unit_plural",
    "target_quantity",
    "producers_per_batch",
    "cadence",
    "commercial_unit_price",
    "diy_minutes_per_unit",
)


def _between(low: int, high: int):
    def check(value) -> int:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | str)
            or not str(value).strip().lstrip("-").isdigit()
        ):
            raise ValueError(_("a whole number"))
        number = int(value)
        if not low <= number <= high:
            raise ValueError(_("from %(low)d to %(high)d") % {"low": low, "high": high})
        return number

    return check


# Checked as text before any arithmetic: Fraction("1e999999999") would build a billion-digit
# number and hold a worker for hours.
THRESHOLD_TEXT = re.compile(r"\d{1,3}/\d{1,3}|0?\.\d{1,4}|1(\.0{1,4})?")


def _threshold(value) -> str:
    text = str(value).strip()
    if not THRESHOLD_TEXT.fullmatch(text):
        raise ValueError(_("a fraction such as 2/3 or 0.6"))
    try:
        share = Fraction(text)
    except (ValueError, ZeroDivisionError) as error:
        raise ValueError(_("a fraction such as 2/3 or 0.6")) from error
    if not Fraction(1, 2) <= share <= 1:
        raise ValueError(_("from 1/2 to 1"))
    return str(share)


def _limit(value, currency: str) -> str | None:
    if value in (None, ""):
        return None
    try:
        return plain(parse_money(value, currency, maximum=MAX_APPROVAL, zero=True), currency)
    except ValueError as error:
        raise ValueError(_("an amount from 0, or empty for no limit")) from error


def _choice(*allowed: str):
    def check(value) -> str:
        if value not in allowed:
            raise ValueError(_("one of %(values)s") % {"values": ", ".join(allowed)})
        return value

    return check


# Every rule a proposal may change, with the check its new value must pass.
OTHER_RULES = {
    "quorum_percent": _between(1, 100),
    "threshold": _threshold,
    "voting_days": _between(1, 60),
    "reservation_cutoff_hours": _between(0, 24 * 14),
    "lock_window_days": _between(0, 60),
    "pickup_days": _between(0, 60),
    # Checked with the co-op's currency: see rule_change_validate.
    "spending_limit": _limit,
    "buy_in": _limit,
    "owing_limit": _limit,
    "admission_mode": _choice("invite", "vote"),
    "general_cost_mode": _choice("units", "equal"),
    "kind": _choice("good", "service"),
}
RULES = (*COOP_FIELDS, *OTHER_RULES)
# Rules an empty value turns off: no spending limit, no buy-in, no owing limit.
EMPTY_MEANS_NONE = tuple(rule for rule, check in OTHER_RULES.items() if check is _limit)


# Rules that are money: written as a plain decimal string with the currency's decimals.
MONEY_RULES = ("commercial_unit_price", "spending_limit", "buy_in", "owing_limit")
# The largest amount a spending proposal approves, or a spending limit.
MAX_APPROVAL = Decimal("1e10")
# Bounds of a choice: the options are read on a ballot, so a handful of short lines.
MAX_OPTIONS = 20
MAX_OPTION_LENGTH = 200


def _rule_text(coop: Cooperative, rule: str, value):
    if value is None or value == "":
        return value
    if rule in MONEY_RULES:
        return plain(Decimal(str(value)), coop.currency)
    return str(value) if isinstance(value, Decimal) else value


def rule_value(coop: Cooperative, rule: str):
    return _rule_text(coop, rule, getattr(coop, rule))


def rule_change_validate(coop: Cooperative, change: dict) -> dict:
    """The change with each value checked and normalised, or ``Invalid`` naming the rule."""
    if not isinstance(change, dict) or not change:
        raise Invalid(_("Name at least one rule to change."), field="change")
    unknown = sorted(set(change) - set(RULES))
    if unknown:
        raise Invalid(
            _("Unknown rule: %(rules)s. Rules: %(all)s.")
            % {"rules": ", ".join(unknown), "all": ", ".join(RULES)},
            field="change",
        )
    clean: dict = {}
    if set(change) & set(COOP_FIELDS):
        current = {field: getattr(coop, field) for field in COOP_FIELDS}
        fields = coops.CoopFields(
            slug=coop.slug,
            name=coop.name,
            product=coop.product,
            unit=coop.unit,
            currency=coop.currency,
            timezone=coop.timezone,
            **{**current, **{k: change[k] for k in change if k in COOP_FIELDS}},
        )
        valid = coops.coop_validate(fields)
        for field in set(change) & set(COOP_FIELDS):
            clean[field] = _rule_text(coop, field, getattr(valid, field))
    for rule in set(change) & set(OTHER_RULES):
        try:
            if OTHER_RULES[rule] is _limit:
                clean[rule] = _limit(change[rule], coop.currency)
            else:
                clean[rule] = OTHER_RULES[rule](change[rule])
        except ValueError as error:
            # The rule as members read it ("Quorum (%)"), not its name in the code.
            field = Cooperative._meta.get_field(rule)
            assert isinstance(field, models.Field)  # every rule is one of the co-op's columns
            name = capfirst(field.verbose_name)
            raise Invalid(
                _("%(rule)s must be %(why)s.") % {"rule": name, "why": error}, field="change"
            ) from error
    same = [rule for rule, value in clean.items() if str(rule_value(coop, rule)) == str(value)]
    if len(same) == len(clean):
        raise Invalid(_("That is already the rule."), field="change")
    return clean


def refuse_more_producers_than_members(coop: Cooperative, change: dict) -> None:
    """A batch needs its producers from among the active members: asking for more than there
    are could never be met. Checked when the proposal opens, not again when it passes (a member
    leaving meanwhile leaves a place open, as it would under the current rule)."""
    wanted = change.get("producers_per_batch")
    if wanted is None:
        return
    active = len(active_member_ids(coop=coop))
    if wanted > active:
        raise Invalid(
            ngettext(
                "A batch cannot need %(wanted)d producers: the co-op has %(active)d active "
                "member, so at most %(active)d can produce it. Propose %(active)d or fewer, or "
                "admit members first.",
                "A batch cannot need %(wanted)d producers: the co-op has %(active)d active "
                "members, so at most %(active)d can produce it. Propose %(active)d or fewer, or "
                "admit members first.",
                active,
            )
            % {"wanted": wanted, "active": active},
            field="change",
        )


# The principles an entry in the books can break, by their names in the principles audit: a
# member flagging an entry names one of them.
FLAG_PRINCIPLES = ("self_funded", "no_paid_staff", "members_only")
MAX_FLAG_REASON = 500


def reversal_change_validate(change: dict) -> dict:
    """A reversal's change, ``{"transaction": id, "principle"?: name, "reason"?: text}``, with
    its shape checked; whether the entry exists and may be reversed is for the ledger to say
    (``workflows.decisions.proposal_open`` asks it)."""
    if not isinstance(change, dict):
        raise Invalid(_("Name the entry to reverse."), field="change")
    unknown = sorted(set(change) - {"transaction", "principle", "reason"})
    if unknown:
        raise Invalid(
            _("Unknown part of a reversal: %(keys)s. It takes transaction, principle, reason.")
            % {"keys": ", ".join(unknown)},
            field="change",
        )
    entry = change.get("transaction")
    if isinstance(entry, bool) or not isinstance(entry, int) or entry < 1:
        raise Invalid(_("Name the entry to reverse by its number."), field="change")
    clean: dict = {"transaction": entry}
    principle = change.get("principle")
    reason = change.get("reason", "")
    if not isinstance(reason, str):
        raise Invalid(_("Say why in words."), field="change")
    reason = reason.strip()
    if len(reason) > MAX_FLAG_REASON:
        raise Invalid(
            _("Say why in at most %(count)d characters.") % {"count": MAX_FLAG_REASON},
            field="change",
        )
    if principle is not None:
        if principle not in FLAG_PRINCIPLES:
            raise Invalid(
                _("Name the principle the entry breaks: %(names)s.")
                % {"names": ", ".join(FLAG_PRINCIPLES)},
                field="change",
            )
        if not reason:
            # A flag is read by every member: it says how the entry breaks the principle.
            raise Invalid(_("Say how the entry breaks the principle."), field="change")
        clean["principle"] = principle
    if reason:
        clean["reason"] = reason
    return clean


MAX_BUDGET_LINES = 20


def budget_change_validate(coop: Cooperative, change: dict) -> dict:
    """An operating budget, ``{"period": "month", "lines": [{"category", "amount"}, ...]}``,
    with its shape and amounts checked; whether each category is one the ledger knows is for
    the ledger to say (``workflows.decisions.proposal_open`` asks it)."""
    if not isinstance(change, dict):
        raise Invalid(_("Give the budget's period and lines."), field="change")
    unknown = sorted(set(change) - {"period", "lines"})
    if unknown:
        raise Invalid(
            _("Unknown part of a budget: %(keys)s. It takes period and lines.")
            % {"keys": ", ".join(unknown)},
            field="change",
        )
    if change.get("period", "month") != "month":
        raise Invalid(_("A budget is for a month: the period is “month”."), field="change")
    lines = change.get("lines")
    if not isinstance(lines, list) or not lines:
        raise Invalid(_("Give at least one line: a category and its amount."), field="change")
    if len(lines) > MAX_BUDGET_LINES:
        raise Invalid(
            _("A budget has at most %(count)d lines.") % {"count": MAX_BUDGET_LINES},
            field="change",
        )
    clean: list[dict] = []
    for line in lines:
        if not isinstance(line, dict) or set(line) != {"category", "amount"}:
            raise Invalid(_("Each line is a category and an amount."), field="change")
        category = line["category"]
        if not isinstance(category, str) or not category.strip():
            raise Invalid(_("Each line names a category."), field="change")
        category = category.strip().lower()
        if any(seen["category"] == category for seen in clean):
            raise Invalid(
                _("The category %(category)s has two lines: give it one.") % {"category": category},
                field="change",
            )
        try:
            amount = parse_money(line["amount"], coop.currency, maximum=MAX_APPROVAL)
        except ValueError as error:
            raise Invalid(str(error), field="change") from error
        clean.append({"category": category, "amount": plain(amount, coop.currency)})
    return {"period": "month", "lines": clean}


SPREAD_RESTS = ("next_batch", "write_off")


def spread_end_change_validate(change: dict) -> dict:
    """Ending a spread early, ``{"transaction": id, "rest": "next_batch" | "write_off"}``: the
    shape; whether it names a live spread is the ledger's to say."""
    if not isinstance(change, dict) or set(change) - {"transaction", "rest"}:
        raise Invalid(_("A spread's end takes transaction and rest."), field="change")
    entry = change.get("transaction")
    if isinstance(entry, bool) or not isinstance(entry, int) or entry < 1:
        raise Invalid(_("Name the spread expense by its number."), field="change")
    rest = change.get("rest", "next_batch")
    if rest not in SPREAD_RESTS:
        raise Invalid(_("Say where the rest goes: next_batch or write_off."), field="change")
    return {"transaction": entry, "rest": rest}


def recurring_end_change_validate(change: dict) -> dict:
    """Ending a regular cost, ``{"recurring": id}``: the shape; the ledger checks the rest."""
    if not isinstance(change, dict) or set(change) != {"recurring"}:
        raise Invalid(_("Name the regular cost to end: recurring."), field="change")
    cost = change["recurring"]
    if isinstance(cost, bool) or not isinstance(cost, int) or cost < 1:
        raise Invalid(_("Name the regular cost by its number."), field="change")
    return {"recurring": cost}
