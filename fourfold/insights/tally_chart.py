"""A proposal's tally as one stacked bar: every member who may vote is a slice, agree, disagree,
block, abstain or not voted yet, with the quorum and the threshold marked where the bar must
reach them (the conventions every chart follows are in ``charts``)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from fourfold.insights import svg

# Agree and disagree side by side from the left: the threshold is a share of the two, so its
# mark falls inside them, and agree passes where it reaches the mark. Every vote before the
# members who have not voted: the quorum's mark is reached where the votes reach it.
ORDER = ("agree", "disagree", "block", "abstain")
NOT_VOTED = "none"
X0 = 8
FULL = svg.WIDTH - 2 * X0
BAR_Y = 18
BAR_H = 22
LINE = 13  # between the labels under the bar


@dataclass(frozen=True)
class Segment:
    position: str
    label: str
    count: int
    x: float
    width: float


def segments(positions: Sequence[tuple[str, str, int]], eligible: int) -> list[Segment]:
    """The slices of the bar, each as wide as its share of the ``eligible`` members; those who
    have not voted last."""
    by_position = {position: (label, count) for position, label, count in positions}
    rows = [(p, *by_position[p]) for p in ORDER if p in by_position]
    voted = sum(count for _p, _label, count in rows)
    rows.append((NOT_VOTED, _("not voted"), max(0, eligible - voted)))
    total = max(eligible, voted)
    result = []
    x = float(X0)
    for position, label, count in rows:
        width = FULL * count / total if total else 0.0
        result.append(Segment(position, str(label), count, x, width))
        x += width
    return result


def _mark(
    classes: str, x: float, y1: float, y2: float, dashes: str, data: dict[str, str] | None = None
) -> str:
    return svg.el(
        "line",
        {
            "class": classes,
            "x1": svg.n(x),
            "x2": svg.n(x),
            "y1": svg.n(y1),
            "y2": svg.n(y2),
            "stroke": "currentColor",
            "stroke-width": "2",
            "stroke-dasharray": dashes,
            **(data or {}),
        },
    )


def tally_chart(
    *,
    positions: Sequence[tuple[str, str, int]],
    eligible: int,
    quorum: int | None = None,
    share: Fraction | None = None,
    chart_id: str = "tally-chart",
) -> SafeString:
    """The tally as one bar of ``eligible`` slices: ``positions`` are (position, label, count)
    as the tally counts them. ``quorum`` (how many must vote) and ``share`` (of agree among
    agree and disagree) are marked when given: an open proposal's, by the co-op's rules."""
    parts = segments(positions, eligible)
    body = []
    for part in parts:
        if not part.count:
            continue
        words = f"{part.label} {part.count}"
        body.append(
            svg.el(
                "rect",
                {
                    "class": f"chart-vote chart-vote-{part.position}",
                    "x": svg.n(part.x),
                    "y": svg.n(BAR_Y),
                    "width": svg.n(part.width),
                    "height": svg.n(BAR_H),
                    "data-position": part.position,
                    "data-value": str(part.count),
                },
                svg.el("title", {}, escape(words)),
            )
        )
        # Each slice says what it is above it, in words where they fit, else its count.
        for label in (words, str(part.count)):
            if svg.text_width(label) + 2 <= part.width:
                body.append(
                    svg.text(
                        part.x + part.width / 2,
                        BAR_Y - 5,
                        label,
                        **{"text-anchor": "middle", "class": "slice-label"},
                    )
                )
                break
    counts = {part.position: part.count for part in parts}
    marks = []
    if eligible and quorum is not None:
        marks.append(
            (
                "quorum",
                quorum / eligible,
                _("quorum: %(n)d of %(eligible)d vote") % {"n": quorum, "eligible": eligible},
            )
        )
    deciding = counts.get("agree", 0) + counts.get("disagree", 0)
    if eligible and share is not None and deciding:
        needed = math.ceil(share * deciding)
        marks.append(
            (
                "threshold",
                float(share * deciding / eligible),
                _("to pass: %(n)d of %(deciding)d agree (%(share)s)")
                % {"n": needed, "deciding": deciding, "share": str(share)},
            )
        )
    y = BAR_Y + BAR_H
    for line, (name, fraction, label) in enumerate(marks, start=1):
        dashes = "3 2" if name == "quorum" else "none"
        x = X0 + FULL * min(1.0, fraction)
        body.append(
            _mark(
                f"chart-mark chart-mark-{name}",
                x,
                BAR_Y - 3,
                y + 3,
                dashes,
                data={"data-value": f"{fraction:.4f}"},
            )
        )
        # Under the bar, the mark's key: the same stroke, then what it stands for.
        key = y + LINE * line
        body.append(_mark("chart-mark-key", X0 + 2, key - 9, key + 2, dashes))
        body.append(svg.text(X0 + 8, key, label))
    return svg.svg(
        chart_id,
        y + LINE * len(marks) + 6,
        _("The tally"),
        _describe(parts, eligible, quorum, share, deciding),
        body,
    )


def _describe(
    parts: list[Segment],
    eligible: int,
    quorum: int | None,
    share: Fraction | None,
    deciding: int,
) -> str:
    words = [
        _("One bar of the %(n)d members who may vote: %(counts)s.")
        % {
            "n": eligible,
            "counts": ", ".join(f"{part.label} {part.count}" for part in parts),
        }
    ]
    voted = sum(part.count for part in parts if part.position != NOT_VOTED)
    if quorum is not None:
        words.append(
            (_("Quorum %(n)d: reached.") if voted >= quorum else _("Quorum %(n)d: not yet."))
            % {"n": quorum}
        )
    if share is not None and deciding:
        words.append(
            _("To pass, %(share)s of the %(deciding)d who took a side must agree.")
            % {"share": str(share), "deciding": deciding}
        )
    if any(part.position == "block" and part.count for part in parts):
        words.append(_("A block stops the proposal."))
    return " ".join(words)
