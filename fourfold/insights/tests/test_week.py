from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from fourfold.coops.models import Membership
from fourfold.insights import week
from fourfold.insights.tests import weeks
from fourfold.insights.tests.weeks import TODAY, planned
from fourfold.production import swaps
from fourfold.testing import CoopFactory, MembershipFactory

pytestmark = pytest.mark.django_db


# The week's shared fixtures (insights/tests/weeks.py).
travel = weeks.travel
scene = weeks.scene


def test_it_lists_one_of_each_thing_to_do_in_time_order(scene):
    items = week.member_week(user=scene.alice).items
    assert [(item.kind, item.ref) for item in items] == [
        ("collect", scene.made.pk),  # its last pick-up day is today
        ("swap", scene.swap_batch.shifts.get(member=scene.bob).swaps.get().pk),
        ("shift", scene.shift.pk),
        ("take", scene.take_batch.pk),
        ("vote", scene.proposal.pk),
        ("confirm", scene.entry.pk),
    ]
    moments = [item.moment for item in items]
    assert moments == sorted(moments)


def test_each_item_says_what_and_with_whom(scene):
    items = {item.kind: item for item in week.member_week(user=scene.alice).items}
    assert items["shift"].people == ["bob"]
    assert items["shift"].when == TODAY + timedelta(days=4)
    assert items["shift"].title == "Produce 20 quarts of yogurt"
    assert not items["shift"].offered
    assert items["take"].units == 2
    assert items["take"].title == "Take 2 quarts of yogurt"
    assert items["collect"].when == TODAY
    assert items["swap"].people == ["bob"]
    assert items["confirm"].people == ["bob"]
    assert items["confirm"].amount == Decimal("5.00")
    assert items["vote"].title == "Vote on “Buy a second pot”"


def test_it_says_what_i_owe_and_to_whom(scene):
    (owing,) = week.member_week(user=scene.alice).owing
    assert owing.coop == scene.coop
    assert owing.balance == Decimal("-10.00")
    assert [(t.payer.username, t.payee.username, t.amount) for t in owing.transfers] == [
        ("alice", "bob", Decimal("10.00"))
    ]


def test_what_is_not_mine_or_not_this_week_stays_out(scene):
    bobs = week.member_week(user=scene.bob).items
    # Bob's own offer is no swap for him (the shift stays his until taken), his own entry
    # waits for Alice, and he opened both votes but has cast neither.
    kinds = sorted(item.kind for item in bobs)
    assert kinds == ["collect", "shift", "shift", "take", "take", "vote", "vote"]
    alices = week.member_week(user=scene.alice).items
    assert all(item.coop == scene.coop for item in alices)
    last = TODAY + timedelta(days=week.WEEK_DAYS - 1)
    assert all(item.when <= last for item in alices if not isinstance(item.when, datetime))


def test_an_offered_shift_says_so(scene):
    swaps.swap_offer(shift=scene.shift, by=scene.alice)
    items = {item.kind: item for item in week.member_week(user=scene.alice).items}
    assert items["shift"].offered


def test_a_shift_i_cannot_take_is_not_offered_to_me(scene):
    from fourfold.workflows import production as production_flow

    production_flow.unavailability_add(
        coop=scene.coop, member=scene.alice, start=scene.swap_batch.date, end=scene.swap_batch.date
    )
    kinds = [item.kind for item in week.member_week(user=scene.alice).items]
    assert "swap" not in kinds


def test_another_coops_items_never_appear(scene, personas):
    outsiders = week.member_week(user=personas.outsider)
    assert {item.coop for item in outsiders.items} == {personas.other_coop}
    assert scene.coop not in outsiders.coops


def test_one_coop_alone(scene, personas):
    MembershipFactory(coop=personas.other_coop, user=scene.alice)
    everywhere = week.member_week(user=scene.alice)
    assert {item.coop for item in everywhere.items} == {scene.coop, personas.other_coop}
    home = week.member_week(user=scene.alice, coop=scene.coop)
    assert {item.coop for item in home.items} == {scene.coop}


def test_a_paused_member_has_nothing_to_do(scene):
    Membership.objects.filter(user=scene.alice).update(status=Membership.Status.PAUSED)
    assert week.member_week(user=scene.alice).items == []


def test_each_coop_counts_its_week_in_its_own_dates(travel, personas):
    # 14:30 UTC on Wednesday is already Thursday 02:30 in Auckland.
    far = CoopFactory(timezone="Pacific/Auckland")
    member = MembershipFactory(coop=far).user
    planned(far, date(2026, 6, 17), member)
    planned(far, date(2026, 6, 24), member)
    planned(far, date(2026, 6, 18), member)
    result = week.member_week(user=member)
    assert [item.when for item in result.items] == [date(2026, 6, 18), date(2026, 6, 24)]
    assert (result.start, result.end) == (date(2026, 6, 18), date(2026, 6, 24))


def test_an_empty_week(travel, personas):
    result = week.member_week(user=personas.alice)
    assert result.items == []
    assert result.owing == []
    assert result.coops == [personas.coop]


def test_health_counts_the_principles_by_status(scene):
    health = week.coop_health(coop=scene.coop)
    assert sum(health.counts.values()) == 6
    assert set(health.counts) == {"holds", "at_risk", "broken", "not_yet"}
