"""A flagged entry and a proposal to reverse one read as sentences in the activity."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fourfold.coops.activity import activity
from fourfold.coops.models import AuditEvent
from fourfold.coops.tests.activity_story import STORY_START, tell_the_story

pytestmark = pytest.mark.django_db


def test_a_flag_and_a_proposed_reversal_read_as_sentences():
    story = tell_the_story()
    later = STORY_START + timedelta(hours=2)
    for action, data in [
        ("governance.opened", {"proposal": 7, "kind": "reversal"}),
        (
            "ledger.flagged",
            {"transaction": 12, "principle": "no_paid_staff", "reason": "wages", "proposal": 7},
        ),
    ]:
        AuditEvent.objects.create(
            coop=story.coop, actor=story.dee, action=action, data=data, at=later
        )
    summaries = [
        row.summary for row in reversed(activity(coop=story.coop, since=later - timedelta(hours=1)))
    ]
    assert summaries == [
        "dee proposed reversing an entry (#7)",
        "dee flagged entry #12 as breaking the principle “no paid staff”: wages "
        "(proposal #7 decides)",
    ]
