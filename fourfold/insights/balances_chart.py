"""The members' balances as a diverging bar chart: what the co-op owes each member to the right
of a zero line, what each owes to the left, most owed at the top (the conventions every chart
follows are in ``charts``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fourfold.insights import svg
from fourfold.lib.money import format_money

if TYPE_CHECKING:
    from fourfold.ledger.selectors import MemberBalance

# A co-op of hundreds would draw a chart of hundreds of rows: the largest on either side say
# who to settle with first, and the table beside the chart has everyone.
MOST_EACH_SIDE = 12
NAME_CHARS = 14
ROW = 18
HEAD = 16  # the row naming the two sides
GAP = 4  # between the zero line and a name, and between a bar and its amount
ZERO_X = svg.WIDTH / 2


@dataclass(frozen=True)
class BalanceBars:
    """The balances the chart draws, most owed first, and how many it leaves to the table."""

    drawn: list[MemberBalance]
    more_owed: int
    more_owing: int
    square: int  # members whose balance is zero: no bar


def balance_bars(balances: Sequence[MemberBalance], most: int = MOST_EACH_SIDE) -> BalanceBars:
    """The ``most`` largest balances either side of zero, sorted from the most owed to the most
    owing; ties keep the order they came in (by username)."""
    owed = sorted((b for b in balances if b.balance > 0), key=lambda b: -b.balance)
    owing = sorted((b for b in balances if b.balance < 0), key=lambda b: b.balance)
    return BalanceBars(
        drawn=owed[:most] + owing[:most][::-1],
        more_owed=max(0, len(owed) - most),
        more_owing=max(0, len(owing) - most),
        square=sum(1 for b in balances if not b.balance),
    )


def more_parts(bars: BalanceBars) -> list[str]:
    """Who the chart leaves out, in words: how many more are owed, how many more owe."""
    parts = []
    if bars.more_owed:
        parts.append(
            ngettext("%(n)d more member is owed", "%(n)d more members are owed", bars.more_owed)
            % {"n": bars.more_owed}
        )
    if bars.more_owing:
        parts.append(
            ngettext("%(n)d more member owes", "%(n)d more members owe", bars.more_owing)
            % {"n": bars.more_owing}
        )
    return parts


def more_text(bars: BalanceBars) -> str:
    """What the chart leaves out, as a sentence ("" when it draws everyone who owes or is
    owed)."""
    parts = more_parts(bars)
    if not parts:
        return ""
    return _("%(parts)s: the table has everyone.") % {"parts": "; ".join(parts)}


def balances_chart(
    balances: Sequence[MemberBalance],
    *,
    currency: str,
    me: int | None = None,
    chart_id: str = "balances-chart",
) -> SafeString:
    """One bar per member from a zero line in the middle: to the right what the co-op owes
    them, to the left what they owe; each labelled with the name and the amount, ``me`` in bold.
    At most ``MOST_EACH_SIDE`` either side; a line under the bars says how many more."""
    bars = balance_bars(balances)
    amounts = [format_money(abs(b.balance), currency) for b in bars.drawn]
    widest = max((svg.text_width(a) for a in amounts), default=0)
    # The longest bar leaves room beyond its end for its amount, inside its half.
    reach = max(1.0, ZERO_X - GAP - widest - GAP - svg.RIGHT)
    top_value = float(max((abs(b.balance) for b in bars.drawn), default=Decimal(0)))
    body = [
        svg.text(ZERO_X - GAP, HEAD - 5, _("\u2190 owes"), **{"text-anchor": "end"}),
        svg.text(ZERO_X + GAP, HEAD - 5, _("is owed \u2192"), **{"text-anchor": "start"}),
    ]
    for index, (row, amount) in enumerate(zip(bars.drawn, amounts, strict=True)):
        y = HEAD + ROW * index
        length = max(1.0, svg.bar_height(float(abs(row.balance)), top_value, reach))
        owed = row.balance > 0
        x = ZERO_X if owed else ZERO_X - length
        bold = {"font-weight": "bold"} if row.user.pk == me else {}
        name = svg.short(row.user.username, NAME_CHARS)
        body.append(
            svg.el(
                "rect",
                {
                    "class": "chart-bar-owed" if owed else "chart-bar-owing",
                    "x": svg.n(x),
                    "y": svg.n(y + 3),
                    "width": svg.n(length),
                    "height": svg.n(ROW - 6),
                    "data-member": row.user.username,
                    "data-value": str(row.balance),
                },
                svg.el(
                    "title",
                    {},
                    escape(
                        (
                            _("%(name)s is owed %(amount)s")
                            if owed
                            else _("%(name)s owes %(amount)s")
                        )
                        % {"name": row.user.username, "amount": amount}
                    ),
                ),
            )
        )
        baseline = y + ROW / 2 + 3.5
        # The name stands on the empty side of the zero line, the amount beyond the bar's end.
        if owed:
            body.append(svg.text(ZERO_X - GAP, baseline, name, **{"text-anchor": "end"}, **bold))
            body.append(svg.text(x + length + GAP, baseline, amount, **{"text-anchor": "start"}))
        else:
            body.append(svg.text(ZERO_X + GAP, baseline, name, **{"text-anchor": "start"}, **bold))
            body.append(svg.text(x - GAP, baseline, amount, **{"text-anchor": "end"}))
    bottom = HEAD + ROW * len(bars.drawn)
    body.append(
        svg.el(
            "line",
            {
                "class": "zero",
                "x1": svg.n(ZERO_X),
                "x2": svg.n(ZERO_X),
                "y1": svg.n(HEAD),
                "y2": svg.n(max(bottom, HEAD + ROW)),
                "stroke": "currentColor",
                "stroke-width": "1",
            },
        )
    )
    height = max(bottom, HEAD + ROW) + 4
    for part in more_parts(bars):
        body.append(svg.text(0, height + 10, part, **{"class": "more"}))
        height += 14
    return svg.svg(chart_id, height, _("Who is owed, who owes"), _describe(bars, currency), body)


def _describe(bars: BalanceBars, currency: str) -> str:
    if not bars.drawn:
        return _("Nobody owes or is owed anything: every balance is zero.")
    first, last = bars.drawn[0], bars.drawn[-1]
    parts = [
        _(
            "One bar per member, from the most owed to the most owing: to the right what the "
            "co-op owes them, to the left what they owe."
        )
    ]
    if first.balance > 0:
        parts.append(
            _("Most owed: %(name)s, %(amount)s.")
            % {"name": first.user.username, "amount": format_money(first.balance, currency)}
        )
    if last.balance < 0:
        parts.append(
            _("Most owing: %(name)s, %(amount)s.")
            % {"name": last.user.username, "amount": format_money(-last.balance, currency)}
        )
    if bars.square:
        parts.append(
            ngettext("%(n)d member is square.", "%(n)d members are square.", bars.square)
            % {"n": bars.square}
        )
    more = more_text(bars)
    if more:
        parts.append(more)
    return " ".join(parts)
