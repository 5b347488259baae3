from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from xml.etree import ElementTree

import pytest
import time_machine
from django.utils import translation

from fourfold.consumption import services as consumption
from fourfold.consumption.models import Allocation
from fourfold.consumption.selectors import member_costs
from fourfold.insights import balances_chart, economics, share_chart, tally_chart
from fourfold.insights.economics import MemberMonth
from fourfold.ledger.selectors import MemberBalance, Person
from fourfold.production.models import Batch, Shift
from fourfold.testing import CoopFactory, MembershipFactory
from fourfold.workflows import money as money_flow
from fourfold.workflows import production as production_flow

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def parse(markup: str) -> ElementTree.Element:
    """The chart as XML: it must be well-formed to parse at all."""
    return ElementTree.fromstring(str(markup))  # noqa: S314 - our own markup, not a visitor's


def words(svg: ElementTree.Element) -> list[str]:
    return [t.text or "" for t in svg.iter(f"{SVG}text")]


def rects(svg: ElementTree.Element, prefix: str) -> list[ElementTree.Element]:
    return [r for r in svg.iter(f"{SVG}rect") if (r.get("class") or "").startswith(prefix)]


def balance(pk: int, name: str, amount: str) -> MemberBalance:
    return MemberBalance(Person(pk, name), "active", Decimal(amount))


def assert_named_and_described(svg: ElementTree.Element, chart_id: str) -> None:
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == f"{chart_id}-title"
    assert svg.get("aria-describedby") == f"{chart_id}-desc"
    assert svg.find(f"{SVG}title").text
    assert svg.find(f"{SVG}desc").text


# --- Balances -----------------------------------------------------------------------------


def test_the_balances_chart_draws_one_bar_per_member_owed_to_the_right_owing_to_the_left():
    svg = parse(
        balances_chart.balances_chart(
            [
                balance(1, "dee", "26.67"),
                balance(2, "eli", "-8.33"),
                balance(3, "flo", "-18.34"),
                balance(4, "gus", "0.00"),
            ],
            currency="USD",
        )
    )
    assert_named_and_described(svg, "balances-chart")
    bars = {r.get("data-member"): r for r in rects(svg, "chart-bar")}
    assert set(bars) == {"dee", "eli", "flo"}  # gus is square: no bar
    zero = balances_chart.ZERO_X
    assert bars["dee"].get("class") == "chart-bar-owed"
    assert float(bars["dee"].get("x")) == zero
    for name in ("eli", "flo"):
        assert bars[name].get("class") == "chart-bar-owing"
        end = float(bars[name].get("x")) + float(bars[name].get("width"))
        assert end == pytest.approx(zero, abs=0.1)
    # The longest bar is the largest amount; the others in proportion.
    widths = {name: float(bar.get("width")) for name, bar in bars.items()}
    assert widths["dee"] > widths["flo"] > widths["eli"]
    assert widths["flo"] / widths["dee"] == pytest.approx(18.34 / 26.67, rel=0.02)
    labels = words(svg)
    assert {"dee", "eli", "flo", "$26.67", "$8.33", "$18.34"} <= set(labels)
    desc = svg.find(f"{SVG}desc").text
    assert "Most owed: dee, $26.67." in desc
    assert "Most owing: flo, $18.34." in desc
    assert "1 member is square." in desc


def test_the_balances_run_from_the_most_owed_to_the_most_owing():
    svg = parse(
        balances_chart.balances_chart(
            [
                balance(1, "ann", "-3.00"),
                balance(2, "bea", "12.00"),
                balance(3, "cy", "-40.00"),
                balance(4, "dot", "5.00"),
            ],
            currency="USD",
        )
    )
    drawn = rects(svg, "chart-bar")
    assert [r.get("data-member") for r in drawn] == ["bea", "dot", "ann", "cy"]
    assert [float(r.get("y")) for r in drawn] == sorted(float(r.get("y")) for r in drawn)


def test_a_big_coop_draws_the_largest_twelve_either_side_and_says_how_many_more():
    people = [balance(i, f"owed{i:02}", f"{i + 1}.00") for i in range(30)]
    people += [balance(100 + i, f"owes{i:02}", f"-{i + 1}.00") for i in range(20)]
    svg = parse(balances_chart.balances_chart(people, currency="USD"))
    drawn = rects(svg, "chart-bar")
    owed = [r.get("data-member") for r in drawn if r.get("class") == "chart-bar-owed"]
    owing = [r.get("data-member") for r in drawn if r.get("class") == "chart-bar-owing"]
    assert owed == [f"owed{i:02}" for i in range(29, 17, -1)]
    assert owing == [f"owes{i:02}" for i in range(8, 20)]
    assert "18 more members are owed" in words(svg)
    assert "8 more members owe" in words(svg)
    desc = svg.find(f"{SVG}desc").text
    assert "18 more members are owed; 8 more members owe: the table has everyone." in desc


def test_the_balances_chart_escapes_names_and_marks_the_viewer():
    svg = parse(
        balances_chart.balances_chart(
            [balance(1, "<b>x</b>", "1.00"), balance(2, "me", "-1.00")], currency="USD", me=2
        )
    )
    texts = {t.text: t for t in svg.iter(f"{SVG}text")}
    assert "<b>x</b>" in texts
    assert texts["me"].get("font-weight") == "bold"
    assert texts["<b>x</b>"].get("font-weight") is None


def test_nobody_owing_draws_no_bar_and_says_so():
    svg = parse(balances_chart.balances_chart([balance(1, "dee", "0")], currency="USD"))
    assert not rects(svg, "chart-bar")
    assert "every balance is zero" in svg.find(f"{SVG}desc").text


# --- A proposal's tally -------------------------------------------------------------------

POSITIONS = [("agree", "agree", 4), ("abstain", "abstain", 1), ("disagree", "disagree", 2)]


def test_each_slice_of_the_tally_is_as_wide_as_its_count():
    svg = parse(
        tally_chart.tally_chart(
            positions=[*POSITIONS, ("block", "block", 0)], eligible=10, chart_id="tally-chart-7"
        )
    )
    assert_named_and_described(svg, "tally-chart-7")
    slices = {r.get("data-position"): r for r in rects(svg, "chart-vote")}
    # Agree and disagree first, side by side; nobody blocked, so no slice; not voted last.
    assert list(slices) == ["agree", "disagree", "abstain", "none"]
    counts = {"agree": 4, "disagree": 2, "abstain": 1, "none": 3}
    for position, count in counts.items():
        assert float(slices[position].get("width")) == pytest.approx(
            tally_chart.FULL * count / 10, abs=0.1
        )
        assert slices[position].get("data-value") == str(count)
    lefts = [float(r.get("x")) for r in slices.values()]
    assert lefts == sorted(lefts)
    assert float(slices["none"].get("x")) + float(slices["none"].get("width")) == pytest.approx(
        tally_chart.X0 + tally_chart.FULL, abs=0.1
    )
    assert "agree 4" in words(svg)
    desc = svg.find(f"{SVG}desc").text
    assert "agree 4, disagree 2, block 0, abstain 1, not voted 3" in desc
    assert not [line for line in svg.iter(f"{SVG}line") if "chart-mark " in line.get("class")]


def test_the_tally_marks_the_quorum_and_where_agree_must_reach():
    svg = parse(
        tally_chart.tally_chart(positions=POSITIONS, eligible=10, quorum=5, share=Fraction(2, 3))
    )
    marks = {
        line.get("class").split()[-1]: line
        for line in svg.iter(f"{SVG}line")
        if (line.get("class") or "").startswith("chart-mark ")
    }
    assert float(marks["chart-mark-quorum"].get("data-value")) == pytest.approx(0.5)
    # Two thirds of the six who took a side: agree must reach four of ten.
    assert float(marks["chart-mark-threshold"].get("data-value")) == pytest.approx(0.4)
    assert float(marks["chart-mark-threshold"].get("x1")) == pytest.approx(
        tally_chart.X0 + tally_chart.FULL * 0.4, abs=0.1
    )
    labels = words(svg)
    assert "quorum: 5 of 10 vote" in labels
    assert "to pass: 4 of 6 agree (2/3)" in labels
    desc = svg.find(f"{SVG}desc").text
    assert "Quorum 5: reached." in desc
    assert "To pass, 2/3 of the 6 who took a side must agree." in desc


def test_a_tally_with_nobody_on_a_side_marks_no_threshold_and_says_a_block_stops_it():
    svg = parse(
        tally_chart.tally_chart(
            positions=[("block", "block", 1)], eligible=3, quorum=2, share=Fraction(2, 3)
        )
    )
    classes = [line.get("class") for line in svg.iter(f"{SVG}line")]
    assert "chart-mark chart-mark-quorum" in classes
    assert "chart-mark chart-mark-threshold" not in classes
    desc = svg.find(f"{SVG}desc").text
    assert "Quorum 2: not yet." in desc
    assert "A block stops the proposal." in desc


# --- A member's year ----------------------------------------------------------------------


def months_of_a_member() -> list[MemberMonth]:
    return [
        MemberMonth(date(2026, 1, 1), 3, Decimal("6.00"), Decimal("2.00")),
        MemberMonth(date(2026, 2, 1), 0, Decimal("0"), None),
        MemberMonth(date(2026, 3, 1), 4, Decimal("10.00"), Decimal("2.50")),
        MemberMonth(date(2026, 4, 1), 2, Decimal("5.00"), Decimal("2.50")),
    ]


def test_the_share_chart_draws_the_units_as_bars_and_the_cost_as_a_broken_line():
    svg = parse(share_chart.share_chart(months_of_a_member(), currency="USD", unit="quart"))
    assert_named_and_described(svg, "share-chart")
    bars = {r.get("data-month"): r for r in rects(svg, "chart-bar-share")}
    assert list(bars) == ["2026-01", "2026-03", "2026-04"]
    heights = {m: float(r.get("height")) for m, r in bars.items()}
    assert heights["2026-01"] / heights["2026-03"] == pytest.approx(3 / 4)
    points = [c.get("data-month") for c in svg.iter(f"{SVG}circle")]
    assert points == ["2026-01", "2026-03", "2026-04"]
    # February made nothing: the line stops there and goes on from March.
    lines = [p.get("points").split() for p in svg.iter(f"{SVG}polyline")]
    assert [len(points) for points in lines] == [2]
    assert {"Jan", "Feb", "Mar", "Apr"} <= set(words(svg))
    desc = svg.find(f"{SVG}desc").text
    assert "9 quart in all, charged $21.00" in desc
    assert "between $2.00 and $2.50" in desc


TODAY = date(2026, 6, 15)


def made(coop, day: date, cost: str, payer) -> None:
    production_flow.batches_plan(coop=coop, weeks=1, by=None, today=day)
    batch = Batch.objects.get(coop=coop, date__gte=day, date__lt=day + timedelta(days=7))
    money_flow.expense_post(
        coop=coop,
        payer=payer,
        amount=cost,
        category="ingredients",
        entered_by=payer,
        batch=batch,
        occurred_on=batch.date,
    )
    producer = Shift.objects.filter(batch=batch).exclude(member=None).first().member
    demand = sum(a.units for a in Allocation.objects.filter(batch=batch)) or 10
    production_flow.batch_record_made(
        batch=batch, by=producer, quantity=demand, hours="2", today=batch.date
    )


@pytest.mark.django_db
def test_the_members_year_is_the_economics_month_by_month(django_assert_num_queries):
    coop = CoopFactory(target_quantity=10)
    people = [MembershipFactory(coop=coop).user for _ in range(4)]
    for units, person in enumerate(people, start=1):
        consumption.share_set(coop=coop, member=person, units=units)
    me = people[1]
    with time_machine.travel(f"{TODAY}T12:00:00-04:00"):
        # A year and more: one batch too old to count, two in September, none in the winter.
        for day, cost in [
            (date(2025, 5, 4), "99.00"),
            (date(2025, 7, 6), "40.00"),
            (date(2025, 9, 7), "30.00"),
            (date(2025, 9, 21), "50.00"),
            (date(2026, 3, 1), "20.00"),
            (date(2026, 6, 7), "45.00"),
        ]:
            made(coop, day, cost, people[0])
        money = economics.economics(coop=coop, today=TODAY)
        with django_assert_num_queries(2):
            year = economics.member_year(coop=coop, member=me, money=money, today=TODAY)
    assert [m.month for m in year] == [
        date(2025 + (6 + i) // 12, (6 + i) % 12 + 1, 1) for i in range(12)
    ]
    by_month = {m.month: m for m in year}
    assert by_month[date(2025, 7, 1)].units == 2
    assert by_month[date(2025, 9, 1)].units == 4  # two batches
    assert by_month[date(2026, 1, 1)].units == 0
    assert by_month[date(2026, 1, 1)].cost_per_unit is None
    # Two units of ten of each batch: a fifth of its cost.
    assert by_month[date(2025, 9, 1)].charged == Decimal("16.00")
    assert by_month[date(2026, 6, 1)].charged == Decimal("9.00")
    # The line is the co-op's own cost per unit, month by month.
    assert {m.month: m.cost_per_unit for m in year if m.cost_per_unit is not None} == {
        m.month: m.cost_per_unit for m in money.months
    }
    assert by_month[date(2025, 9, 1)].cost_per_unit == Decimal("4.00")
    # Over the whole year, the member's units and charges are their costs for those dates.
    whole = member_costs(coop=coop, start=date(2025, 7, 1), end=TODAY)[me.pk]
    assert sum(m.units for m in year) == whole.units == 10
    assert sum((m.charged for m in year), Decimal(0)) == whole.cost == Decimal("37.00")
