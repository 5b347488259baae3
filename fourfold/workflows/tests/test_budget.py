"""The operating budget (issue #14): proposed, passed, it applies itself from its month;
spending beyond a line needs a spending approval; the report gives budget against actual to
the cent, what a unit is expected to cost and what each member's share will cost."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from fourfold.consumption import services as consumption
from fourfold.coops.models import AuditEvent
from fourfold.errors import Invalid, PrincipleViolation
from fourfold.governance import rules
from fourfold.governance.models import Proposal
from fourfold.insights.budget import budget_data, budget_report
from fourfold.ledger import budget as ledger_budget
from fourfold.workflows import decisions as decisions_flow
from fourfold.workflows import money as money_flow
from fourfold.workflows import production as production_flow

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
# The last evening of February in New York is already March in UTC: the budget passes in
# the co-op's February.
PASSES = datetime(2031, 2, 28, 21, 30, tzinfo=NEW_YORK)
LINES = [
    {"category": "ingredients", "amount": "120.00"},
    {"category": "space", "amount": "80"},
]


def _adopt(personas, lines=LINES, at=PASSES):
    with time_machine.travel(at - timedelta(days=2), tick=False):
        proposal = decisions_flow.proposal_open(
            coop=personas.coop,
            by=personas.alice,
            kind="budget",
            title="Our monthly budget",
            change={"period": "month", "lines": lines},
        )
    with time_machine.travel(at, tick=False):
        for member in (personas.alice, personas.bob):
            decisions_flow.vote_cast(proposal=proposal, member=member, position="agree")
    proposal.refresh_from_db()
    return proposal


def _spend(personas, amount: str, on: date, category: str = "ingredients", **extra):
    with time_machine.travel(datetime(on.year, on.month, on.day, 12, tzinfo=NEW_YORK)):
        return money_flow.expense_post(
            coop=personas.coop,
            payer=personas.alice,
            amount=Decimal(amount),
            category=category,
            entered_by=personas.alice,
            occurred_on=on,
            **extra,
        )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({}, "at least one line"),
        ({"period": "week", "lines": LINES}, "for a month"),
        ({"lines": LINES, "limit": 3}, "Unknown part of a budget: limit"),
        ({"lines": [{"category": "space"}]}, "a category and an amount"),
        ({"lines": [{"category": " ", "amount": "1"}]}, "names a category"),
        ({"lines": [{"category": "space", "amount": "-1"}]}, "above zero"),
        ({"lines": [{"category": "space", "amount": "1.001"}]}, "at most 2 decimals"),
        ({"lines": [LINES[1], {"category": "SPACE", "amount": "2"}]}, "two lines"),
    ],
)
def test_the_shape_of_a_budget_is_checked(personas, change, message):
    with pytest.raises(Invalid, match=message):
        rules.budget_change_validate(personas.coop, change)


@pytest.mark.parametrize(
    ("category", "refusal"),
    [("toys", Invalid), ("wages", PrincipleViolation)],
)
def test_a_line_the_ledger_would_refuse_is_refused(personas, category, refusal):
    with pytest.raises(refusal):
        decisions_flow.proposal_open(
            coop=personas.coop,
            by=personas.alice,
            kind="budget",
            title="Budget",
            change={"lines": [{"category": category, "amount": "10"}]},
        )
    assert not Proposal.objects.filter(coop=personas.coop, kind="budget").exists()


def test_a_budget_passes_and_applies_itself_from_its_month(personas):
    proposal = _adopt(personas)
    assert proposal.status == Proposal.Status.PASSED
    assert proposal.result["from"] == "2031-02-01"
    adopted = AuditEvent.objects.get(coop=personas.coop, action="governance.budget_adopted")
    assert adopted.data["month"] == "2031-02-01"
    [january, february, march] = ledger_budget.months_budget(
        coop=personas.coop, first=date(2031, 1, 1), last=date(2031, 3, 31)
    )
    assert january.budget is None and january.lines == []
    assert february.budget == march.budget == proposal
    assert [(line.category, line.amount) for line in march.lines] == [
        ("ingredients", Decimal("120.00")),
        ("space", Decimal("80.00")),
    ]
    # A later budget replaces it from its own month.
    later = _adopt(
        personas,
        lines=[{"category": "ingredients", "amount": "150.00"}],
        at=datetime(2031, 4, 10, 12, tzinfo=NEW_YORK),
    )
    march, april = ledger_budget.months_budget(
        coop=personas.coop, first=date(2031, 3, 1), last=date(2031, 4, 1)
    )
    assert march.budget == proposal and april.budget == later


def test_spending_beyond_a_line_needs_a_spending_approval(personas):
    _adopt(personas)
    _spend(personas, "100.00", date(2031, 3, 3))
    _spend(personas, "20.00", date(2031, 3, 10))  # exactly the line: allowed
    with pytest.raises(PrincipleViolation, match=r"\$0\.00 of it is left") as refused:
        _spend(personas, "0.01", date(2031, 3, 11))
    assert refused.value.principle == "flat"
    # Another category, and the next month, have their own room.
    _spend(personas, "80.00", date(2031, 3, 11), category="space")
    _spend(personas, "120.00", date(2031, 4, 1))
    # With a passed spending proposal the members decided it together.
    with time_machine.travel(datetime(2031, 3, 12, 9, tzinfo=NEW_YORK), tick=False):
        approval = decisions_flow.proposal_open(
            coop=personas.coop,
            by=personas.bob,
            kind="spending",
            title="A second churn of milk",
            amount="30.00",
        )
        for member in (personas.alice, personas.bob):
            decisions_flow.vote_cast(proposal=approval, member=member, position="agree")
    _spend(personas, "30.00", date(2031, 3, 13), proposal=approval.pk)


def test_the_report_gives_budget_against_actual_to_the_cent(personas):
    coop = personas.coop
    with time_machine.travel(datetime(2031, 2, 20, 12, tzinfo=NEW_YORK), tick=False):
        consumption.share_set(coop=coop, member=personas.alice, units=3)
        consumption.share_set(coop=coop, member=personas.bob, units=1)
        production_flow.batches_plan(coop=coop, weeks=8, by=None, today=date(2031, 2, 20))
    _adopt(personas)
    _spend(personas, "45.37", date(2031, 2, 28))
    _spend(personas, "33.33", date(2031, 3, 1))
    _spend(personas, "12.01", date(2031, 3, 31), category="supplies")
    with time_machine.travel(datetime(2031, 3, 31, 23, tzinfo=NEW_YORK), tick=False):
        report = budget_report(coop=coop, member=personas.bob)
    data = budget_data(report, coop.currency)
    assert data["period"] == "2031-03"
    assert data["lines"] == [
        {"category": "ingredients", "amount": "120.00", "spent": "33.33", "remaining": "86.67"},
        {"category": "space", "amount": "80.00", "spent": "0.00", "remaining": "80.00"},
    ]
    assert (data["total"], data["spent"], data["unbudgeted"]) == ("200.00", "45.34", "12.01")
    # Five Sundays in March 2031, four units a batch: 200.00 / 20 units.
    assert (data["batches"], data["units_per_batch"]) == (5, 4)
    assert data["expected_cost_per_unit"] == "10.00"
    # Bob's standing share is 1 of the 4 units: a quarter of the month's budget.
    assert data["suggested_contribution"] == "50.00"
    assert data["per_unit_contribution"] == "50.00"
    [february] = data["past"]
    assert february["period"] == "2031-02"
    assert february["lines"][0] == {
        "category": "ingredients",
        "amount": "120.00",
        "spent": "45.37",
        "remaining": "74.63",
    }


def test_the_report_without_a_budget_says_so(personas):
    with time_machine.travel(datetime(2031, 3, 5, 12, tzinfo=NEW_YORK), tick=False):
        data = budget_data(
            budget_report(coop=personas.coop, member=personas.alice), personas.coop.currency
        )
    assert data["budget"] is None and data["lines"] == []
    assert data["expected_cost_per_unit"] is None and data["suggested_contribution"] is None


def test_a_budget_moves_with_the_co_op_and_stays_in_force(personas):
    from fourfold.portability.export import export_coop
    from fourfold.workflows.portability import import_coop

    _adopt(personas)
    _spend(personas, "100.00", date(2031, 3, 3))
    exported = export_coop(coop=personas.coop)
    [row] = [p for p in exported["proposals"] if p["kind"] == "budget"]
    assert row["result"]["from"] == "2031-02-01"
    copy_ = import_coop(exported, slug="home-copy")
    [original, moved] = [
        ledger_budget.months_budget(coop=coop, first=date(2031, 3, 1), last=date(2031, 3, 1))[0]
        for coop in (personas.coop, copy_)
    ]
    assert moved.lines == original.lines
    assert moved.lines[0].spent == Decimal("100.00")


def test_fourfold_report_includes_the_budget(personas, capsys):
    import json

    from fourfold.cli.main import main

    _adopt(personas)
    _spend(personas, "100.00", date(2031, 3, 3))
    with time_machine.travel(datetime(2031, 3, 20, 12, tzinfo=NEW_YORK), tick=False):
        assert main(["report", "home"]) == 0
        text = capsys.readouterr().out
        assert main(["report", "home", "--json"]) == 0
        data = json.loads(capsys.readouterr().out)
    assert "Budget for 2031-03" in text
    assert "ingredients      120.00 budget     100.00 spent      20.00 left" in text
    assert data["budget"]["lines"][0] == {
        "category": "ingredients",
        "amount": "120.00",
        "spent": "100.00",
        "remaining": "20.00",
    }
