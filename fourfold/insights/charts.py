"""Charts a member would rather look at than read, as server-rendered SVG.

Each function is pure: figures in, markup out (a ``SafeString``), no queries and no JavaScript.
Every chart is an ``<svg role="img">`` named by its ``<title>`` and described by its ``<desc>``;
the page puts the same figures in a table beside it, so nothing is only a picture. The SVG scales
with its container (``viewBox`` and ``width="100%"``). Whatever comes from members (usernames)
is escaped here, where the markup is made. The drawing itself is in ``svg``; the four-roles
matrix in ``roles_chart``; the balances, a proposal's tally and a member's year in
``balances_chart``, ``tally_chart`` and ``share_chart``.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from fourfold.insights import svg
from fourfold.lib.language import format_ratio
from fourfold.lib.money import format_money

if TYPE_CHECKING:
    from fourfold.insights.economics import MonthEconomics
    from fourfold.ledger.budget import MonthBudget
    from fourfold.production.selectors import MonthConsistency


def consistency_chart(
    months: Sequence[MonthConsistency],
    *,
    service: bool = False,
    chart_id: str = "consistency-chart",
) -> SafeString:
    """One bar per month: batches made on their day and at target over batches due, 0 to 100 %.
    A month with nothing due has no bar. ``service``: described in a service co-op's words."""
    baseline = svg.TOP + svg.BAR_HEIGHT
    slot = (svg.WIDTH - svg.LEFT - svg.RIGHT) / max(1, len(months))
    bars = []
    for index, month in enumerate(months):
        if month.ratio is None:
            continue
        height = svg.bar_height(month.ratio, 1.0)
        bars.append(
            svg.el(
                "rect",
                {
                    "class": "bar",
                    "x": svg.n(svg.bar_x(index, slot)),
                    "y": svg.n(baseline - height),
                    "width": svg.n(svg.bar_width(slot)),
                    "height": svg.n(height),
                    "data-month": month.month.strftime("%Y-%m"),
                    "data-value": f"{month.ratio:.4f}",
                },
                svg.el(
                    "title",
                    {},
                    escape(
                        _("%(month)s: %(on)d of %(due)d on target (%(ratio)s)")
                        % {
                            "month": svg.month(month.month),
                            "on": month.on_target,
                            "due": month.planned,
                            "ratio": format_ratio(month.ratio),
                        }
                    ),
                ),
            )
        )
        if not height:
            # A month of nothing on target reads apart from a month with nothing due.
            bars.append(
                svg.text(
                    svg.LEFT + slot * (index + 0.5),
                    baseline - 3,
                    format_ratio(0),
                    **{"text-anchor": "middle", "font-size": "8"},
                )
            )
    ratios = [m.ratio for m in months if m.ratio is not None]
    if ratios:
        desc = (
            _(
                "One bar per month %(span)s: the share of sessions held on their day and at "
                "target, between %(low)s and %(high)s."
            )
            if service
            else _(
                "One bar per month %(span)s: the share of batches made on their day and at "
                "target, between %(low)s and %(high)s."
            )
        ) % {
            "span": svg.span([m.month for m in months]),
            "low": format_ratio(min(ratios)),
            "high": format_ratio(max(ratios)),
        }
    else:
        desc = _("No session has come due yet.") if service else _("No batch has come due yet.")
    grid = svg.grid([(f, format_ratio(f)) for f in (0, 0.5, 1)], svg.TOP, baseline)
    axis = svg.month_axis([m.month for m in months], slot, baseline)
    return svg.svg(
        chart_id,
        baseline + svg.BOTTOM,
        _("Consistency per month"),
        desc,
        [*grid, *bars, *axis],
    )


def cost_chart(
    months: Sequence[MonthEconomics],
    *,
    commercial_unit_price: Decimal,
    currency: str,
    unit: str,
    chart_id: str = "cost-chart",
    service: bool = False,
) -> SafeString:
    """One bar per month: what a unit cost the co-op, under a dashed line at the price of
    buying it. A month with costs and nothing made has no bar. ``service``: described in a
    service co-op's words."""
    baseline = svg.TOP + svg.BAR_HEIGHT
    slot = (svg.WIDTH - svg.LEFT - svg.RIGHT) / max(1, len(months))
    costs = [m.cost_per_unit for m in months if m.cost_per_unit is not None]
    top_value = svg.nice_ceiling(float(max([*costs, commercial_unit_price], default=0)) * 1.1)
    bars = []
    for index, month in enumerate(months):
        if month.cost_per_unit is None:
            continue
        height = svg.bar_height(float(month.cost_per_unit), top_value)
        bars.append(
            svg.el(
                "rect",
                {
                    "class": "bar",
                    "x": svg.n(svg.bar_x(index, slot)),
                    "y": svg.n(baseline - height),
                    "width": svg.n(svg.bar_width(slot)),
                    "height": svg.n(height),
                    "data-month": month.month.strftime("%Y-%m"),
                    "data-value": str(month.cost_per_unit),
                },
                svg.el(
                    "title",
                    {},
                    escape(
                        (
                            _("%(month)s: %(cost)s per %(unit)s, %(units)d given")
                            if service
                            else _("%(month)s: %(cost)s per %(unit)s, %(units)d made")
                        )
                        % {
                            "month": svg.month(month.month),
                            "cost": format_money(month.cost_per_unit, currency),
                            "unit": unit,
                            "units": month.units,
                        }
                    ),
                ),
            )
        )
    price_y = baseline - svg.bar_height(float(commercial_unit_price), top_value)
    price = format_money(commercial_unit_price, currency)
    line = [
        svg.el(
            "line",
            {
                "class": "price",
                "x1": svg.n(svg.LEFT),
                "x2": svg.n(svg.WIDTH - svg.RIGHT),
                "y1": svg.n(price_y),
                "y2": svg.n(price_y),
                "stroke-width": "2",
                "stroke-dasharray": "6 4",
            },
        ),
        svg.text(
            svg.WIDTH - svg.RIGHT,
            max(svg.TOP - 2, price_y - 4),
            _("to buy: %(price)s") % {"price": price},
            **{"text-anchor": "end", "font-weight": "bold"},
        ),
    ]
    ticks = [(f, format_money(Decimal(str(top_value * f)), currency)) for f in (0, 0.5, 1)]
    if costs:
        desc = _(
            "One bar per month %(span)s: what a %(unit)s cost the co-op, between %(low)s and "
            "%(high)s, against %(price)s to buy it."
        ) % {
            "span": svg.span([m.month for m in months]),
            "unit": unit,
            "low": format_money(min(costs), currency),
            "high": format_money(max(costs), currency),
            "price": price,
        }
    else:
        desc = (
            _("No session held with costs recorded yet; to buy, a %(unit)s costs %(price)s.")
            if service
            else _("Nothing made with costs recorded yet; to buy, a %(unit)s costs %(price)s.")
        ) % {"unit": unit, "price": price}
    return svg.svg(
        chart_id,
        baseline + svg.BOTTOM,
        _("Cost per %(unit)s, month by month") % {"unit": unit},
        desc,
        [
            *svg.grid(ticks, svg.TOP, baseline),
            *bars,
            *line,
            *svg.month_axis([m.month for m in months], slot, baseline),
        ],
    )


def budget_chart(
    months: Sequence[MonthBudget], *, currency: str, chart_id: str = "budget-chart"
) -> SafeString:
    """One bar per month: what the co-op spent, under a dashed mark at the budget the members
    passed for it (none before the first budget)."""
    baseline = svg.TOP + svg.BAR_HEIGHT
    slot = (svg.WIDTH - svg.LEFT - svg.RIGHT) / max(1, len(months))
    values = [float(m.spent) for m in months] + [
        float(m.total) for m in months if m.budget is not None
    ]
    top_value = svg.nice_ceiling(max(values, default=0) * 1.1)
    body = []
    for index, month in enumerate(months):
        x = svg.bar_x(index, slot)
        width = svg.bar_width(slot)
        height = svg.bar_height(float(month.spent), top_value)
        planned = (
            _("budget %(amount)s") % {"amount": format_money(month.total, currency)}
            if month.budget is not None
            else _("no budget")
        )
        body.append(
            svg.el(
                "rect",
                {
                    "class": "bar",
                    "x": svg.n(x),
                    "y": svg.n(baseline - height),
                    "width": svg.n(width),
                    "height": svg.n(height),
                    "data-month": month.month.strftime("%Y-%m"),
                    "data-value": str(month.spent),
                },
                svg.el(
                    "title",
                    {},
                    escape(
                        _("%(month)s: spent %(spent)s, %(planned)s")
                        % {
                            "month": svg.month(month.month),
                            "spent": format_money(month.spent, currency),
                            "planned": planned,
                        }
                    ),
                ),
            )
        )
        if month.budget is not None:
            y = baseline - svg.bar_height(float(month.total), top_value)
            body.append(
                svg.el(
                    "line",
                    {
                        "class": "budget",
                        "x1": svg.n(x - 2),
                        "x2": svg.n(x + width + 2),
                        "y1": svg.n(y),
                        "y2": svg.n(y),
                        "stroke-width": "2",
                        "stroke-dasharray": "4 2",
                        "data-value": str(month.total),
                    },
                )
            )
    ticks = [(f, format_money(Decimal(str(top_value * f)), currency)) for f in (0, 0.5, 1)]
    budgeted = [m for m in months if m.budget is not None]
    over = sum(1 for m in budgeted if m.spent > m.total)
    desc = _(
        "One bar per month %(span)s: what the co-op spent; a dashed mark at the month's budget. "
        "%(over)d of %(budgeted)d budgeted months went over."
    ) % {"span": svg.span([m.month for m in months]), "over": over, "budgeted": len(budgeted)}
    return svg.svg(
        chart_id,
        baseline + svg.BOTTOM,
        _("Budget against spending, month by month"),
        desc,
        [
            *svg.grid(ticks, svg.TOP, baseline),
            *body,
            *svg.month_axis([m.month for m in months], slot, baseline),
        ],
    )
