"""The pick-up list: any active member checks anyone's share off, idempotently, and every mark
and undo stays in the audit log."""

from datetime import date, timedelta

import pytest
import time_machine

from fourfold.consumption import selectors, services
from fourfold.coops.activity import activity
from fourfold.coops.models import AuditEvent, Membership
from fourfold.errors import Conflict, PrincipleViolation
from fourfold.production.models import Batch, Shift
from fourfold.testing import MembershipFactory
from fourfold.workflows import production as production_flow

pytestmark = pytest.mark.django_db

SUNDAY = date(2026, 3, 1)
PICKUP_DAY = "2026-03-01T17:00:00-05:00"


@pytest.fixture
def carol(personas):
    return MembershipFactory(coop=personas.coop, user__username="carol").user


def plan_sunday(coop) -> Batch:
    production_flow.batches_plan(coop=coop, weeks=1, by=None, today=SUNDAY - timedelta(days=3))
    return Batch.objects.get(coop=coop, date=SUNDAY)


def make(batch: Batch, quantity: int) -> Batch:
    producer = Shift.objects.filter(batch=batch).exclude(member=None).first().member
    return production_flow.batch_record_made(
        batch=batch, by=producer, quantity=quantity, hours="3", today=batch.date
    )


@pytest.fixture
def made(personas, carol):
    for member, n in ((personas.alice, 2), (personas.bob, 1), (carol, 3)):
        services.share_set(coop=personas.coop, member=member, units=n)
    return make(plan_sunday(personas.coop), 10)


def marks(batch) -> list[tuple[str, str, int]]:
    return [
        (e.action, e.actor.username, e.data["member"])
        for e in AuditEvent.objects.filter(
            coop=batch.coop, action__startswith="consumption.collected", data__batch=batch.pk
        ).order_by("pk")
    ]


@time_machine.travel(PICKUP_DAY, tick=False)
def test_any_active_member_marks_anyones_share_and_is_named(personas, made, carol):
    allocation = services.pickup_mark(batch=made, member=carol, by=personas.alice)
    assert allocation.collected_by == personas.alice
    assert allocation.collected_at.isoformat() == "2026-03-01T22:00:00+00:00"
    assert marks(made) == [("consumption.collected", "alice", carol.pk)]


def test_marking_twice_answers_the_same_and_records_once(personas, made, carol):
    first = services.pickup_mark(batch=made, member=carol, by=personas.alice)
    again = services.pickup_mark(batch=made, member=carol, by=personas.bob)
    assert (again.pk, again.collected_at, again.collected_by) == (
        first.pk,
        first.collected_at,
        personas.alice,
    )
    assert len(marks(made)) == 1


def test_an_undo_clears_the_mark_and_leaves_a_trace(personas, made, carol):
    services.pickup_mark(batch=made, member=carol, by=personas.alice)
    undone = services.pickup_undo(batch=made, member=carol, by=personas.bob)
    assert (undone.collected_at, undone.collected_by) == (None, None)
    services.pickup_undo(batch=made, member=carol, by=personas.bob)
    assert marks(made) == [
        ("consumption.collected", "alice", carol.pk),
        ("consumption.collected_undone", "bob", carol.pk),
    ]


def test_a_member_marks_their_own_share_through_the_same_service(personas, made):
    services.pickup_mark(batch=made, member=personas.bob, by=personas.bob)
    assert marks(made) == [("consumption.collected", "bob", personas.bob.pk)]


def test_only_active_members_mark(personas, made, carol):
    Membership.objects.filter(coop=personas.coop, user=personas.bob).update(
        status=Membership.Status.PAUSED
    )
    with pytest.raises(PrincipleViolation):
        services.pickup_mark(batch=made, member=carol, by=personas.bob)
    with pytest.raises(PrincipleViolation):
        services.pickup_undo(batch=made, member=carol, by=personas.outsider)
    assert marks(made) == []


def test_a_share_not_there_or_a_batch_not_made_is_refused(personas, made):
    with pytest.raises(Conflict, match="outsider has no share"):
        services.pickup_mark(batch=made, member=personas.outsider, by=personas.alice)
    production_flow.batches_plan(coop=personas.coop, weeks=2, by=None, today=SUNDAY)
    planned = Batch.objects.filter(coop=personas.coop, status=Batch.Status.PLANNED).first()
    with pytest.raises(Conflict, match="not made yet"):
        services.pickup_mark(batch=planned, member=personas.alice, by=personas.alice)


def test_the_list_holds_active_members_by_name_and_searches(personas, made, carol):
    assert [a.member.username for a in selectors.pickups(batch=made)] == ["alice", "bob", "carol"]
    Membership.objects.filter(coop=personas.coop, user=personas.bob).update(
        status=Membership.Status.LEFT
    )
    assert [a.member.username for a in selectors.pickups(batch=made)] == ["alice", "carol"]
    assert [a.member.username for a in selectors.pickups(batch=made, search="CAR")] == ["carol"]


def test_the_activity_says_who_checked_whom_off(personas, made, carol):
    services.pickup_mark(batch=made, member=carol, by=personas.alice)
    services.pickup_undo(batch=made, member=carol, by=personas.bob)
    services.pickup_mark(batch=made, member=personas.bob, by=personas.bob)
    rows = activity(coop=personas.coop, kind="consumption.collected")
    assert [row.summary for row in rows] == [
        "bob collected their share",
        "alice marked the share of carol collected",
    ]
    undone = activity(coop=personas.coop, kind="consumption.collected_undone")
    assert [row.summary for row in undone] == [
        "bob took back the mark that carol collected their share"
    ]
