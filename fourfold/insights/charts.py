"""Charts a member would rather look at than read, as server-rendered SVG.

Each function is pure: figures in, markup out (a ``SafeString``), no queries and no JavaScript.
Every chart is an ``<svg role="img">`` named by its ``<title>`` and described by its ``<desc>``;
the page puts the same figures in a table beside it, so nothing is only a picture. The SVG scales
with its container (``viewBox`` and ``width="100%"``). Whatever comes from members (usernames)
is escaped here, where the markup is made.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from fourfold.insights.selectors import WINDOW_WEEKS
from fourfold.lib.language import format_ratio
from fourfold.lib.money import format_money

if TYPE_CHECKING:
    from fourfold.insights.economics import MonthEconomics
    from fourfold.insights.selectors import MemberRoles
    from fourfold.production.selectors import MonthConsistency

WIDTH = 360
BAR_HEIGHT = 140  # the plot area of the bar charts, in viewBox units
TOP, BOTTOM, LEFT, RIGHT = 14, 30, 44, 8
# The colours are the stylesheet's palette (the --ff-* custom properties in fourfold.css, where
# their contrast is explained): the charts are drawn inside its pages and share its colours;
# text elsewhere takes the page's colour.
BAR = "var(--ff-bar)"
PRICE_LINE = "var(--ff-price-line)"
CELL_EDGE = "var(--ff-cell-edge)"
ROLE_NAMES = ("producer", "funder", "manager", "consumer")
CELL = {
    # status: (fill, text colour, symbol)
    "active": ("var(--ff-cell-active)", "var(--ff-cell-active-ink)", "\u25cf"),  # ● filled
    "light": ("var(--ff-cell-light)", "var(--ff-cell-light-ink)", "\u25d0"),  # ◐ half
    "absent": ("var(--ff-cell-absent)", "var(--ff-cell-absent-ink)", "\u25cb"),  # ○ empty
}
MAX_BAR = 28  # a bar stays a bar when only a month or two are shown
FONT_SIZE = 10
LABEL_GAP = 6  # the least room between two month names under the axis
YEAR_PAD = 3  # between a year and the mark where it begins
NAME_CHARS = 14  # longer usernames are cut in the matrix; the table beside it has them whole


def _n(value: float) -> str:
    """A coordinate, short: 12.0 → "12", 12.345 → "12.3"."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _el(tag: str, attrs: Mapping[str, object], content: str = "") -> str:
    """One element; attribute values are escaped, ``content`` is markup made here."""
    rendered = "".join(f' {key}="{escape(value)}"' for key, value in attrs.items())
    return f"<{tag}{rendered}>{content}</{tag}>"


def _text(x: float, y: float, label: str, **attrs: object) -> str:
    return _el(
        "text",
        {"x": _n(x), "y": _n(y), "fill": "currentColor", **attrs},
        escape(label),
    )


def _svg(chart_id: str, height: float, title: str, desc: str, body: Iterable[str]) -> SafeString:
    head = _el("title", {"id": f"{chart_id}-title"}, escape(title)) + _el(
        "desc", {"id": f"{chart_id}-desc"}, escape(desc)
    )
    # Safe: every attribute and text above went through escape().
    return mark_safe(
        _el(
            "svg",
            {
                "xmlns": "http://www.w3.org/2000/svg",
                "id": chart_id,
                "class": "chart",
                "viewBox": f"0 0 {WIDTH} {_n(height)}",
                "width": "100%",
                "role": "img",
                "aria-labelledby": f"{chart_id}-title",
                "aria-describedby": f"{chart_id}-desc",
                "font-family": "system-ui, sans-serif",
                "font-size": str(FONT_SIZE),
            },
            head + "".join(body),
        )
    )


def _month(day: date) -> str:
    return date_format(day, "M Y")


def text_width(label: str, size: float = FONT_SIZE) -> float:
    """How wide ``label`` is drawn, in viewBox units, erring wide: the SVG cannot measure its
    text, and which font the phone has is unknown."""
    return sum(size * (0.3 if char in " .,'" else 0.62) for char in label)


def _month_step(labels: Sequence[str], slot: float) -> int:
    """Label every month, or every second (third...) one when the month names would otherwise
    run into each other (many months, or a language with long abbreviations)."""
    widest = max((text_width(label) for label in labels), default=0)
    return max(1, math.ceil((widest + LABEL_GAP) / slot))


def _year_x(start: float, end: float, width: float, *, first: bool) -> tuple[float, str]:
    """Where a year's label goes, and its anchor: at the start of its stretch of months, just
    after the mark where the year changes; the first year, if its stretch is too narrow for it
    (a chart that begins in December), ends at that mark instead, reaching into the margin."""
    if first and end - start < width + 2 * YEAR_PAD and end < WIDTH - RIGHT:
        return end - YEAR_PAD, "end"
    return min(start + YEAR_PAD, WIDTH - width), "start"


def _month_axis(months: Sequence[date], slot: float, baseline: float) -> list[str]:
    """Month names under the bars, spaced so that they never touch; below them the year, once
    for each year shown, with a mark where it changes. Centred years under the first month
    and each January ran into each other ("2025" under December, "2026" under January)."""
    names = [date_format(month, "M") for month in months]
    step = _month_step(names, slot)
    labels = [
        _text(
            LEFT + slot * (index + 0.5),
            baseline + 12,
            name,
            **{"text-anchor": "middle", "class": "month"},
        )
        for index, name in enumerate(names)
        if index % step == 0
    ]
    starts = [index for index, month in enumerate(months) if index == 0 or month.month == 1]
    for position, index in enumerate(starts):
        start = LEFT + slot * index
        end = LEFT + slot * (starts[position + 1] if position + 1 < len(starts) else len(months))
        year = date_format(months[index], "Y")
        if index:
            labels.append(
                _el(
                    "line",
                    {
                        "class": "year-mark",
                        "x1": _n(start),
                        "x2": _n(start),
                        "y1": _n(baseline),
                        "y2": _n(baseline + BOTTOM - 2),
                        "stroke": "currentColor",
                        "stroke-opacity": "0.6",
                        "stroke-width": "1",
                    },
                )
            )
        x, anchor = _year_x(start, end, text_width(year), first=not index)
        labels.append(_text(x, baseline + 25, year, **{"text-anchor": anchor, "class": "year"}))
    return labels


def _grid(values: Sequence[tuple[float, str]], top: float, baseline: float) -> list[str]:
    """Horizontal rules at ``values`` (fractions of the plot's height) with their labels."""
    parts = []
    for fraction, label in values:
        y = baseline - fraction * (baseline - top)
        parts.append(
            _el(
                "line",
                {
                    "x1": _n(LEFT),
                    "x2": _n(WIDTH - RIGHT),
                    "y1": _n(y),
                    "y2": _n(y),
                    "stroke": "currentColor",
                    "stroke-opacity": "0.3" if fraction else "1",
                    "stroke-width": "1",
                },
            )
        )
        parts.append(_text(LEFT - 4, y + 3, label, **{"text-anchor": "end"}))
    return parts


def _bar_width(slot: float) -> float:
    return min(slot * 0.7, MAX_BAR)


def _bar_x(index: int, slot: float) -> float:
    return LEFT + slot * (index + 0.5) - _bar_width(slot) / 2


def _span(months: Sequence[date]) -> str:
    if months[0] == months[-1]:
        return _("in %(month)s") % {"month": _month(months[0])}
    return _("from %(first)s to %(last)s") % {
        "first": _month(months[0]),
        "last": _month(months[-1]),
    }


def bar_height(value: float, top_value: float) -> float:
    """How tall a bar of ``value`` is in a plot whose top stands for ``top_value``."""
    if top_value <= 0:
        return 0.0
    return max(0.0, min(1.0, value / top_value)) * BAR_HEIGHT


def consistency_chart(
    months: Sequence[MonthConsistency], *, chart_id: str = "consistency-chart"
) -> SafeString:
    """One bar per month: batches made on their day and at target over batches due, 0 to 100 %.
    A month with nothing due has no bar."""
    baseline = TOP + BAR_HEIGHT
    slot = (WIDTH - LEFT - RIGHT) / max(1, len(months))
    bars = []
    for index, month in enumerate(months):
        if month.ratio is None:
            continue
        height = bar_height(month.ratio, 1.0)
        bars.append(
            _el(
                "rect",
                {
                    "class": "bar",
                    "x": _n(_bar_x(index, slot)),
                    "y": _n(baseline - height),
                    "width": _n(_bar_width(slot)),
                    "height": _n(height),
                    "fill": BAR,
                    "data-month": month.month.strftime("%Y-%m"),
                    "data-value": f"{month.ratio:.4f}",
                },
                _el(
                    "title",
                    {},
                    escape(
                        _("%(month)s: %(on)d of %(due)d on target (%(ratio)s)")
                        % {
                            "month": _month(month.month),
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
                _text(
                    LEFT + slot * (index + 0.5),
                    baseline - 3,
                    format_ratio(0),
                    **{"text-anchor": "middle", "font-size": "8"},
                )
            )
    ratios = [m.ratio for m in months if m.ratio is not None]
    if ratios:
        desc = _(
            "One bar per month %(span)s: the share of batches made on their day and at target, "
            "between %(low)s and %(high)s."
        ) % {
            "span": _span([m.month for m in months]),
            "low": format_ratio(min(ratios)),
            "high": format_ratio(max(ratios)),
        }
    else:
        desc = _("No batch has come due yet.")
    grid = _grid([(f, format_ratio(f)) for f in (0, 0.5, 1)], TOP, baseline)
    axis = _month_axis([m.month for m in months], slot, baseline)
    return _svg(
        chart_id,
        baseline + BOTTOM,
        _("Consistency per month"),
        desc,
        [*grid, *bars, *axis],
    )


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5 or 5 times a power of ten at or above ``value``: a scale
    a reader can halve."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value - 1e-9:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def cost_chart(
    months: Sequence[MonthEconomics],
    *,
    commercial_unit_price: Decimal,
    currency: str,
    unit: str,
    chart_id: str = "cost-chart",
) -> SafeString:
    """One bar per month: what a unit cost the co-op, under a dashed line at the price of
    buying it. A month with costs and nothing made has no bar."""
    baseline = TOP + BAR_HEIGHT
    slot = (WIDTH - LEFT - RIGHT) / max(1, len(months))
    costs = [m.cost_per_unit for m in months if m.cost_per_unit is not None]
    top_value = _nice_ceiling(float(max([*costs, commercial_unit_price], default=0)) * 1.1)
    bars = []
    for index, month in enumerate(months):
        if month.cost_per_unit is None:
            continue
        height = bar_height(float(month.cost_per_unit), top_value)
        bars.append(
            _el(
                "rect",
                {
                    "class": "bar",
                    "x": _n(_bar_x(index, slot)),
                    "y": _n(baseline - height),
                    "width": _n(_bar_width(slot)),
                    "height": _n(height),
                    "fill": BAR,
                    "data-month": month.month.strftime("%Y-%m"),
                    "data-value": str(month.cost_per_unit),
                },
                _el(
                    "title",
                    {},
                    escape(
                        _("%(month)s: %(cost)s per %(unit)s, %(units)d made")
                        % {
                            "month": _month(month.month),
                            "cost": format_money(month.cost_per_unit, currency),
                            "unit": unit,
                            "units": month.units,
                        }
                    ),
                ),
            )
        )
    price_y = baseline - bar_height(float(commercial_unit_price), top_value)
    price = format_money(commercial_unit_price, currency)
    line = [
        _el(
            "line",
            {
                "class": "price",
                "x1": _n(LEFT),
                "x2": _n(WIDTH - RIGHT),
                "y1": _n(price_y),
                "y2": _n(price_y),
                "stroke": PRICE_LINE,
                "stroke-width": "2",
                "stroke-dasharray": "6 4",
            },
        ),
        _text(
            WIDTH - RIGHT,
            max(TOP - 2, price_y - 4),
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
            "span": _span([m.month for m in months]),
            "unit": unit,
            "low": format_money(min(costs), currency),
            "high": format_money(max(costs), currency),
            "price": price,
        }
    else:
        desc = _("Nothing made with costs recorded yet; to buy, a %(unit)s costs %(price)s.") % {
            "unit": unit,
            "price": price,
        }
    return _svg(
        chart_id,
        baseline + BOTTOM,
        _("Cost per %(unit)s, month by month") % {"unit": unit},
        desc,
        [
            *_grid(ticks, TOP, baseline),
            *bars,
            *line,
            *_month_axis([m.month for m in months], slot, baseline),
        ],
    )


ROW = 24
HEADER = 34
NAME_WIDTH = 88
CELL_WIDTH = 60
ALL_FOUR_WIDTH = WIDTH - NAME_WIDTH - 4 * CELL_WIDTH


def _role_label(name: str) -> str:
    return {
        "producer": _("producer"),
        "funder": _("funder"),
        "manager": _("manager"),
        "consumer": _("consumer"),
    }[name]


def status_label(status: str) -> str:
    return {"active": _("active"), "light": _("light"), "absent": _("absent")}[status]


def status_symbol(status: str) -> str:
    return CELL[status][2]


def _short(name: str) -> str:
    return name if len(name) <= NAME_CHARS else name[: NAME_CHARS - 1] + "\u2026"


def roles_matrix(roles: Sequence[MemberRoles], *, chart_id: str = "roles-chart") -> SafeString:
    """Members down, the four roles across; each cell coloured and labelled by how much the
    member plays that role (active / light / absent), with ✓ for those active in all four."""
    parts = []
    for index, name in enumerate(ROLE_NAMES):
        x = NAME_WIDTH + CELL_WIDTH * (index + 0.5)
        parts.append(
            _text(
                x,
                HEADER - 10,
                _role_label(name),
                **{"text-anchor": "middle", "font-weight": "bold"},
            )
        )
    parts.append(
        _text(
            NAME_WIDTH + 4 * CELL_WIDTH + ALL_FOUR_WIDTH / 2,
            HEADER - 10,
            _("all 4"),
            **{"text-anchor": "middle", "font-weight": "bold"},
        )
    )
    for row_index, member in enumerate(roles):
        y = HEADER + ROW * row_index
        cells = [_text(0, y + ROW / 2 + 4, _short(member.username))]
        for index, name in enumerate(ROLE_NAMES):
            role = getattr(member, name)
            fill, ink, symbol = CELL[role.status]
            x = NAME_WIDTH + CELL_WIDTH * index
            cells.append(
                _el(
                    "rect",
                    {
                        "class": f"cell {role.status}",
                        "x": _n(x + 1),
                        "y": _n(y + 1),
                        "width": _n(CELL_WIDTH - 2),
                        "height": _n(ROW - 2),
                        "rx": "3",
                        "fill": fill,
                        "stroke": CELL_EDGE,
                        "stroke-width": "0.5",
                        "data-role": name,
                        "data-status": role.status,
                    },
                    _el("title", {}, escape(f"{_role_label(name)}: {role.figure}")),
                )
            )
            cells.append(
                _el(
                    "text",
                    {
                        "x": _n(x + CELL_WIDTH / 2),
                        "y": _n(y + ROW / 2 + 4),
                        "fill": ink,
                        "text-anchor": "middle",
                    },
                    escape(f"{symbol} {status_label(role.status)}"),
                )
            )
        if member.all_four:
            cells.append(
                _text(
                    NAME_WIDTH + 4 * CELL_WIDTH + ALL_FOUR_WIDTH / 2,
                    y + ROW / 2 + 5,
                    "\u2713",
                    **{"text-anchor": "middle", "font-size": "14", "font-weight": "bold"},
                )
            )
        parts.append(
            _el(
                "g",
                {"class": "member", "data-username": member.username},
                _el("title", {}, escape(member.username)) + "".join(cells),
            )
        )
    counts = {
        name: {s: sum(1 for m in roles if getattr(m, name).status == s) for s in CELL}
        for name in ROLE_NAMES
    }
    if roles:
        desc = _(
            "%(all)d of %(n)d members are active in all four roles over the last %(w)d weeks."
        ) % {"all": sum(1 for m in roles if m.all_four), "n": len(roles), "w": WINDOW_WEEKS}
        for name in ROLE_NAMES:
            desc += " " + _("%(role)s: %(a)d active, %(l)d light, %(x)d absent.") % {
                "role": _role_label(name).capitalize(),
                "a": counts[name]["active"],
                "l": counts[name]["light"],
                "x": counts[name]["absent"],
            }
    else:
        desc = _("No active members.")
    return _svg(
        chart_id,
        HEADER + ROW * max(1, len(roles)) + 4,
        _("Members and their four roles"),
        desc,
        parts,
    )
