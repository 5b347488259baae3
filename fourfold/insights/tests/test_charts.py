import itertools
import re
from datetime import date
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.utils import translation

from fourfold.insights import charts, roles_chart
from fourfold.insights.economics import MonthEconomics
from fourfold.insights.selectors import MemberRoles, Role
from fourfold.insights.svg import BAR_HEIGHT, LABEL_GAP, LEFT, RIGHT, TOP, WIDTH, text_width
from fourfold.production.selectors import MonthConsistency

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def parse(markup: str) -> ElementTree.Element:
    """The chart as XML: it must be well-formed to parse at all."""
    return ElementTree.fromstring(str(markup))  # noqa: S314 - our own markup, not a visitor's


def bars(svg: ElementTree.Element) -> dict[str, float]:
    return {
        rect.get("data-month"): float(rect.get("height"))
        for rect in svg.iter(f"{SVG}rect")
        if rect.get("class") == "bar"
    }


def months_of_consistency() -> list[MonthConsistency]:
    return [
        MonthConsistency(month=date(2025, 12, 1), planned=4, on_target=3),
        MonthConsistency(month=date(2026, 1, 1), planned=5, on_target=5),
        MonthConsistency(month=date(2026, 2, 1), planned=4, on_target=0),
        MonthConsistency(month=date(2026, 3, 1), planned=0, on_target=0),
    ]


def months_of_costs() -> list[MonthEconomics]:
    return [
        MonthEconomics(date(2026, 1, 1), 20, Decimal("40.00"), Decimal("4"), "USD"),
        MonthEconomics(date(2026, 2, 1), 40, Decimal("60.00"), Decimal("8"), "USD"),
        MonthEconomics(date(2026, 3, 1), 0, Decimal("12.00"), Decimal("0"), "USD"),
    ]


def role(status: str) -> Role:
    return Role(status, f"figure for {status}")


def member(username: str, *statuses: str) -> MemberRoles:
    producer, funder, manager, consumer = (role(s) for s in statuses)
    return MemberRoles(1, 0, username, producer, funder, manager, consumer)


def all_charts() -> list[str]:
    return [
        charts.consistency_chart(months_of_consistency()),
        charts.cost_chart(
            months_of_costs(),
            commercial_unit_price=Decimal("6.50"),
            currency="USD",
            unit="quart",
        ),
        roles_chart.roles_matrix(
            [
                member("dee", "active", "active", "active", "active"),
                member("eli", "light", "absent", "active", "light"),
            ]
        ),
    ]


@pytest.mark.parametrize("index", range(3))
def test_every_chart_is_an_image_named_by_its_title_and_described(index):
    svg = parse(all_charts()[index])
    chart_id = svg.get("id")
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == f"{chart_id}-title"
    assert svg.get("aria-describedby") == f"{chart_id}-desc"
    title = svg.find(f"{SVG}title")
    desc = svg.find(f"{SVG}desc")
    assert title.get("id") == f"{chart_id}-title" and title.text
    assert desc.get("id") == f"{chart_id}-desc" and desc.text


@pytest.mark.parametrize("index", range(3))
def test_every_chart_scales_with_its_container_and_runs_no_script(index):
    markup = str(all_charts()[index])
    svg = parse(markup)
    assert svg.get("width") == "100%"
    assert re.fullmatch(r"0 0 \d+ [\d.]+", svg.get("viewBox"))
    assert svg.get("height") is None
    assert "<script" not in markup
    assert "http" not in markup.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_each_months_consistency_maps_to_the_height_of_its_bar():
    svg = parse(charts.consistency_chart(months_of_consistency()))
    heights = bars(svg)
    full = BAR_HEIGHT
    assert heights["2025-12"] == pytest.approx(full * 0.75)
    assert heights["2026-01"] == pytest.approx(full)
    assert heights["2026-02"] == 0
    # ...and says so in the plot, beside the axis's own 0%.
    assert [t.text for t in svg.iter(f"{SVG}text")].count("0%") == 2
    # Nothing was due in March: no bar at all, rather than a bar of nothing.
    assert "2026-03" not in heights


def test_the_consistency_chart_describes_its_range_in_words():
    desc = parse(charts.consistency_chart(months_of_consistency())).find(f"{SVG}desc").text
    assert desc == (
        "One bar per month from Dec 2025 to Mar 2026: the share of batches made on their day "
        "and at target, between 0% and 100%."
    )


def test_the_cost_bars_share_one_scale_with_the_line_at_the_commercial_price():
    svg = parse(
        charts.cost_chart(
            months_of_costs(),
            commercial_unit_price=Decimal("6.50"),
            currency="USD",
            unit="quart",
        )
    )
    heights = bars(svg)
    # 2.00 and 1.50 a quart; the scale tops out at 10.00 (6.50 and a margin, rounded up).
    assert heights["2026-01"] == pytest.approx(BAR_HEIGHT * 0.2)
    assert heights["2026-02"] == pytest.approx(BAR_HEIGHT * 0.15)
    assert "2026-03" not in heights  # costs but nothing made: no cost per unit
    price = next(e for e in svg.iter(f"{SVG}line") if e.get("class") == "price")
    baseline = TOP + BAR_HEIGHT
    assert baseline - float(price.get("y1")) == pytest.approx(BAR_HEIGHT * 0.65)
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "to buy: $6.50" in texts
    assert "$10.00" in texts


def test_a_month_of_cheap_yogurt_is_shorter_than_one_of_dear_yogurt():
    cheap = MonthEconomics(date(2026, 1, 1), 20, Decimal("20"), Decimal("1"), "EUR")
    dear = MonthEconomics(date(2026, 2, 1), 20, Decimal("100"), Decimal("1"), "EUR")
    heights = bars(
        parse(
            charts.cost_chart(
                [cheap, dear], commercial_unit_price=Decimal("3"), currency="EUR", unit="jar"
            )
        )
    )
    assert heights["2026-01"] < heights["2026-02"] <= BAR_HEIGHT


def test_a_cost_chart_without_months_still_shows_the_price_to_buy():
    svg = parse(
        charts.cost_chart([], commercial_unit_price=Decimal("6.50"), currency="USD", unit="quart")
    )
    assert bars(svg) == {}
    assert "a quart costs $6.50" in svg.find(f"{SVG}desc").text


def test_the_matrix_labels_each_cell_in_words_not_only_in_colour():
    svg = parse(roles_chart.roles_matrix([member("eli", "light", "absent", "active", "light")]))
    cells = [r for r in svg.iter(f"{SVG}rect") if "cell" in (r.get("class") or "")]
    assert [(c.get("data-role"), c.get("data-status")) for c in cells] == [
        ("producer", "light"),
        ("funder", "absent"),
        ("manager", "active"),
        ("consumer", "light"),
    ]
    words = [t.text for t in svg.iter(f"{SVG}text")]
    assert "\u25d0 light" in words
    assert "\u25cb absent" in words
    assert "\u25cf active" in words
    # The three statuses also differ in colour: the stylesheet fills each cell and its label by
    # the status in their class.
    assert {c.get("class") for c in cells} == {"cell light", "cell absent", "cell active"}
    labels = {t.get("class") for t in svg.iter(f"{SVG}text") if t.get("class")}
    assert {"cell-label light", "cell-label absent", "cell-label active"} <= labels


def test_the_matrix_marks_who_is_active_in_all_four_and_says_how_many_are():
    svg = parse(
        roles_chart.roles_matrix(
            [
                member("dee", "active", "active", "active", "active"),
                member("eli", "light", "absent", "active", "light"),
            ]
        )
    )
    rows = {g.get("data-username"): g for g in svg.iter(f"{SVG}g")}
    assert "\u2713" in [t.text for t in rows["dee"].iter(f"{SVG}text")]
    assert "\u2713" not in [t.text for t in rows["eli"].iter(f"{SVG}text")]
    desc = svg.find(f"{SVG}desc").text
    assert desc.startswith("1 of 2 members are active in all four roles")
    assert "Funder: 1 active, 0 light, 1 absent." in desc


def test_the_matrix_grows_a_row_per_member():
    one = parse(roles_chart.roles_matrix([member("a", *["active"] * 4)]))
    three = parse(roles_chart.roles_matrix([member(n, *["active"] * 4) for n in "abc"]))

    def height(svg):
        return float(svg.get("viewBox").split()[3])

    assert height(three) - height(one) == pytest.approx(2 * roles_chart.ROW)


def test_a_username_with_markup_is_escaped_not_run():
    evil = '<script>alert("x")</script>'
    markup = str(roles_chart.roles_matrix([member(evil, *["active"] * 4)]))
    assert "<script" not in markup
    assert "&lt;script&gt;" in markup
    svg = parse(markup)  # still well-formed
    [row] = [g for g in svg.iter(f"{SVG}g") if g.get("class") == "member"]
    assert row.get("data-username") == evil
    assert row.find(f"{SVG}title").text == evil


def test_a_long_username_is_cut_in_the_matrix_but_whole_in_its_title():
    name = "bartholomew-the-third"
    svg = parse(roles_chart.roles_matrix([member(name, *["absent"] * 4)]))
    [row] = [g for g in svg.iter(f"{SVG}g") if g.get("class") == "member"]
    assert row.find(f"{SVG}title").text == name
    label = row.find(f"{SVG}text").text
    assert len(label) == roles_chart.NAME_CHARS and label.endswith("\u2026")


def test_charts_are_safe_strings_for_templates():
    from django.utils.safestring import SafeString

    assert all(isinstance(chart, SafeString) for chart in all_charts())


def test_an_empty_matrix_says_so():
    svg = parse(roles_chart.roles_matrix([]))
    assert svg.find(f"{SVG}desc").text == "No active members."


def consistency_from(first: date, count: int) -> list[MonthConsistency]:
    months, month = [], first
    for _index in range(count):
        months.append(MonthConsistency(month=month, planned=4, on_target=4))
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def axis_labels(svg: ElementTree.Element, kind: str) -> list[ElementTree.Element]:
    return [t for t in svg.iter(f"{SVG}text") if t.get("class") == kind]


def extent(label: ElementTree.Element) -> tuple[float, float]:
    """Where a label reaches along the axis, by the chart's own (generous) measure."""
    x, width = float(label.get("x")), text_width(label.text)
    return {
        "start": (x, x + width),
        "middle": (x - width / 2, x + width / 2),
        "end": (x - width, x),
    }[label.get("text-anchor")]


def test_the_year_shows_once_where_it_begins_not_under_every_month():
    svg = parse(charts.consistency_chart(consistency_from(date(2025, 12, 1), 12)))
    assert [t.text for t in axis_labels(svg, "month")][:3] == ["Dec", "Jan", "Feb"]
    assert [t.text for t in axis_labels(svg, "year")] == ["2025", "2026"]
    # One mark where the year changes, between December and January.
    [mark] = [line for line in svg.iter(f"{SVG}line") if line.get("class") == "year-mark"]
    slot = (WIDTH - LEFT - RIGHT) / 12
    assert float(mark.get("x1")) == pytest.approx(LEFT + slot, abs=0.1)


def test_a_chart_within_one_year_names_it_once_without_a_mark():
    svg = parse(charts.consistency_chart(consistency_from(date(2026, 2, 1), 9)))
    assert [t.text for t in axis_labels(svg, "year")] == ["2026"]
    assert not [line for line in svg.iter(f"{SVG}line") if line.get("class") == "year-mark"]


@pytest.mark.parametrize("count", [1, 2, 3, 6, 11, 12])
@pytest.mark.parametrize("first_month", range(1, 13))
def test_no_two_axis_labels_run_into_each_other(first_month, count):
    svg = parse(charts.consistency_chart(consistency_from(date(2025, first_month, 1), count)))
    for kind in ("month", "year"):
        spans = sorted(extent(label) for label in axis_labels(svg, kind))
        assert spans, kind
        assert spans[0][0] >= 0 and spans[-1][1] <= WIDTH, (kind, spans)
        for (_start, end), (start, _end) in itertools.pairwise(spans):
            assert start - end >= 2, (kind, spans)
    marks = [float(x.get("x1")) for x in svg.iter(f"{SVG}line") if x.get("class") == "year-mark"]
    for label in axis_labels(svg, "year"):
        start, end = extent(label)
        assert all(not start <= mark <= end for mark in marks), (label.text, marks)


def test_months_too_many_to_name_each_are_named_every_other_one():
    svg = parse(charts.consistency_chart(consistency_from(date(2025, 12, 1), 24)))
    names = [t.text for t in axis_labels(svg, "month")]
    assert names == ["Dec", "Feb", "Apr", "Jun", "Aug", "Oct"] * 2
    assert [t.text for t in axis_labels(svg, "year")] == ["2025", "2026", "2027"]
    spans = [extent(label) for label in axis_labels(svg, "month")]
    assert all(b[0] - a[1] >= LABEL_GAP for a, b in itertools.pairwise(spans))
