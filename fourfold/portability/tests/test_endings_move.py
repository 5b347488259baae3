"""What the members ended early moves with the co-op (#14): a spread keeps how it ended (its
schedule after the import is the one before), a regular cost the proposal that ended it, and a
proposal to end one still names the right entry or cost."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fourfold.errors import Invalid
from fourfold.governance.models import Proposal
from fourfold.ledger import recurring
from fourfold.ledger import selectors as ledger_selectors
from fourfold.ledger.models import RecurringCost, Transaction
from fourfold.portability.export import export_coop
from fourfold.portability.tests.test_portability import renamed
from fourfold.workflows import decisions as decisions_flow
from fourfold.workflows.portability import import_coop
from fourfold.workflows.tests.test_spread import (
    FIRST,
    _at,
    _made,
    _stand,
    coop,  # noqa: F401
)

pytestmark = pytest.mark.django_db

# Spread costs as (amount, batches): one the members end with its rest to the next batch, one
# they write off, one a proposal to end is still open for when the co-op moves.
STANDS = (("240.00", 12), ("90.00", 3), ("30.00", 6))
ENDING_DAY = FIRST + timedelta(weeks=2, days=-2)


def _passed(personas, day, **fields) -> Proposal:
    with _at(day):
        proposal = decisions_flow.proposal_open(coop=personas.coop, by=personas.alice, **fields)
        for member in (personas.alice, personas.bob, personas.carol):
            decisions_flow.vote_cast(proposal=proposal, member=member, position="agree")
    return proposal


def test_spreads_and_regular_costs_the_members_ended_survive_the_round_trip(coop):  # noqa: F811
    stand, lamp, kettle = (_stand(coop, amount, batches) for amount, batches in STANDS)
    with _at(FIRST - timedelta(days=2)):
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
    for week in range(2):
        _made(coop, FIRST + timedelta(weeks=week))
    for expense, rest in ((stand, "next_batch"), (lamp, "write_off")):
        change = {"transaction": expense.pk, "rest": rest}
        _passed(coop, ENDING_DAY, kind="spread_end", title="", change=change)
    _passed(coop, ENDING_DAY, kind="recurring_end", title="", change={"recurring": rent.pk})
    _made(coop, FIRST + timedelta(weeks=2))  # the stand's rest, whole
    with _at(ENDING_DAY):
        # Still open when the co-op moves: it must end the kettle's copy, not another entry.
        decisions_flow.proposal_open(
            coop=coop.coop,
            by=coop.alice,
            kind="spread_end",
            title="",
            change={"transaction": kettle.pk, "rest": "write_off"},
        )

    exported = export_coop(coop=coop.coop)
    numbers = {p["id"]: p for p in exported["proposals"]}
    endings = [t["spread"]["ending"] for t in exported["ledger"]["transactions"] if t["spread"]]
    assert [e and (e["rest"], e["ended_on"]) for e in endings] == [
        ("next_batch", ENDING_DAY.isoformat()),
        ("write_off", ENDING_DAY.isoformat()),
        None,
    ]
    assert all(numbers[e["proposal"]]["kind"] == "spread_end" for e in endings if e)
    [hall] = exported["recurring"]
    assert numbers[hall["ended_by_proposal"]]["change"] == {"recurring": 1}
    copy_ = import_coop(exported, slug="home-copy")
    assert export_coop(coop=copy_) == renamed(exported, "home-copy")

    for original in (stand, lamp, kettle):
        moved = Transaction.objects.get(
            coop=copy_, kind="expense", amount_minor=original.amount_minor
        )
        assert ledger_selectors.spread_schedule(moved) == ledger_selectors.spread_schedule(original)
        before, after = (ledger_selectors.spread_ending(e.spread) for e in (original, moved))
        if before is None:
            assert after is None
            continue
        assert after is not None and (after.rest, after.ended_on) == (before.rest, before.ended_on)
        assert Proposal.objects.get(pk=after.proposal_id, coop=copy_).change == {
            "transaction": moved.pk,
            "rest": before.rest,
        }
    moved_rent = RecurringCost.objects.get(coop=copy_)
    assert Proposal.objects.get(pk=moved_rent.ended_by_proposal, coop=copy_).change == {
        "recurring": moved_rent.pk
    }
    waiting = Proposal.objects.get(coop=copy_, status="open")
    moved_kettle = Transaction.objects.get(
        coop=copy_, kind="expense", amount_minor=kettle.amount_minor
    )
    assert waiting.change == {"transaction": moved_kettle.pk, "rest": "write_off"}


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("rest", "later", "expected next_batch or write_off"),
        ("ended_on", "soon", "expected a date"),
        ("proposal", 999, "names no proposal of this file"),
    ],
)
def test_it_refuses_a_spread_ending_that_does_not_fit(coop, key, value, message):  # noqa: F811
    stand = _stand(coop)
    change = {"transaction": stand.pk, "rest": "write_off"}
    _passed(coop, FIRST - timedelta(days=1), kind="spread_end", title="", change=change)
    broken = export_coop(coop=coop.coop)
    [row] = [t for t in broken["ledger"]["transactions"] if t["spread"]]
    row["spread"]["ending"][key] = value
    with pytest.raises(Invalid, match=message):
        import_coop(broken, slug="home-broken")


def test_it_refuses_an_end_naming_no_regular_cost_of_the_file(coop):  # noqa: F811
    with _at(FIRST - timedelta(days=2)):
        rent = recurring.recurring_create(
            coop=coop.coop,
            by=coop.bob,
            amount="80.00",
            category="space",
            payer=coop.bob,
            cadence="monthly on the 1st",
            starts=FIRST,
        )
    _passed(coop, FIRST, kind="recurring_end", title="", change={"recurring": rent.pk})
    broken = export_coop(coop=coop.coop)
    broken["proposals"][0]["change"]["recurring"] = 2
    with pytest.raises(Invalid, match="names no regular cost of this file"):
        import_coop(broken, slug="home-broken")
