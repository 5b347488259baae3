"""The activity: the audit trail as sentences, newest first, scoped by co-op."""

from __future__ import annotations

import ast
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import fourfold
from fourfold.coops.activity import KIND_PATTERN, ActivityLog, activity, activity_count
from fourfold.coops.activity_summaries import _SUMMARIES, RETIRED_ACTIONS
from fourfold.coops.models import AuditEvent
from fourfold.coops.tests.activity_story import (
    STORY,
    STORY_START,
    expected,
    more_events,
    tell_the_story,
)
from fourfold.errors import Invalid
from fourfold.ledger.models import Transaction
from fourfold.portability.format import IMPORTED_ACTION
from fourfold.testing import MembershipFactory

pytestmark = pytest.mark.django_db

SOMERVILLE = ZoneInfo("America/New_York")


@pytest.fixture
def story():
    return tell_the_story()


def seen(rows) -> list[tuple[str, str | None, str]]:
    return [(row.action, row.actor, row.summary) for row in rows]


def record(coop, action: str, actor=None, **data) -> AuditEvent:
    return AuditEvent.objects.create(
        coop=coop, actor=actor, action=action, data=data, at=STORY_START + timedelta(hours=2)
    )


def test_every_change_shows_with_its_actor_newest_first(story):
    assert seen(activity(coop=story.coop)) == expected(story)


def test_each_row_is_in_the_coops_time_zone_and_names_what_it_was_about(story):
    rows = activity(coop=story.coop)
    assert [row.at for row in rows][-1] == STORY_START
    assert {row.at.tzinfo for row in rows} == {SOMERVILLE}
    assert rows[-1].at.hour == 13
    contribution = rows[2]
    assert contribution.object is not None
    assert contribution.object["type"] == "transaction"
    assert [rows[0].object, rows[1].object] == [
        {"type": "proposal", "id": story.proposal.pk},
        {"type": "proposal", "id": story.proposal.pk},
    ]
    assert rows[-1].object is None


def test_it_filters_by_actor_whatever_the_case(story):
    assert [row.actor for row in activity(coop=story.coop, actor_username="ELI")] == ["eli"] * 3


def test_an_actor_nobody_is_called_has_no_activity(story):
    assert activity(coop=story.coop, actor_username="nobody") == []


def test_it_filters_by_domain_or_by_full_action(story):
    assert [r.action for r in activity(coop=story.coop, kind="governance")] == [
        "governance.voted",
        "governance.opened",
    ]
    assert [r.action for r in activity(coop=story.coop, kind="membership.joined")] == [
        "membership.joined"
    ]
    assert activity(coop=story.coop, kind="reminders") == []


def test_it_filters_by_a_day_in_the_coops_zone_or_an_instant(story):
    # 13:00 in Somerville on 1 June: the whole story is on that day, none of it on the next.
    assert len(activity(coop=story.coop, since=date(2026, 6, 1))) == len(STORY)
    assert activity(coop=story.coop, since=date(2026, 6, 2)) == []
    three_minutes_in = STORY_START + timedelta(minutes=3)
    assert len(activity(coop=story.coop, since=three_minutes_in)) == 3
    # Without a zone, an instant is read in the co-op's.
    assert len(activity(coop=story.coop, since=datetime(2026, 6, 1, 13, 3))) == 3


def test_it_pages_with_limit_and_offset(story):
    everything = seen(activity(coop=story.coop))
    assert seen(activity(coop=story.coop, limit=2)) == everything[:2]
    assert seen(activity(coop=story.coop, limit=2, offset=2)) == everything[2:4]
    assert activity(coop=story.coop, offset=len(STORY)) == []
    assert activity_count(coop=story.coop) == len(STORY)
    assert activity_count(coop=story.coop, actor_username="dee") == 3


def test_the_log_reads_only_the_page_it_is_asked_for(story, django_assert_num_queries):
    log = ActivityLog(coop=story.coop, kind="governance")
    with django_assert_num_queries(1):
        assert len(log) == 2
    with django_assert_num_queries(1):
        assert [row.action for row in log[1:2]] == ["governance.opened"]
    assert (log[0].action, log[-1].action) == ("governance.voted", "governance.opened")
    with pytest.raises(IndexError):
        log[2]
    assert [row.action for row in log] == ["governance.voted", "governance.opened"]


def test_another_coops_activity_stays_out(story, personas):
    assert activity(coop=personas.coop) == []
    assert activity(coop=personas.other_coop) == []
    record(personas.coop, "coop.founded", actor=personas.alice)
    assert len(activity(coop=story.coop)) == len(STORY)


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"limit": True}, "limit"),
        ({"limit": "5"}, "limit"),
        ({"offset": -1}, "offset"),
        ({"offset": 10**12}, "offset"),
        ({"since": "2026-06-01"}, "since"),
        ({"kind": "wages"}, "kind"),
        ({"kind": "ledger."}, "kind"),
        ({"kind": "Ledger"}, "kind"),
    ],
)
def test_it_refuses_bad_parameters_naming_the_field(story, arguments, field):
    with pytest.raises(Invalid) as refused:
        activity(coop=story.coop, **arguments)
    assert refused.value.field == field


def test_the_largest_page_is_allowed(story):
    assert len(activity(coop=story.coop, limit=200)) == len(STORY)


def test_sentences_name_the_other_member_and_fall_back_for_the_unknown(story):
    carol = story.coop.memberships.get(user__username="carol").user
    stranger = MembershipFactory(user__username="stranger").user
    record(story.coop, "membership.admitted", member=carol.pk)
    record(story.coop, "governance.proxy_given", actor=story.dee, holder=stranger.pk)
    record(story.coop, "ledger.expense", actor=story.dee, amount="12.50", category="ingredients")
    record(story.coop, "ledger.weighed", actor=story.eli, transaction=7)
    record(story.coop, "production.made", actor=story.eli, batch=3, quantity="lots")
    record(story.coop, "consumption.share_stopped", member=carol.pk, reservations=1)
    rows = activity(coop=story.coop, since=STORY_START + timedelta(hours=1))
    assert [(row.summary, row.object) for row in rows] == [
        (
            "The standing share of carol stopped",
            {"type": "member", "username": "carol"},
        ),
        # A row the sentences cannot read is still shown, by its action's name.
        ("eli: production.made", {"type": "batch", "id": 3}),
        ("eli: ledger.weighed", {"type": "transaction", "id": 7}),
        ("dee recorded an expense of $12.50 (ingredients)", None),
        # Someone of another co-op is never named here.
        ("dee asked a former member to vote for them", None),
        ("carol was admitted by the members' vote", {"type": "member", "username": "carol"}),
    ]


def test_each_action_the_services_write_has_its_own_sentence(story):
    """Every action written today reads as a sentence of its own, not the fallback."""
    rows = [
        ("coop.imported", {"format": "fourfold", "version": 1, "exported_slug": "x"}),
        ("membership.paused", {}),
        ("membership.resumed", {}),
        ("membership.left", {}),
        ("membership.removed", {"member": story.eli.pk}),
        ("ledger.transfer", {"transaction": 1, "amount": "3.00"}),
        ("ledger.cost_allocation", {"transaction": 2, "amount": "3.00"}),
        ("ledger.reversal", {"transaction": 3, "amount": "3.00"}),
        ("governance.voted", {"proposal": 1, "position": "block"}),
        ("governance.voted", {"proposal": 1, "position": ""}),
        ("governance.proxy_given", {"holder": story.eli.pk, "proposal": 1, "until": None}),
        ("governance.proxy_given", {"holder": story.eli.pk, "until": "2026-12-31"}),
        ("governance.proxy_revoked", {}),
        ("governance.closed", {"proposal": 1, "status": "passed", "outcome": "x"}),
        ("governance.facilitators_planned", {"months": {"2026-07-01": story.eli.pk}}),
        ("production.planned", {"weeks": 4, "created": 4, "assigned": 8, "open": 0}),
        ("production.rules_followed", {"removed": 1, "created": 2}),
        ("production.replanned", {"assigned": 2, "changed": 1}),
        ("production.unavailable", {"start": "2026-07-01", "end": "2026-07-03"}),
        ("production.unavailable", {"start": "2026-07-01", "end": "2026-07-01"}),
        ("production.available_again", {"period": 4}),
        ("production.swap_offered", {"shift": 5}),
        ("production.swap_taken", {"shift": 5, "from_member": story.eli.pk}),
        ("production.swap_cancelled", {"shift": 5}),
        ("production.made", {"batch": 6, "quantity": 20, "hours": "3"}),
        ("production.missed", {"batch": 6, "reason": "no milk"}),
        ("production.missed", {"batch": 6, "reason": ""}),
        ("production.calendar_made", {}),
        ("production.calendar_rotated", {}),
        ("consumption.share", {"units": 2, "paused": False}),
        ("consumption.share", {"units": 2, "paused": True}),
        ("consumption.share", {"units": 0, "paused": False}),
        ("consumption.reservation", {"batch": 6, "units": 1}),
        ("consumption.allocated", {"batch": 6, "units": 20}),
        ("consumption.extra", {"batch": 6, "units": 1}),
        ("consumption.collected", {"batch": 6}),
        ("reminders.chosen", {"shifts": True, "votes": True, "balance": False}),
    ]
    for action, data in rows:
        record(story.coop, action, actor=story.dee, **data)
    summaries = [
        row.summary
        for row in reversed(activity(coop=story.coop, since=STORY_START + timedelta(hours=1)))
    ]
    assert summaries == [
        "The co-op was brought in from an export",
        "dee paused their membership",
        "dee resumed their membership",
        "dee left the co-op",
        "eli was removed by the members' vote",
        "dee recorded a transfer of $3.00",
        "dee shared out costs of $3.00",
        "dee reversed an entry of $3.00",
        "dee blocked proposal #1",
        "dee ranked the options of proposal #1",
        "dee asked eli to vote for them on proposal #1",
        "dee asked eli to vote for them until Thu 31 Dec 2026",
        "dee withdrew their proxy",
        "Proposal #1 passed",
        "The facilitator was planned for 1 month",
        "dee planned 4 weeks of production",
        "The batches followed the new rules: 2 planned, 1 removed",
        "The shifts were planned again: 1 change",
        "dee cannot produce from Wed 1 Jul 2026 to Fri 3 Jul 2026",
        "dee cannot produce on Wed 1 Jul 2026",
        "dee removed dates they could not produce",
        "dee offered a shift to swap",
        "dee took over a shift from eli",
        "dee withdrew a shift offer",
        "dee recorded a batch made: 20 quarts",
        "dee recorded a batch as missed: no milk",
        "dee recorded a batch as missed",
        "dee created their calendar link",
        "dee replaced their calendar link",
        "dee set their standing share to 2 quarts a batch",
        "dee paused their standing share",
        "dee stopped their standing share",
        "dee reserved 1 quart of a batch",
        "dee shared out a batch: 20 quarts",
        "dee took 1 quart extra",
        "dee collected their share",
        "dee chose their reminders",
    ]


def test_a_change_fourfold_made_by_itself_names_no_member(story):
    record(story.coop, "production.planned", weeks=1, created=1, assigned=2, open=0)
    [row] = activity(coop=story.coop, since=STORY_START + timedelta(hours=1))
    assert (row.actor, row.summary) == (None, "fourfold planned 1 week of production")


@pytest.mark.parametrize("size", [5, 50])
def test_it_reads_any_number_of_rows_in_two_queries(story, django_assert_num_queries, size):
    more_events(story.coop, story.eli, size)
    record(story.coop, "membership.admitted", member=story.eli.pk)
    with django_assert_num_queries(2):
        rows = activity(coop=story.coop, limit=200)
    assert len(rows) == size + len(STORY) + 1


@pytest.mark.parametrize(
    ("since", "rows"),
    [
        (date(1, 1, 1), len(STORY)),
        (datetime(1, 1, 1, tzinfo=ZoneInfo("Asia/Tokyo")), len(STORY)),
        (datetime(9999, 12, 31, 23, 0, tzinfo=ZoneInfo("America/Anchorage")), 0),
        (date(9999, 12, 31), 0),
    ],
)
def test_a_day_at_the_calendars_ends_is_before_or_after_everything(story, since, rows):
    assert len(activity(coop=story.coop, since=since)) == rows
    assert activity_count(coop=story.coop, since=since) == rows


def test_every_action_the_code_records_has_a_sentence():
    """A new audit action without its sentence would read as "dee: ledger.confirmed"."""
    # The ledger writes "ledger.<kind>" for each kind of transaction; the rest are written out,
    # to audit_record or to a helper that passes them on (``action="membership.paused"``).
    # A request to reverse is not posted, so no row is named after its kind: it writes
    # ledger.reversal_requested.
    written = {
        f"ledger.{kind}"
        for kind in Transaction.Kind.values
        if kind != Transaction.Kind.REVERSAL_REQUEST
    }
    # The import's own row is named by a constant that export leaves out again.
    written.add(IMPORTED_ACTION)
    for path in Path(fourfold.__file__).parent.rglob("*.py"):
        if "tests" in path.parts:
            continue
        for call in ast.walk(ast.parse(path.read_text())):
            for keyword in getattr(call, "keywords", []) if isinstance(call, ast.Call) else []:
                if keyword.arg == "action" and not isinstance(keyword.value, ast.JoinedStr):
                    written |= {
                        node.value
                        for node in ast.walk(keyword.value)
                        if isinstance(node, ast.Constant)
                        and isinstance(node.value, str)
                        and re.fullmatch(KIND_PATTERN, node.value)
                    }
    # And no sentence for an action nothing writes, but for those old trails still hold.
    assert not written & RETIRED_ACTIONS
    assert written | RETIRED_ACTIONS == set(_SUMMARIES)
