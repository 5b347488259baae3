"""How governance reads on a page: rules and their values in words, what a rule change does,
the tally of a proposal, and the rows the pages list."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fourfold.accounts.models import User
from fourfold.coops.models import Cooperative
from fourfold.errors import PrincipleViolation
from fourfold.governance import rules, selectors
from fourfold.governance.closing import agree_share, quorum_needed
from fourfold.governance.models import Proposal, Vote
from fourfold.insights import tally_chart
from fourfold.ledger import endings, recurring
from fourfold.lib.dates import describe_cadence
from fourfold.web.templatetags.fourfold import money

# --- Rules: how each one reads -----------------------------------------------------------


def _rule_field(rule: str) -> models.Field[Any, Any]:
    field = Cooperative._meta.get_field(rule)
    if not isinstance(field, models.Field):
        raise TypeError(f"{rule} is a relation, not a rule")
    return field


# How a service co-op's rules read, where a good's words would not fit: (label, help).
SERVICE_RULES = {
    "unit_plural": (None, gettext_lazy('The unit for more than one, as in "8 repair slots".')),
    "target_quantity": (gettext_lazy("target quantity per session"), None),
    "producers_per_batch": (gettext_lazy("volunteers per session"), None),
    "reservation_cutoff_hours": (
        gettext_lazy("booking cut-off (hours)"),
        gettext_lazy("Bookings for a session close this long before its day begins."),
    ),
    "pickup_days": (
        gettext_lazy("days to use a booking"),
        gettext_lazy("Bookings not used within this many days count as waste."),
    ),
}
SERVICE_CHOICES = {
    "general_cost_mode": {"units": gettext_lazy("by units booked in the next session held")},
}


def _service_words(coop: Cooperative | None, rule: str, index: int) -> str | None:
    if coop is None or not coop.is_service:
        return None
    words = SERVICE_RULES.get(rule, (None, None))[index]
    return None if words is None else str(words)


def rule_label(rule: str, coop: Cooperative | None = None) -> str:
    """The rule's name as ``coop``'s members read it (a service's words for a service)."""
    return _service_words(coop, rule, 0) or str(_rule_field(rule).verbose_name)


def rule_help(rule: str, coop: Cooperative | None = None) -> str:
    return _service_words(coop, rule, 1) or str(_rule_field(rule).help_text)


CURRENT = object()


def rule_display(coop: Cooperative, rule: str, value: object = CURRENT) -> str:
    """A rule's value as a member reads it: ``value`` as a proposal stores it, or else the
    co-op's current one."""
    if value is CURRENT:
        value = getattr(coop, rule)
    if rule in rules.MONEY_RULES:
        if value in (None, ""):
            return _("no deposit") if rule == "buy_in" else _("no limit")
        return money(Decimal(str(value)), coop.currency)
    if rule == "diy_minutes_per_unit":
        return f"{Decimal(str(value)).normalize():f}"
    if rule == "quorum_percent":
        return f"{value}%"
    if rule == "cadence":
        return capfirst(describe_cadence(str(value)) or str(value))
    field = _rule_field(rule)
    if field.choices:
        choices = dict(field.flatchoices)
        if coop.is_service:
            choices.update(SERVICE_CHOICES.get(rule, {}))
        return str(choices.get(value, value))
    return str(value)


def rule_options(rule: str | None, coop: Cooperative | None = None) -> list[tuple[str, str]] | None:
    """The values of a rule that is a choice, with the names ``coop``'s members read."""
    if rule not in rules.RULES:
        return None
    field = _rule_field(rule)
    if not field.choices:
        return None
    service = SERVICE_CHOICES.get(rule, {}) if coop is not None and coop.is_service else {}
    return [(value, str(service.get(value, label))) for value, label in field.flatchoices]


def suggested_title(coop: Cooperative, rule: str, value: object) -> str:
    label = rule_label(rule, coop)
    return _("Change the %(rule)s from %(before)s to %(after)s") % {
        # Only the first letter lowered: "cadence (RRULE)", not "cadence (rrule)".
        "rule": label[:1].lower() + label[1:],
        "before": rule_display(coop, rule),
        "after": rule_display(coop, rule, value),
    }


@dataclass(frozen=True)
class RuleRow:
    rule: str
    label: str
    value: str
    help: str


def rule_rows(coop: Cooperative) -> list[RuleRow]:
    return [
        RuleRow(
            rule=rule,
            label=rule_label(rule, coop),
            value=rule_display(coop, rule),
            help=rule_help(rule, coop),
        )
        for rule in rules.RULES
    ]


@dataclass(frozen=True)
class ChangeRow:
    label: str
    before: str
    after: str


def _reversal_changes(proposal: Proposal) -> list[ChangeRow]:
    """A reversal changes one entry: standing → reversed (or, once passed, by which
    reversal; or why it could not be)."""
    label = _("entry #%(id)s") % {"id": proposal.change.get("transaction")}
    if proposal.result.get("reversal"):
        after = _("reversed by #%(id)s") % {"id": proposal.result["reversal"]}
    elif proposal.result.get("reversal_refused"):
        after = _("not reversed: %(why)s") % {"why": proposal.result["reversal_refused"]}
    else:
        after = _("reversed")
    return [ChangeRow(label=label, before=_("stands"), after=after)]


def changes(coop: Cooperative, proposal: Proposal) -> list[ChangeRow]:
    """What a rule change does: before → after once it passed; for one that failed, the rules
    it was proposed against → the proposed value; while open, today's value → the proposed.
    What a reversal does: the entry stands → reversed."""
    if proposal.kind == Proposal.Kind.REVERSAL:
        return _reversal_changes(proposal)
    if proposal.kind != Proposal.Kind.RULE_CHANGE:
        return []
    before = proposal.result.get("before")
    if before is None and proposal.status != Proposal.Status.OPEN:
        before = proposal.result.get("was")
    after = proposal.result.get("after", proposal.change)
    rows = []
    for rule in sorted(after):
        if rule not in rules.RULES:
            continue
        was = (
            rule_display(coop, rule, before.get(rule))
            if before is not None
            else rule_display(coop, rule)
        )
        rows.append(
            ChangeRow(
                label=rule_label(rule, coop),
                before=was,
                after=rule_display(coop, rule, after[rule]),
            )
        )
    return rows


def flagged_principle(proposal: Proposal) -> str:
    """The principle a flagged entry breaks, as members read it; empty if none is named."""
    principle = (
        proposal.change.get("principle") if proposal.kind == Proposal.Kind.REVERSAL else None
    )
    if not principle:
        return ""
    return capfirst(str(PrincipleViolation.PRINCIPLES.get(principle, principle)))


# --- The tally ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    eligible: int
    voted: int
    by_proxy: int
    positions: list[tuple[str, str, int]]  # (position, label, count)
    first_choices: list[tuple[str, int]]  # choice proposals: first preferences per option
    proxied: dict[int, list[str]]  # voter's id → the absent members their vote counts for
    chart: SafeString | None = None  # the positions as one bar; a ranked choice has none


def _tally_chart(proposal: Proposal, counts: dict[str, Any], labels: dict) -> SafeString:
    # The marks are the co-op's rules now: they say what an open proposal needs. A closed one
    # was decided by the rules of its day, which its outcome states.
    is_open = proposal.status == Proposal.Status.OPEN
    return tally_chart.tally_chart(
        positions=[(p, str(labels[p]), n) for p, n in counts["positions"].items()],
        eligible=counts["eligible"],
        quorum=quorum_needed(coop=proposal.coop, eligible=counts["eligible"]) if is_open else None,
        share=agree_share(coop=proposal.coop) if is_open else None,
        chart_id=f"tally-chart-{proposal.pk}",
    )


def tally(proposal: Proposal, counted: selectors.Tally | None = None) -> Tally:
    """How the tally reads: from ``counted`` when the caller batched it, else counted now."""
    if counted is None:
        counted = selectors.tallies(proposals=[proposal])[proposal.pk]
    counts = counted.as_dict()
    labels = dict(Vote.Position.choices)
    first = dict.fromkeys(proposal.options, 0)
    rounds = proposal.result.get("rounds") if proposal.status != Proposal.Status.OPEN else None
    if rounds:
        first.update({option: n for option, n in rounds[0]["counts"].items() if option in first})
    else:
        for vote in counts["counted"].values():
            if vote.ranking and vote.ranking[0] in first:
                first[vote.ranking[0]] += 1
    return Tally(
        eligible=counts["eligible"],
        voted=counts["voted"],
        by_proxy=counts["by_proxy"],
        positions=[(p, str(labels[p]), n) for p, n in counts["positions"].items()],
        first_choices=list(first.items()),
        proxied=counted.proxied,
        chart=None
        if proposal.kind == Proposal.Kind.CHOICE
        else _tally_chart(proposal, counts, labels),
    )


def my_vote(proposal: Proposal, user: User) -> Vote | None:
    return next((v for v in proposal.votes.all() if v.member_id == user.pk), None)


# --- The lists ----------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenRow:
    proposal: Proposal
    tally: Tally
    changes: list[ChangeRow]
    mine: Vote | None


def open_rows(coop: Cooperative, proposals: list[Proposal], me: User) -> list[OpenRow]:
    """The open proposals with their tallies, counted in one batch."""
    counted = selectors.tallies(proposals=proposals)
    return [
        OpenRow(
            proposal=proposal,
            tally=tally(proposal, counted[proposal.pk]),
            changes=changes(coop, proposal),
            mine=my_vote(proposal, me),
        )
        for proposal in proposals
    ]


@dataclass(frozen=True)
class TallyRow:
    proposal: Proposal
    tally: Tally


def tally_rows(proposals: list[Proposal]) -> list[TallyRow]:
    counted = selectors.tallies(proposals=proposals)
    return [TallyRow(proposal=p, tally=tally(p, counted[p.pk])) for p in proposals]


@dataclass(frozen=True)
class LogRow:
    proposal: Proposal
    changes: list[ChangeRow]


def log_rows(coop: Cooperative, proposals: list[Proposal]) -> list[LogRow]:
    return [LogRow(proposal=p, changes=changes(coop, p)) for p in proposals]


# --- What a proposal may end --------------------------------------------------------------


def spread_choices(coop: Cooperative) -> list[tuple[int, str]]:
    """The spread costs a proposal may end now, each by its number, words and what is left."""
    return [
        (
            expense.pk,
            _("#%(id)d %(what)s: %(amount)s, %(rest)s still to charge")
            % {
                "id": expense.pk,
                "what": expense.description or expense.supplier or expense.get_category_display(),
                "amount": money(expense.amount, coop.currency),
                "rest": money(rest, coop.currency),
            },
        )
        for expense, rest in endings.spreads_endable(coop=coop)
    ]


def regular_choices(coop: Cooperative) -> list[tuple[int, str]]:
    """The regular costs a proposal may end now, each by its number, words and amount."""
    return [
        (
            cost.pk,
            _("#%(id)d %(what)s: %(amount)s, %(when)s")
            % {
                "id": cost.pk,
                "what": cost.description or cost.get_category_display() or cost.get_kind_display(),
                "amount": money(cost.amount, coop.currency),
                "when": recurring.cadence_words(cost.cadence),
            },
        )
        for cost in endings.recurring_costs_running(coop=coop)
    ]
