"""The budget page: lines against spending, what a share costs, past months; its empty state;
the decisions form proposing a budget; the same queries at two sizes."""

import re
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from fourfold.consumption import services as consumption
from fourfold.governance.models import Proposal
from fourfold.testing import MembershipFactory
from fourfold.workflows import decisions as decisions_flow
from fourfold.workflows import money as money_flow
from fourfold.workflows import production as production_flow

pytestmark = pytest.mark.django_db

BUDGET = "/c/home/ledger/budget/"
NEW_YORK = ZoneInfo("America/New_York")
AT = datetime(2031, 5, 20, 12, tzinfo=NEW_YORK)
# The session, the member, the co-op, then the report's seven: under 30 at any size (#14);
# the header's co-op switcher (+1; #15).
QUERIES = 10


def _adopt(personas, members):
    with time_machine.travel(AT - timedelta(days=3), tick=False):
        proposal = decisions_flow.proposal_open(
            coop=personas.coop,
            by=personas.alice,
            kind="budget",
            title="Our budget",
            change={"lines": [{"category": "ingredients", "amount": "90"}]},
        )
        for member in members:
            decisions_flow.vote_cast(proposal=proposal, member=member, position="agree")
    return proposal


def _history(personas, extra_members: int, months: int):
    members = [personas.alice, personas.bob]
    members += [
        MembershipFactory.create(coop=personas.coop, user__username=f"m{n}").user
        for n in range(extra_members)
    ]
    start = (AT - timedelta(days=31 * months)).date()
    with time_machine.travel(AT - timedelta(days=31 * months), tick=False):
        for member in members:
            consumption.share_set(coop=personas.coop, member=member, units=1)
        production_flow.batches_plan(coop=personas.coop, weeks=4 * months + 8, by=None, today=start)
    _adopt(personas, members)
    for week in range(4 * months):
        day = start + timedelta(weeks=week)
        with time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=NEW_YORK)):
            money_flow.expense_post(
                coop=personas.coop,
                payer=personas.alice,
                amount=Decimal("3.25"),
                category="supplies",
                entered_by=personas.alice,
                occurred_on=day,
            )
    return members


def test_the_page_shows_lines_shares_and_past_months(client, personas):
    _history(personas, extra_members=1, months=2)
    with time_machine.travel(AT, tick=False):
        client.force_login(personas.bob)
        page = client.get(BUDGET)
    html = page.content.decode()
    assert page.status_code == 200
    assert len(re.findall(r"<h1[ >]", html)) == 1
    assert "Budget for May 2031" in html
    assert "$90.00" in html
    # Three members with a unit each: a third of $90.00.
    assert "will cost $30.00" in html
    assert "Past months" in html


def test_without_a_budget_the_page_says_how_to_propose_one(client, personas):
    with time_machine.travel(AT, tick=False):
        client.force_login(personas.alice)
        html = client.get(BUDGET).content.decode()
    assert "have not passed a budget yet" in html
    assert "?kind=budget#propose" in html


def test_the_decisions_form_proposes_a_budget(client, personas):
    with time_machine.travel(AT, tick=False):
        client.force_login(personas.alice)
        form = client.get("/c/home/decisions/?kind=budget").content.decode()
        answer = client.post(
            "/c/home/decisions/",
            {
                "kind": "budget",
                "title": "June budget",
                "budget_ingredients": "120.00",
                "budget_space": "80",
            },
        )
        empty = client.post("/c/home/decisions/", {"kind": "budget", "title": "Nothing"})
    assert 'value="budget" selected' in form
    assert answer.status_code == 302, answer.content.decode()[:2000]
    proposal = Proposal.objects.get(coop=personas.coop, kind="budget")
    assert proposal.change == {
        "period": "month",
        "lines": [
            {"category": "ingredients", "amount": "120.00"},
            {"category": "space", "amount": "80.00"},
        ],
    }
    assert "Give at least one category its monthly amount." in empty.content.decode()


@pytest.mark.parametrize(("extra_members", "months"), [(1, 1), (12, 6)])
def test_the_page_asks_the_same_queries_at_any_size(
    client, personas, django_assert_num_queries, extra_members, months
):
    _history(personas, extra_members=extra_members, months=months)
    with time_machine.travel(AT, tick=False):
        client.force_login(personas.alice)
        client.get(BUDGET)  # the session and the co-op's cached rows settle
        with django_assert_num_queries(QUERIES):
            assert client.get(BUDGET).status_code == 200


def test_the_dashboard_draws_budget_against_spending_with_its_table(client, personas):
    _history(personas, extra_members=1, months=2)
    with time_machine.travel(AT, tick=False):
        client.force_login(personas.alice)
        page = client.get("/c/home/dashboard/").content.decode()
    svg = re.search(r'<svg[^>]*id="budget-chart"[^>]*>.*?</svg>', page, re.S).group(0)
    assert 'role="img"' in svg and 'aria-describedby="budget-chart-desc"' in svg
    # May 2031 has a budget of $90.00: its dashed mark, and its row in the table.
    assert 'class="budget"' in svg and 'data-value="90.00"' in svg
    table = page.split("Budget in figures", 1)[1].split("</table>", 1)[0]
    assert "May 2031" in table and "$90.00" in table


def test_without_a_budget_the_dashboard_says_so(client, personas):
    with time_machine.travel(AT, tick=False):
        client.force_login(personas.alice)
        page = client.get("/c/home/dashboard/").content.decode()
    assert "No budget passed yet." in page and 'id="budget-chart"' not in page
