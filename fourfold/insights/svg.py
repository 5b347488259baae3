"""What the charts are drawn with: the plot's size and margins, the cells' symbols, one
element with its values escaped, the ``<svg>`` around a chart, and the grid and month axis the
bar charts share."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH = 360
BAR_HEIGHT = 140  # the plot area of the bar charts, in viewBox units
TOP, BOTTOM, LEFT, RIGHT = 14, 30, 44, 8
# The shapes carry no colour of their own: fourfold.css fills them by class (.bar, .price,
# .budget, .cell and .cell-label with the status) from its palette, which swaps in dark mode;
# the charts are drawn inline in its pages. Text takes the page's colour.
CELL_SYMBOL = {
    "active": "\u25cf",  # ● filled
    "light": "\u25d0",  # ◐ half
    "absent": "\u25cb",  # ○ empty
}
MAX_BAR = 28  # a bar stays a bar when only a month or two are shown
FONT_SIZE = 10
LABEL_GAP = 6  # the least room between two month names under the axis
YEAR_PAD = 3  # between a year and the mark where it begins


def n(value: float) -> str:
    """A coordinate, short: 12.0 → "12", 12.345 → "12.3"."""
    short = f"{value:.1f}"
    return short[:-2] if short.endswith(".0") else short


def el(tag: str, attrs: Mapping[str, object], content: str = "") -> str:
    """One element; attribute values are escaped, ``content`` is markup made here."""
    rendered = "".join(f' {key}="{escape(value)}"' for key, value in attrs.items())
    return f"<{tag}{rendered}>{content}</{tag}>"


def text(x: float, y: float, label: str, **attrs: object) -> str:
    """A label at (x, y) in the page's colour; ``label`` is escaped."""
    return el(
        "text",
        {"x": n(x), "y": n(y), "fill": "currentColor", **attrs},
        escape(label),
    )


def svg(chart_id: str, height: float, title: str, desc: str, body: Iterable[str]) -> SafeString:
    """The whole chart: ``body`` in an ``<svg role="img">`` named by ``title``, described by
    ``desc``."""
    head = el("title", {"id": f"{chart_id}-title"}, escape(title)) + el(
        "desc", {"id": f"{chart_id}-desc"}, escape(desc)
    )
    # Safe: every attribute and text above went through escape().
    return mark_safe(
        el(
            "svg",
            {
                "xmlns": "http://www.w3.org/2000/svg",
                "id": chart_id,
                "class": "chart",
                "viewBox": f"0 0 {WIDTH} {n(height)}",
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


def month(day: date) -> str:
    """A month as the charts name it in words: "Jan 2026"."""
    return date_format(day, "M Y")


def short(name: str, chars: int) -> str:
    """``name`` cut to ``chars`` characters with an ellipsis: a chart has room for so much of
    a username, and the table beside it has them whole."""
    return name if len(name) <= chars else name[: chars - 1] + "\u2026"


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


def month_axis(months: Sequence[date], slot: float, baseline: float) -> list[str]:
    """Month names under the bars, spaced so that they never touch; below them the year, once
    for each year shown, with a mark where it changes. Centred years under the first month
    and each January ran into each other ("2025" under December, "2026" under January)."""
    names = [date_format(month, "M") for month in months]
    step = _month_step(names, slot)
    labels = [
        text(
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
                el(
                    "line",
                    {
                        "class": "year-mark",
                        "x1": n(start),
                        "x2": n(start),
                        "y1": n(baseline),
                        "y2": n(baseline + BOTTOM - 2),
                        "stroke": "currentColor",
                        "stroke-opacity": "0.6",
                        "stroke-width": "1",
                    },
                )
            )
        x, anchor = _year_x(start, end, text_width(year), first=not index)
        labels.append(text(x, baseline + 25, year, **{"text-anchor": anchor, "class": "year"}))
    return labels


def grid(values: Sequence[tuple[float, str]], top: float, baseline: float) -> list[str]:
    """Horizontal rules at ``values`` (fractions of the plot's height) with their labels."""
    parts = []
    for fraction, label in values:
        y = baseline - fraction * (baseline - top)
        parts.append(
            el(
                "line",
                {
                    "x1": n(LEFT),
                    "x2": n(WIDTH - RIGHT),
                    "y1": n(y),
                    "y2": n(y),
                    "stroke": "currentColor",
                    "stroke-opacity": "0.3" if fraction else "1",
                    "stroke-width": "1",
                },
            )
        )
        parts.append(text(LEFT - 4, y + 3, label, **{"text-anchor": "end"}))
    return parts


def bar_width(slot: float) -> float:
    """How wide a bar is in a month's ``slot`` of the axis."""
    return min(slot * 0.7, MAX_BAR)


def bar_x(index: int, slot: float) -> float:
    """Where the bar of the ``index``-th month begins, centred in its slot."""
    return LEFT + slot * (index + 0.5) - bar_width(slot) / 2


def span(months: Sequence[date]) -> str:
    """The months a chart shows, in words for its description."""
    if months[0] == months[-1]:
        return _("in %(month)s") % {"month": month(months[0])}
    return _("from %(first)s to %(last)s") % {
        "first": month(months[0]),
        "last": month(months[-1]),
    }


def bar_height(value: float, top_value: float, plot: float = BAR_HEIGHT) -> float:
    """How tall a bar of ``value`` is in a plot ``plot`` high whose top stands for
    ``top_value``."""
    if top_value <= 0:
        return 0.0
    return max(0.0, min(1.0, value / top_value)) * plot


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5 or 5 times a power of ten at or above ``value``: a scale
    a reader can halve."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value - 1e-9:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns
