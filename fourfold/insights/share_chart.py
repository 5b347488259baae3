"""A member's year: the units they took each month as bars, and under them, on the same months,
what a unit cost the co-op as a line (the conventions every chart follows are in ``charts``).
Two panels over one month axis rather than two scales on one plot: units and money never share
an axis a reader has to tell apart."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fourfold.insights import svg
from fourfold.lib.money import format_money

if TYPE_CHECKING:
    from fourfold.insights.economics import MemberMonth

PANEL = 64  # each panel's plot height
HEADING = 14  # a panel's name above its plot
POINT = 2.5


def _panel_heading(y: float, label: str) -> str:
    return svg.text(svg.LEFT, y, label, **{"font-weight": "bold"})


def share_chart(
    months: Sequence[MemberMonth],
    *,
    currency: str,
    unit: str,
    chart_id: str = "share-chart",
    service: bool = False,
) -> SafeString:
    """Per month, the units the member took (bars, top) and the co-op's cost per unit (a line
    with a point per month, bottom); a month with nothing made has no point, and the line breaks
    there. ``service``: described in a service co-op's words."""
    slot = (svg.WIDTH - svg.LEFT - svg.RIGHT) / max(1, len(months))
    units_top = HEADING + svg.TOP
    units_base = units_top + PANEL
    top_units = svg.nice_ceiling(max((m.units for m in months), default=0))
    body = [
        _panel_heading(HEADING, _("What you took, in %(unit)s") % {"unit": unit}),
        # Whole units on the scale: a half appears only where the top is even.
        *svg.grid(
            [(f, svg.n(top_units * f)) for f in (0, 0.5, 1) if float(top_units * f).is_integer()],
            units_top,
            units_base,
        ),
    ]
    for index, month in enumerate(months):
        if not month.units:
            continue
        height = svg.bar_height(month.units, top_units, PANEL)
        body.append(
            svg.el(
                "rect",
                {
                    "class": "chart-bar-share",
                    "x": svg.n(svg.bar_x(index, slot)),
                    "y": svg.n(units_base - height),
                    "width": svg.n(svg.bar_width(slot)),
                    "height": svg.n(height),
                    "data-month": month.month.strftime("%Y-%m"),
                    "data-value": str(month.units),
                },
                svg.el(
                    "title",
                    {},
                    escape(
                        ngettext(
                            "%(month)s: you took %(n)d %(unit)s, charged %(charged)s",
                            "%(month)s: you took %(n)d %(unit)s, charged %(charged)s",
                            month.units,
                        )
                        % {
                            "month": svg.month(month.month),
                            "n": month.units,
                            "unit": unit,
                            "charged": format_money(month.charged, currency),
                        }
                    ),
                ),
            )
        )
    cost_top = units_base + svg.BOTTOM - 8 + HEADING + svg.TOP
    cost_base = cost_top + PANEL
    costs = [m.cost_per_unit for m in months if m.cost_per_unit is not None]
    top_cost = svg.nice_ceiling(float(max(costs, default=Decimal(0))) * 1.1)
    body += [
        _panel_heading(cost_top - svg.TOP, _("Cost per %(unit)s to the co-op") % {"unit": unit}),
        *svg.grid(
            [(f, format_money(Decimal(str(top_cost * f)), currency)) for f in (0, 0.5, 1)],
            cost_top,
            cost_base,
        ),
    ]
    runs: list[list[str]] = [[]]
    for index, month in enumerate(months):
        if month.cost_per_unit is None:
            runs.append([])
            continue
        x = svg.LEFT + slot * (index + 0.5)
        y = cost_base - svg.bar_height(float(month.cost_per_unit), top_cost, PANEL)
        runs[-1].append(f"{svg.n(x)},{svg.n(y)}")
        body.append(
            svg.el(
                "circle",
                {
                    "class": "chart-point-cost",
                    "cx": svg.n(x),
                    "cy": svg.n(y),
                    "r": svg.n(POINT),
                    "data-month": month.month.strftime("%Y-%m"),
                    "data-value": str(month.cost_per_unit),
                },
                svg.el(
                    "title",
                    {},
                    escape(
                        _("%(month)s: %(cost)s per %(unit)s")
                        % {
                            "month": svg.month(month.month),
                            "cost": format_money(month.cost_per_unit, currency),
                            "unit": unit,
                        }
                    ),
                ),
            )
        )
    body += [
        svg.el(
            "polyline",
            {"class": "chart-line-cost", "points": " ".join(run), "fill": "none"},
        )
        for run in runs
        if len(run) > 1
    ]
    body += svg.month_axis([m.month for m in months], slot, cost_base)
    return svg.svg(
        chart_id,
        cost_base + svg.BOTTOM,
        _("Your share and the cost per %(unit)s, month by month") % {"unit": unit},
        _describe(months, currency, unit, service=service),
        body,
    )


def _describe(months: Sequence[MemberMonth], currency: str, unit: str, *, service: bool) -> str:
    if not months:
        return _("No months to show yet.")
    taken = sum(m.units for m in months)
    charged = sum((m.charged for m in months), Decimal(0))
    words = [
        ngettext(
            "Bars: what you took each month %(span)s, %(n)d %(unit)s in all, charged %(charged)s.",
            "Bars: what you took each month %(span)s, %(n)d %(unit)s in all, charged %(charged)s.",
            taken,
        )
        % {
            "unit": unit,
            "span": svg.span([m.month for m in months]),
            "n": taken,
            "charged": format_money(charged, currency),
        }
    ]
    costs = [m.cost_per_unit for m in months if m.cost_per_unit is not None]
    if costs:
        words.append(
            _("Line: what a %(unit)s cost the co-op, between %(low)s and %(high)s.")
            % {
                "unit": unit,
                "low": format_money(min(costs), currency),
                "high": format_money(max(costs), currency),
            }
        )
    else:
        words.append(
            _("No session held with costs recorded yet.")
            if service
            else _("Nothing made with costs recorded yet.")
        )
    return " ".join(words)
