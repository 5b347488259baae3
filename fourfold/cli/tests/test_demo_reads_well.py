"""The demo tells one story and its report agrees, on whatever day it is built: the showcase
co-ops' principles all hold, and the batches after the vote for 24 quarts are made at 24."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from fourfold.cli import demo, demo_bike
from fourfold.cli import report as report_command
from fourfold.coops.models import Cooperative
from fourfold.governance.models import Proposal
from fourfold.insights import report

pytestmark = pytest.mark.django_db

BOSTON = ZoneInfo("America/New_York")
ALL_HOLD = {
    "self_funded": "holds",
    "no_paid_staff": "holds",
    "flat": "holds",
    "consistent_production": "holds",
    "members_only": "holds",
    "all_four_roles": "holds",
}


# The instants that trip calendars up, in the co-ops' zone: just after midnight on the first
# of a month (a Tuesday), 29 February (a Tuesday), the Sundays the clocks go forward and back
# (the yogurt's production day, so "today" holds a batch not yet made), the last Sunday of
# February, and New Year's Eve late at night (a Friday).
@pytest.mark.parametrize(
    "instant",
    [
        datetime(2026, 12, 1, 0, 30, tzinfo=BOSTON),
        datetime(2028, 2, 29, 12, 0, tzinfo=BOSTON),
        datetime(2027, 3, 14, 3, 30, tzinfo=BOSTON),
        datetime(2027, 11, 7, 1, 30, tzinfo=BOSTON),
        datetime(2027, 2, 28, 20, 0, tzinfo=BOSTON),
        datetime(2027, 12, 31, 23, 30, tzinfo=BOSTON),
    ],
    ids=lambda instant: instant.strftime("%Y-%m-%d-%H%M"),
)
def test_the_demo_reads_well_on_any_day_it_is_built(instant):
    with time_machine.travel(instant):
        yogurt, built = demo.build()
        assert built
        kitchen = Cooperative.objects.get(slug=demo_bike.BIKE_SLUG)
        # The kitchen gives a service: its pages speak of sessions, the yogurt co-op's of batches.
        assert kitchen.is_service and not yogurt.is_service
        for coop in (yogurt, kitchen):
            health = report.health(coop=coop)
            assert {p["name"]: p["status"] for p in health["principles"]} == ALL_HOLD, (
                coop.slug,
                health["principles"],
            )
        out = io.StringIO()
        report_command.run(slug=demo.DEMO_SLUG, as_json=False, stdout=out)
    text = out.getvalue()
    assert "BROKEN" not in text
    assert "AT RISK" not in text
    assert "11 of 12 batches made on their day at target" in text

    # The members voted for 24 quarts in the summer; every batch after the day of the vote is
    # planned at 24 and, but for one short batch a few weeks ago, made at 24.
    vote = Proposal.objects.get(coop=yogurt, change={"target_quantity": 24})
    assert vote.status == Proposal.Status.PASSED
    voted_on = vote.closed_at.astimezone(yogurt.zone).date()
    today = instant.astimezone(yogurt.zone).date()
    assert today - timedelta(days=150) < voted_on < today - timedelta(days=120)
    before = yogurt.batches.filter(date__lt=vote.opened_at.astimezone(yogurt.zone).date())
    after = yogurt.batches.filter(date__gt=voted_on)
    assert set(before.values_list("planned_quantity", flat=True)) == {20}
    assert set(after.values_list("planned_quantity", flat=True)) == {24}
    made = sorted(after.filter(status="made").values_list("made_quantity", flat=True))
    assert len(made) >= 17
    assert made[0] == 22
    assert made[1:] == [24] * (len(made) - 1)
    # Eight weeks ahead planned, from today (a Sunday's batch is still to be made).
    assert after.filter(status="planned", date__gte=today).count() == 8
