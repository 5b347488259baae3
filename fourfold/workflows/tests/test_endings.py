"""Ending early by proposal (issue #14): a spread's rest to the next batch made or written off
equally, exact to the cent; a regular cost ended by the members."""

from datetime import timedelta
from decimal import Decimal

import pytest

from fourfold.coops.models import AuditEvent
from fourfold.errors import Invalid
from fourfold.ledger import recurring, selectors
from fourfold.ledger.checks import books_check
from fourfold.workflows import decisions as decisions_flow
from fourfold.workflows.tests.test_spread import (
    FIRST,
    _at,
    _charges,
    _made,
    _paid,
    _stand,
    coop,  # noqa: F401
)

pytestmark = pytest.mark.django_db


def _pass(personas, day, **fields):
    with _at(day):
        proposal = decisions_flow.proposal_open(coop=personas.coop, by=personas.alice, **fields)
        for member in (personas.alice, personas.bob, personas.carol):
            decisions_flow.vote_cast(proposal=proposal, member=member, position="agree")
    proposal.refresh_from_db()
    return proposal


def test_the_rest_of_a_spread_goes_whole_to_the_next_batch(coop):  # noqa: F811
    stand = _stand(coop)
    for week in range(3):
        _made(coop, FIRST + timedelta(weeks=week))
    proposal = _pass(
        coop,
        FIRST + timedelta(weeks=3, days=-2),
        kind="spread_end",
        title="",
        change={"transaction": stand.pk, "rest": "next_batch"},
    )
    assert proposal.status == "passed" and proposal.title == f"End spread entry #{stand.pk} early"
    _made(coop, FIRST + timedelta(weeks=3))
    _made(coop, FIRST + timedelta(weeks=4))
    per_batch = list(_charges(stand).values())
    assert per_batch == [Decimal("20.00")] * 3 + [Decimal("180.00")]
    assert selectors.spread_schedule(stand).remaining == Decimal("0.00")
    assert AuditEvent.objects.filter(action="ledger.spread_ended").count() == 1
    assert books_check(coop=coop.coop) == []


def test_the_rest_of_a_spread_is_written_off_equally(coop):  # noqa: F811
    stand = _stand(coop, amount="100.00", batches=3)
    _made(coop, FIRST)
    _pass(
        coop,
        FIRST + timedelta(days=2),
        kind="spread_end",
        title="",
        change={"transaction": stand.pk, "rest": "write_off"},
    )
    # 33.34 charged by the first batch; 66.66 written off among three members, 22.22 each.
    assert _paid(stand, coop.carol) == Decimal("16.67") + Decimal("22.22")
    assert sum(_paid(stand, member) for member in (coop.alice, coop.bob, coop.carol)) == Decimal(
        "100.00"
    )
    _made(coop, FIRST + timedelta(weeks=1))
    assert sum(_charges(stand).values()) == Decimal("100.00")
    assert books_check(coop=coop.coop) == []


def test_only_a_live_spread_can_be_ended(coop):  # noqa: F811
    stand = _stand(coop, amount="40.00", batches=2)
    for week in range(2):
        _made(coop, FIRST + timedelta(weeks=week))
    with _at(FIRST + timedelta(weeks=2)), pytest.raises(Invalid, match="in full already"):
        decisions_flow.proposal_open(
            coop=coop.coop,
            by=coop.alice,
            kind="spread_end",
            title="",
            change={"transaction": stand.pk, "rest": "write_off"},
        )
    with pytest.raises(Invalid, match="next_batch or write_off"):
        decisions_flow.proposal_open(
            coop=coop.coop,
            by=coop.alice,
            kind="spread_end",
            title="",
            change={"transaction": stand.pk, "rest": "later"},
        )


def test_the_members_end_a_regular_cost(coop):  # noqa: F811
    with _at(FIRST - timedelta(days=5)):
        rent = recurring.recurring_create(
            coop=coop.coop,
            by=coop.bob,
            amount="80.00",
            category="space",
            description="Hall",
            payer=coop.bob,
            cadence="monthly on the 1st",
            starts=FIRST,
        )
    proposal = _pass(
        coop,
        FIRST + timedelta(days=3),
        kind="recurring_end",
        title="",
        change={"recurring": rent.pk},
    )
    rent.refresh_from_db()
    assert rent.ended_at is not None and rent.ended_by is None
    assert rent.ended_by_proposal == proposal.pk
    with _at(FIRST + timedelta(days=40)):
        recurring.recurring_due()
    assert [p.period for p in rent.periods.all()] == []
    with _at(FIRST + timedelta(days=41)), pytest.raises(Invalid, match="ended already"):
        decisions_flow.proposal_open(
            coop=coop.coop,
            by=coop.alice,
            kind="recurring_end",
            title="",
            change={"recurring": rent.pk},
        )
