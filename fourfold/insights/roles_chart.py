"""The four-roles matrix, as server-rendered SVG: members down, the four roles across, each cell
coloured and labelled in words (the conventions every chart follows are in ``charts``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from fourfold.insights import svg
from fourfold.insights.selectors import WINDOW_WEEKS

if TYPE_CHECKING:
    from fourfold.insights.selectors import MemberRoles

ROLE_NAMES = ("producer", "funder", "manager", "consumer")
NAME_CHARS = 14  # longer usernames are cut in the matrix; the table beside it has them whole
ROW = 24
HEADER = 34
NAME_WIDTH = 88
CELL_WIDTH = 60
ALL_FOUR_WIDTH = svg.WIDTH - NAME_WIDTH - 4 * CELL_WIDTH


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
    return svg.CELL_SYMBOL[status]


def roles_matrix(roles: Sequence[MemberRoles], *, chart_id: str = "roles-chart") -> SafeString:
    """Members down, the four roles across; each cell coloured and labelled by how much the
    member plays that role (active / light / absent), with ✓ for those active in all four."""
    parts = []
    for index, name in enumerate(ROLE_NAMES):
        x = NAME_WIDTH + CELL_WIDTH * (index + 0.5)
        parts.append(
            svg.text(
                x,
                HEADER - 10,
                _role_label(name),
                **{"text-anchor": "middle", "font-weight": "bold"},
            )
        )
    parts.append(
        svg.text(
            NAME_WIDTH + 4 * CELL_WIDTH + ALL_FOUR_WIDTH / 2,
            HEADER - 10,
            _("all 4"),
            **{"text-anchor": "middle", "font-weight": "bold"},
        )
    )
    for row_index, member in enumerate(roles):
        y = HEADER + ROW * row_index
        cells = [svg.text(0, y + ROW / 2 + 4, svg.short(member.username, NAME_CHARS))]
        for index, name in enumerate(ROLE_NAMES):
            role = getattr(member, name)
            symbol = svg.CELL_SYMBOL[role.status]
            x = NAME_WIDTH + CELL_WIDTH * index
            cells.append(
                svg.el(
                    "rect",
                    {
                        "class": f"cell {role.status}",
                        "x": svg.n(x + 1),
                        "y": svg.n(y + 1),
                        "width": svg.n(CELL_WIDTH - 2),
                        "height": svg.n(ROW - 2),
                        "rx": "3",
                        "stroke-width": "0.5",
                        "data-role": name,
                        "data-status": role.status,
                    },
                    svg.el("title", {}, escape(f"{_role_label(name)}: {role.figure}")),
                )
            )
            cells.append(
                svg.el(
                    "text",
                    {
                        "x": svg.n(x + CELL_WIDTH / 2),
                        "y": svg.n(y + ROW / 2 + 4),
                        "class": f"cell-label {role.status}",
                        "text-anchor": "middle",
                    },
                    escape(f"{symbol} {status_label(role.status)}"),
                )
            )
        if member.all_four:
            cells.append(
                svg.text(
                    NAME_WIDTH + 4 * CELL_WIDTH + ALL_FOUR_WIDTH / 2,
                    y + ROW / 2 + 5,
                    "\u2713",
                    **{"text-anchor": "middle", "font-size": "14", "font-weight": "bold"},
                )
            )
        parts.append(
            svg.el(
                "g",
                {"class": "member", "data-username": member.username},
                svg.el("title", {}, escape(member.username)) + "".join(cells),
            )
        )
    counts = {
        name: {s: sum(1 for m in roles if getattr(m, name).status == s) for s in svg.CELL_SYMBOL}
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
    return svg.svg(
        chart_id,
        HEADER + ROW * max(1, len(roles)) + 4,
        _("Members and their four roles"),
        desc,
        parts,
    )
