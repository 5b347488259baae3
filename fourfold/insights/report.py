"""The co-op's report as plain data, shared by the API, the CLI and the dashboard."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from fourfold.coops.models import Cooperative
from fourfold.insights import economics, principles, selectors
from fourfold.lib.money import plain


def _money(value: Decimal | None, currency: str) -> str | None:
    return None if value is None else plain(value, currency)


def _figure(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def health(*, coop: Cooperative, today: date | None = None) -> dict:
    roles = selectors.member_roles(coop=coop, today=today)
    audit = principles.principles_audit(coop=coop, today=today, roles=roles)
    money = economics.economics(coop=coop, today=today)
    active_all_four = sum(1 for r in roles if r.all_four)
    return {
        "coop": coop.slug,
        "window_weeks": selectors.WINDOW_WEEKS,
        "principles": [
            {"name": p.name, "status": p.status, "figure": p.figure, "fix": p.fix} for p in audit
        ],
        "all_four_roles": {"members": len(roles), "active_in_all_four": active_all_four},
        "economics": {
            "currency": coop.currency,
            "unit": coop.unit,
            "cost_per_unit": _money(money.cost_per_unit, coop.currency),
            "commercial_unit_price": plain(money.commercial_unit_price, coop.currency),
            "money_saved_per_member_month": _money(
                money.money_saved_per_member_month, coop.currency
            ),
            "member_minutes_per_unit": _figure(money.minutes_per_unit),
            "diy_minutes_per_unit": f"{money.diy_minutes_per_unit.normalize():f}",
            "hours_saved_per_member_month": _figure(money.hours_saved_per_member_month),
            "months": [
                {
                    "month": m.month.isoformat(),
                    "units": m.units,
                    "cost": plain(m.cost, coop.currency),
                    "cost_per_unit": _money(m.cost_per_unit, coop.currency),
                }
                for m in money.months
            ],
        },
    }


def roles(*, coop: Cooperative, today: date | None = None) -> list[dict]:
    return [
        {
            "username": r.username,
            "all_four": r.all_four,
            **{
                name: {"status": role.status, "figure": role.figure}
                for name, role in (
                    ("producer", r.producer),
                    ("funder", r.funder),
                    ("manager", r.manager),
                    ("consumer", r.consumer),
                )
            },
        }
        for r in selectors.member_roles(coop=coop, today=today)
    ]


def as_text(report: dict, name: str) -> str:
    lines = [f"{name} — principles over the last {report['window_weeks']} weeks", ""]
    marks = {"holds": "holds", "at_risk": "AT RISK", "broken": "BROKEN", "not_yet": "not yet"}
    for p in report["principles"]:
        lines.append(f"  {marks[p['status']]:<7}  {p['name']:<22} {p['figure']}")
        if p["fix"]:
            lines.append(f"           {'':<22} → {p['fix']}")
    four = report["all_four_roles"]
    lines += [
        "",
        f"  {four['active_in_all_four']} of {four['members']} members active in all four roles",
        "",
    ]
    e = report["economics"]
    lines.append("Economics (last 12 months)")
    lines.append(
        f"  cost per {e['unit']}: {e['cost_per_unit']} {e['currency']} "
        f"(commercial: {e['commercial_unit_price']})"
    )
    lines.append(
        f"  money saved per member per month: {e['money_saved_per_member_month']} {e['currency']}"
    )
    lines.append(
        f"  member minutes per {e['unit']}: {e['member_minutes_per_unit']} "
        f"(alone: {e['diy_minutes_per_unit']})"
    )
    lines.append(f"  hours saved per member per month: {e['hours_saved_per_member_month']}")
    return "\n".join(lines) + "\n"


def budget_text(budget: dict) -> str:
    """``budget_data`` as the report's lines: this month, then past months."""
    currency = budget["currency"]
    if budget["budget"] is None:
        lines = [f"Budget for {budget['period']}: none passed yet (spent {budget['spent']})"]
    else:
        lines = [f"Budget for {budget['period']} (proposal #{budget['budget']}, {currency})"]
        lines += [
            f"  {line['category']:<12} {line['amount']:>10} budget {line['spent']:>10} spent "
            f"{line['remaining']:>10} left"
            for line in budget["lines"]
        ]
        if budget["unbudgeted"] != "0.00":
            lines.append(f"  {'unbudgeted':<12} {'':>10}        {budget['unbudgeted']:>10} spent")
        if budget["expected_cost_per_unit"] is not None:
            lines.append(f"  expected cost per unit: {budget['expected_cost_per_unit']}")
        if budget["per_unit_contribution"] is not None:
            lines.append(f"  a month per unit of a share: {budget['per_unit_contribution']}")
    for month in budget["past"]:
        planned = month["total"] if month["budget"] is not None else "-"
        lines.append(f"  {month['period']}: budget {planned}, spent {month['spent']}")
    return "\n".join(lines) + "\n"
