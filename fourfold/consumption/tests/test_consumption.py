from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine

from fourfold.consumption import selectors, services
from fourfold.consumption.models import Allocation, StandingShare
from fourfold.coops.models import Membership
from fourfold.errors import Conflict, Invalid, PrincipleViolation
from fourfold.ledger import selectors as ledger_selectors
from fourfold.ledger import services as ledger
from fourfold.production import services as production
from fourfold.production.models import Batch, Shift
from fourfold.testing import MembershipFactory
from fourfold.workflows import membership as membership_flow
from fourfold.workflows import money as money_flow
from fourfold.workflows import production as production_flow

pytestmark = pytest.mark.django_db

SUNDAY = date(2026, 3, 1)


@pytest.fixture
def carol(personas):
    return MembershipFactory(coop=personas.coop, user__username="carol").user


def plan_sunday(coop, day=SUNDAY) -> Batch:
    production_flow.batches_plan(coop=coop, weeks=1, by=None, today=day - timedelta(days=3))
    return Batch.objects.get(coop=coop, date=day)


def make(batch: Batch, quantity: int) -> Batch:
    producer = Shift.objects.filter(batch=batch).exclude(member=None).first().member
    return production_flow.batch_record_made(
        batch=batch, by=producer, quantity=quantity, hours="3", today=batch.date
    )


def units(batch) -> dict[str, int]:
    return {a.member.username: a.units for a in selectors.allocations(batch=batch)}


def test_a_made_batch_is_shared_by_standing_shares(personas, carol):
    services.share_set(coop=personas.coop, member=personas.alice, units=2)
    services.share_set(coop=personas.coop, member=personas.bob, units=3)
    batch = make(plan_sunday(personas.coop), 10)
    assert units(batch) == {"alice": 2, "bob": 3}
    assert selectors.extras_left(batch=batch) == 5


def test_scarcity_is_shared_fairly_and_never_over_what_was_made(personas, carol):
    for member, n in ((personas.alice, 1), (personas.bob, 5), (carol, 5)):
        services.share_set(coop=personas.coop, member=member, units=n)
    batch = make(plan_sunday(personas.coop), 7)
    assert units(batch) == {"alice": 1, "bob": 3, "carol": 3}
    assert selectors.extras_left(batch=batch) == 0


def test_a_reservation_overrides_the_share_until_the_cut_off(personas):
    services.share_set(coop=personas.coop, member=personas.alice, units=2)
    batch = plan_sunday(personas.coop)
    with time_machine.travel("2026-02-26T12:00:00-05:00"):
        services.reservation_set(batch=batch, member=personas.alice, units=0)
    with time_machine.travel("2026-02-27T12:00:00-05:00"), pytest.raises(Conflict, match="closed"):
        services.reservation_set(batch=batch, member=personas.alice, units=4)
    batch = make(batch, 10)
    assert units(batch) == {}


def test_no_one_takes_more_than_a_whole_batch(personas):
    assert personas.coop.target_quantity == 20
    services.share_set(coop=personas.coop, member=personas.alice, units=20)
    with pytest.raises(Invalid, match=r"A batch makes 20 quarts: choose 0 to 20\."):
        services.share_set(coop=personas.coop, member=personas.alice, units=21)
    batch = plan_sunday(personas.coop)
    with time_machine.travel("2026-02-26T12:00:00-05:00"), pytest.raises(Invalid):
        services.reservation_set(batch=batch, member=personas.alice, units=21)
    assert StandingShare.objects.get().units == 20


def test_only_members_consume(personas):
    with pytest.raises(PrincipleViolation) as refused:
        services.share_set(coop=personas.coop, member=personas.outsider, units=2)
    assert refused.value.principle == "members_only"
    assert "no external producers or consumers" in refused.value.detail
    assert not StandingShare.objects.exists()


def test_a_batch_cost_is_charged_by_units_received_to_the_cent(personas, carol):
    for member, n in ((personas.alice, 1), (personas.bob, 2), (carol, 3)):
        services.share_set(coop=personas.coop, member=member, units=n)
    batch = plan_sunday(personas.coop)
    money_flow.expense_post(
        coop=personas.coop,
        payer=personas.alice,
        amount="10.00",
        category="ingredients",
        entered_by=personas.alice,
        batch=batch,
    )
    assert ledger_selectors.books(coop=personas.coop).unallocated == Decimal("10.00")
    batch = make(batch, 6)
    [cost] = selectors.batch_costs(coop=personas.coop, batches=[batch])
    assert (cost.units, cost.cost, cost.per_unit) == (6, Decimal("10.00"), Decimal("1.67"))
    mine = selectors.member_batch_costs(coop=personas.coop, member=carol, batches=[batch])
    assert mine[batch.pk] == Decimal("5.00")
    assert ledger_selectors.books(coop=personas.coop).unallocated == 0


def test_a_general_cost_goes_to_the_next_batch_by_units(personas):
    services.share_set(coop=personas.coop, member=personas.alice, units=1)
    services.share_set(coop=personas.coop, member=personas.bob, units=3)
    money_flow.expense_post(
        coop=personas.coop,
        payer=personas.alice,
        amount="8.00",
        category="equipment",
        entered_by=personas.alice,
    )
    batch = make(plan_sunday(personas.coop), 4)
    balances = {
        r.user.username: r.balance for r in ledger_selectors.member_balances(coop=personas.coop)
    }
    assert balances == {"alice": Decimal("6.00"), "bob": Decimal("-6.00")}
    assert selectors.batch_costs(coop=personas.coop, batches=[batch])[0].cost == Decimal("8.00")


def test_a_general_cost_can_be_shared_equally_at_once(personas, carol):
    personas.coop.general_cost_mode = "equal"
    personas.coop.save()
    money_flow.expense_post(
        coop=personas.coop, payer=carol, amount="9.00", category="space", entered_by=carol
    )
    balances = {
        r.user.username: r.balance for r in ledger_selectors.member_balances(coop=personas.coop)
    }
    assert balances == {
        "alice": Decimal("-3.00"),
        "bob": Decimal("-3.00"),
        "carol": Decimal("6.00"),
    }


def test_claiming_an_extra_reshares_the_costs_by_reversal(personas):
    services.share_set(coop=personas.coop, member=personas.alice, units=1)
    services.share_set(coop=personas.coop, member=personas.bob, units=1)
    batch = plan_sunday(personas.coop)
    money_flow.expense_post(
        coop=personas.coop,
        payer=personas.alice,
        amount="9.00",
        category="ingredients",
        entered_by=personas.alice,
        batch=batch,
    )
    batch = make(batch, 3)
    services.extras_claim(batch=batch, member=personas.bob)
    assert units(batch) == {"alice": 1, "bob": 2}
    mine = selectors.member_batch_costs(coop=personas.coop, member=personas.bob, batches=[batch])
    assert mine[batch.pk] == Decimal("6.00")
    assert batch.coop.transactions.filter(kind="reversal").count() == 1
    with pytest.raises(Conflict, match="No extras are left"):
        services.extras_claim(batch=batch, member=personas.alice)
    assert ledger_selectors.books(coop=personas.coop).unallocated == 0


def test_a_missed_batch_passes_its_costs_to_the_next_one(personas):
    services.share_set(coop=personas.coop, member=personas.alice, units=2)
    missed = plan_sunday(personas.coop)
    money_flow.expense_post(
        coop=personas.coop,
        payer=personas.alice,
        amount="12.00",
        category="ingredients",
        entered_by=personas.alice,
        batch=missed,
    )
    producer = Shift.objects.filter(batch=missed).exclude(member=None).first().member
    production.batch_record_missed(batch=missed, by=producer, reason="no milk", today=missed.date)
    make(plan_sunday(personas.coop, SUNDAY + timedelta(days=7)), 2)
    assert ledger_selectors.books(coop=personas.coop).unallocated == 0


def test_mark_collected_and_count_waste(personas):
    services.share_set(coop=personas.coop, member=personas.alice, units=2)
    services.share_set(coop=personas.coop, member=personas.bob, units=1)
    batch = make(plan_sunday(personas.coop), 3)
    services.pickup_mark(batch=batch, member=personas.alice, by=personas.alice)
    with pytest.raises(Conflict):
        services.pickup_mark(batch=batch, member=personas.outsider, by=personas.alice)
    with time_machine.travel("2026-03-10T12:00:00-05:00"):
        figure = selectors.waste(coop=personas.coop)
    assert (figure.uncollected_units, figure.allocated_units) == (1, 3)


def test_pausing_pauses_all_four_roles_and_resuming_restores_them(personas, carol):
    for member in (personas.alice, personas.bob, carol):
        services.share_set(coop=personas.coop, member=member, units=1)
    with time_machine.travel("2026-02-20T12:00:00-05:00"):
        production_flow.batches_plan(coop=personas.coop, weeks=6, by=None)
        membership_flow.membership_pause(coop=personas.coop, member=carol)
        later = Shift.objects.filter(batch__coop=personas.coop, batch__date__gte=date(2026, 3, 2))
        assert not later.filter(member=carol).exists()
        membership_flow.membership_resume(coop=personas.coop, member=carol)
        assert later.filter(member=carol).exists()
    membership_flow.membership_pause(coop=personas.coop, member=carol)
    batch = make(plan_sunday(personas.coop), 3)
    assert units(batch) == {"alice": 1, "bob": 1}


def test_leaving_ends_the_share_and_keeps_the_balance(personas, carol):
    services.share_set(coop=personas.coop, member=carol, units=2)
    ledger.contribution_post(coop=personas.coop, payer=carol, amount="5", entered_by=carol)
    membership_flow.membership_leave(coop=personas.coop, member=carol)
    assert not StandingShare.objects.filter(member=carol).exists()
    assert Membership.objects.get(user=carol).status == "left"
    balances = {
        r.user.username: r.balance for r in ledger_selectors.member_balances(coop=personas.coop)
    }
    assert balances["carol"] == Decimal("5.00")


def test_the_rotation_follows_standing_shares(personas, carol):
    dave = MembershipFactory(coop=personas.coop, user__username="dave").user
    shares = {personas.alice: 3, personas.bob: 2, carol: 2, dave: 1}
    for member, n in shares.items():
        services.share_set(coop=personas.coop, member=member, units=n)
    with time_machine.travel("2026-02-20T12:00:00-05:00"):
        production_flow.batches_plan(coop=personas.coop, weeks=12, by=None)
    counts = {m: Shift.objects.filter(member=m).count() for m in shares}
    total = sum(counts.values())
    for member, n in shares.items():
        assert abs(counts[member] - total * n / 8) <= 1, (member.username, counts[member])


def test_allocation_happens_once(personas):
    services.share_set(coop=personas.coop, member=personas.alice, units=1)
    batch = make(plan_sunday(personas.coop), 3)
    services.batch_allocate(batch=batch, by=personas.alice)
    assert Allocation.objects.filter(batch=batch).count() == 1
