"""How the insights read on a page: the principles audit with its symbols and words, and a
member's four roles as cells."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fourfold.coops.models import Cooperative
from fourfold.coops.vocabulary import service_or_good
from fourfold.insights import principles, roles_chart, selectors
from fourfold.web.templatetags.fourfold import percent

PRINCIPLES = {
    "self_funded": (gettext_lazy("Self-funded"), gettext_lazy("Money comes only from members.")),
    "no_paid_staff": (gettext_lazy("No paid staff"), gettext_lazy("Nobody is paid for work.")),
    "flat": (
        gettext_lazy("Flat"),
        gettext_lazy("Nobody is in charge; the rules change by proposal."),
    ),
    "consistent_production": (
        gettext_lazy("Consistent production"),
        gettext_lazy("Batches are made on their day, at target."),
    ),
    "members_only": (
        gettext_lazy("Members only"),
        gettext_lazy("Only members produce and only members consume."),
    ),
    "all_four_roles": (
        gettext_lazy("Everyone in all four roles"),
        gettext_lazy("Every member produces, funds, manages and consumes."),
    ),
}
# Colour tells the status apart at a glance; the symbol and the word say it to everyone.
STATUSES = {
    "holds": ("\u2713", gettext_lazy("Holds")),
    "at_risk": ("!", gettext_lazy("At risk")),
    "broken": ("\u2717", gettext_lazy("Broken")),
    "not_yet": ("\u2014", gettext_lazy("Not measured yet")),
}
ROLE_TITLES = {
    "producer": gettext_lazy("Producer"),
    "funder": gettext_lazy("Funder"),
    "manager": gettext_lazy("Manager"),
    "consumer": gettext_lazy("Consumer"),
}


@dataclass(frozen=True)
class AuditRow:
    name: str
    title: str
    meaning: str
    status: str
    symbol: str
    status_label: str
    figure: str
    fix: str


# What a service co-op reads instead, where the words differ.
SERVICE_MEANINGS = {
    "consistent_production": gettext_lazy("Sessions are held on their day, at target."),
}


def audit_rows(coop: Cooperative, audit: list[principles.PrincipleStatus]) -> list[AuditRow]:
    meaning = {name: texts[1] for name, texts in PRINCIPLES.items()}
    if coop.is_service:
        meaning.update(SERVICE_MEANINGS)
    return [
        AuditRow(
            name=p.name,
            title=str(PRINCIPLES[p.name][0]),
            meaning=str(meaning[p.name]),
            status=p.status,
            symbol=STATUSES[p.status][0],
            status_label=str(STATUSES[p.status][1]),
            figure=p.figure,
            fix=p.fix,
        )
        for p in audit
    ]


def audit_for(coop: Cooperative, today: date) -> list[AuditRow]:
    """The audit as the overview shows it, in a fixed number of queries."""
    roles = selectors.member_roles(coop=coop, today=today)
    return audit_rows(coop, principles.principles_audit(coop=coop, today=today, roles=roles))


@dataclass(frozen=True)
class RoleCell:
    name: str
    title: str
    status: str
    symbol: str
    status_label: str
    figure: str
    meaning: str = ""


def meanings(coop: Cooperative) -> dict[str, str]:
    """What makes a member active in each role, with the thresholds the audit uses."""
    weeks = selectors.WINDOW_WEEKS
    return {
        "producer": _(
            "Takes turns making the %(product)s. Active: did at least %(share)s of their fair "
            "share of shifts in the last %(weeks)d weeks."
        )
        % {
            "product": coop.product,
            "share": percent(float(selectors.ACTIVE_PRODUCER_SHARE)),
            "weeks": weeks,
        },
        "funder": _(
            "Pays the costs. Active: paid in or for the co-op in the last %(weeks)d weeks and owes "
            "no more than %(debt)d weeks of their costs."
        )
        % {"weeks": weeks, "debt": selectors.FUNDER_DEBT_WEEKS},
        "manager": _(
            "Decides with the others. Active: voted on at least %(share)s of the proposals of "
            "the last %(weeks)d weeks; facilitating counts too."
        )
        % {"share": percent(float(selectors.ACTIVE_VOTER_SHARE)), "weeks": weeks},
        "consumer": service_or_good(
            coop,
            _(
                "Takes a share of what is made. Active: took a share of at least %(share)s of "
                "the batches made in the last %(weeks)d weeks."
            ),
            _(
                "Books a share of what is given. Active: booked at least %(share)s of the "
                "sessions held in the last %(weeks)d weeks."
            ),
        )
        % {"share": percent(float(selectors.ACTIVE_CONSUMER_SHARE)), "weeks": weeks},
    }


def role_cells(
    member: selectors.MemberRoles, meanings: dict[str, str] | None = None
) -> list[RoleCell]:
    cells = []
    for name in roles_chart.ROLE_NAMES:
        role = getattr(member, name)
        cells.append(
            RoleCell(
                name=name,
                title=str(ROLE_TITLES[name]),
                status=role.status,
                symbol=roles_chart.status_symbol(role.status),
                status_label=roles_chart.status_label(role.status),
                figure=role.figure,
                meaning=(meanings or {}).get(name, ""),
            )
        )
    return cells
