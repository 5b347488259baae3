from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine

from fourfold.consumption import services as consumption
from fourfold.insights import economics, principles, selectors
from fourfold.ledger import services as ledger
from fourfold.production import services as production
from fourfold.production.models import Batch, Shift
from fourfold.testing import CoopFactory, MembershipFactory
from fourfold.workflows import decisions as decisions_flow
from fourfold.workflows import money as money_flow
from fourfold.workflows import production as production_flow

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 1)


def status(coop, name):
    with time_machine.travel(f"{TODAY}T12:00:00-04:00"):
        return {p.name: p for p in principles.principles_audit(coop=coop)}[name]


def co_op(members=4):
    coop = CoopFactory()
    people = [MembershipFactory(coop=coop).user for _ in range(members)]
    return coop, people


def run_weeks(coop, weeks, *, missed=(), short=()):
    """Plan and record ``weeks`` Sundays before TODAY; ``missed``/``short`` are week numbers."""
    for week in range(weeks, 0, -1):
        day = TODAY - timedelta(weeks=week)
        production_flow.batches_plan(coop=coop, weeks=1, by=None, today=day)
        for batch in Batch.objects.filter(
            coop=coop, status="planned", date__gte=day, date__lt=day + timedelta(days=7)
        ):
            producer = Shift.objects.filter(batch=batch).exclude(member=None).first().member
            if week in missed:
                production.batch_record_missed(
                    batch=batch, by=producer, reason="x", today=batch.date
                )
            else:
                quantity = coop.target_quantity - (1 if week in short else 0)
                production_flow.batch_record_made(
                    batch=batch, by=producer, quantity=quantity, hours="2", today=batch.date
                )


def test_consistent_production_holds_is_at_risk_and_breaks():
    coop, _people = co_op()
    run_weeks(coop, 10)
    assert status(coop, "consistent_production").status == "holds"
    coop2, _ = co_op()
    run_weeks(coop2, 10, short=(3, 5))
    assert status(coop2, "consistent_production").status == "at_risk"
    coop3, _ = co_op()
    run_weeks(coop3, 10, missed=(4, 3))
    broken = status(coop3, "consistent_production")
    assert broken.status == "broken"
    assert "2 batches missed in a row" in broken.figure


def test_self_funded_holds_and_is_at_risk_when_one_member_pays_for_everything():
    coop, people = co_op()
    with time_machine.travel(f"{TODAY}T12:00:00-04:00"):
        for person in people:
            ledger.contribution_post(coop=coop, payer=person, amount="10", entered_by=person)
    assert status(coop, "self_funded").status == "holds"
    with time_machine.travel(f"{TODAY}T12:00:00-04:00"):
        ledger.contribution_post(coop=coop, payer=people[0], amount="500", entered_by=people[0])
    at_risk = status(coop, "self_funded")
    assert at_risk.status == "at_risk"
    assert "one member paid" in at_risk.figure


def test_self_funded_figures_read_right_for_none_one_and_many_payments():
    coop, people = co_op(2)
    with time_machine.travel(f"{TODAY - timedelta(weeks=20)}T12:00:00-04:00"):
        ledger.contribution_post(coop=coop, payer=people[0], amount="10", entered_by=people[0])
    assert status(coop, "self_funded").figure == "no money came in over 12 weeks"
    with time_machine.travel(f"{TODAY}T12:00:00-04:00"):
        ledger.contribution_post(coop=coop, payer=people[0], amount="10", entered_by=people[0])
    assert status(coop, "self_funded").figure == "the one payment in 12 weeks came from a member"
    with time_machine.travel(f"{TODAY}T12:00:00-04:00"):
        ledger.contribution_post(coop=coop, payer=people[1], amount="10", entered_by=people[1])
    assert status(coop, "self_funded").figure == "all 2 payments in 12 weeks came from members"
    assert status(coop, "self_funded").status == "holds"


def test_no_paid_staff_holds():
    coop, people = co_op()
    with time_machine.travel(f"{TODAY}T12:00:00-04:00"):
        money_flow.expense_post(
            coop=coop,
            payer=people[0],
            amount="12.00",
            category="supplies",
            supplier="Shaw's",
            entered_by=people[0],
        )
    assert status(coop, "no_paid_staff").status == "holds"


def test_flat_is_at_risk_when_turnout_stays_below_quorum():
    coop, people = co_op(6)
    with time_machine.travel(f"{TODAY - timedelta(days=20)}T12:00:00-04:00"):
        proposal = decisions_flow.proposal_open(coop=coop, by=people[0], kind="general", title="x")
        decisions_flow.vote_cast(proposal=proposal, member=people[0], position="agree")
    with time_machine.travel(f"{TODAY - timedelta(days=10)}T12:00:00-04:00"):
        decisions_flow.close_due_proposals()
    assert status(coop, "flat").status == "at_risk"


def test_all_four_roles_breaks_when_nobody_plays_them_all():
    coop, _ = co_op()
    run_weeks(coop, 4)
    assert status(coop, "all_four_roles").status == "broken"


def test_a_member_who_only_consumes_and_pays_is_absent_as_producer_and_manager():
    coop, people = co_op(3)
    buyer = MembershipFactory(coop=coop, user__username="buyer").user
    for person in people:
        consumption.share_set(coop=coop, member=person, units=1)
    consumption.share_set(coop=coop, member=buyer, units=1)
    from fourfold.production.selectors import rotation_weights

    # The buyer never produces: give them no weight in the rotation by pausing their
    # production only through the test's own plan — they are simply never assigned.
    with time_machine.travel(f"{TODAY}T12:00:00-04:00"):
        for week in range(4, 0, -1):
            day = TODAY - timedelta(weeks=week)
            production_flow.batches_plan(coop=coop, weeks=1, by=None, today=day)
            batch = Batch.objects.filter(coop=coop, status="planned", date__gte=day).first()
            Shift.objects.filter(batch=batch, member=buyer).update(member=people[2])
            producer = Shift.objects.filter(batch=batch).exclude(member=None).first().member
            money_flow.expense_post(
                coop=coop,
                payer=buyer,
                amount="8",
                category="ingredients",
                entered_by=buyer,
                batch=batch,
                occurred_on=batch.date,
            )
            production_flow.batch_record_made(
                batch=batch, by=producer, quantity=4, hours="1", today=batch.date
            )
        roles = {r.username: r for r in selectors.member_roles(coop=coop)}
    assert rotation_weights  # the rotation exists; the buyer simply holds no shift
    assert roles["buyer"].producer.status == "absent"
    # Nothing was put to a vote: the manager role asks nothing of anyone, so it counts
    # against no one.
    assert roles["buyer"].manager.status == "light"
    assert roles["buyer"].manager.figure == "no decision to vote on in 12 weeks"
    assert not roles["buyer"].manager.counts
    assert roles["buyer"].consumer.status == "active"
    assert roles["buyer"].funder.status == "active"


def test_economics_compares_with_buying_and_making_alone():
    coop, people = co_op()
    for person in people:
        consumption.share_set(coop=coop, member=person, units=5)
    with time_machine.travel(f"{TODAY}T12:00:00-04:00"):
        production_flow.batches_plan(coop=coop, weeks=1, by=None, today=TODAY - timedelta(days=7))
        batch = Batch.objects.get(coop=coop)
        money_flow.expense_post(
            coop=coop,
            payer=people[0],
            amount="40",
            category="ingredients",
            entered_by=people[0],
            batch=batch,
            occurred_on=batch.date,
        )
        producer = Shift.objects.filter(batch=batch).exclude(member=None).first().member
        production_flow.batch_record_made(
            batch=batch, by=producer, quantity=20, hours="4", today=batch.date
        )
        money = economics.economics(coop=coop)
    assert money.cost_per_unit == Decimal("2.00")
    assert money.minutes_per_unit == Decimal("12.0")
    # 20 quarts at 6.50 instead of 2.00, among 4 members, over one month.
    assert money.money_saved_per_member_month == Decimal("22.50")


def _raw_transaction(coop, payer, *, kind="contribution", description=""):
    """A row the services would refuse, written directly: how a broken principle would look
    after an import or a bug."""
    from django.utils import timezone as tz

    from fourfold.ledger.models import Transaction

    return Transaction.objects.create(
        coop=coop,
        kind=kind,
        amount_minor=1000,
        payer=payer,
        entered_by=payer,
        entered_at=tz.now(),
        occurred_on=TODAY - timedelta(days=3),
        description=description,
        category="other",
    )


def test_self_funded_breaks_when_money_came_from_a_non_member():
    coop, _people = co_op()
    stranger = MembershipFactory().user  # a member elsewhere only
    _raw_transaction(coop, stranger)
    broken = status(coop, "self_funded")
    assert broken.status == "broken"
    assert broken.figure == "1 payment from a non-member"


def test_no_paid_staff_breaks_when_an_expense_paid_wages():
    coop, people = co_op()
    _raw_transaction(coop, people[0], kind="expense", description="wages for Sunday")
    assert status(coop, "no_paid_staff").status == "broken"


def test_flat_holds_with_good_turnout_and_is_at_risk_when_one_member_opens_everything():
    coop, people = co_op(4)
    for index in range(4):
        with time_machine.travel(f"{TODAY - timedelta(days=30 - index)}T12:00:00-04:00"):
            proposal = decisions_flow.proposal_open(
                coop=coop, by=people[0], kind="general", title=f"x{index}"
            )
            for person in people:
                decisions_flow.vote_cast(proposal=proposal, member=person, position="agree")
    at_risk = status(coop, "flat")
    assert at_risk.status == "at_risk"
    assert "one member opened" in at_risk.figure
    coop2, people2 = co_op(4)
    with time_machine.travel(f"{TODAY - timedelta(days=20)}T12:00:00-04:00"):
        proposal = decisions_flow.proposal_open(
            coop=coop2, by=people2[1], kind="general", title="y"
        )
        for person in people2:
            decisions_flow.vote_cast(proposal=proposal, member=person, position="agree")
    holds = status(coop2, "flat")
    assert holds.status == "holds"
    assert holds.figure == "1 decision, average turnout 100 %"


def test_members_only_holds_is_at_risk_and_breaks():
    from fourfold.coops.models import Membership

    coop, _people = co_op()
    with time_machine.travel(f"{TODAY}T12:00:00-04:00"):
        production_flow.batches_plan(coop=coop, weeks=4, by=None, today=TODAY)
    assert status(coop, "members_only").status == "holds"
    holder = (
        Shift.objects.filter(batch__coop=coop, member__isnull=False, batch__date__gte=TODAY)
        .first()
        .member
    )
    Membership.objects.filter(coop=coop, user=holder).update(status="paused")
    assert status(coop, "members_only").status == "at_risk"
    outsider = MembershipFactory().user
    Shift.objects.filter(batch__coop=coop, member=holder).update(member=outsider)
    assert status(coop, "members_only").status == "broken"


def test_all_four_roles_holds_when_most_members_play_them_all():
    coop, people = co_op(2)
    for person in people:
        consumption.share_set(coop=coop, member=person, units=1)
    with time_machine.travel(f"{TODAY - timedelta(days=10)}T12:00:00-04:00"):
        proposal = decisions_flow.proposal_open(coop=coop, by=people[0], kind="general", title="z")
        for person in people:
            decisions_flow.vote_cast(proposal=proposal, member=person, position="agree")
    for week in range(6, 0, -1):
        day = TODAY - timedelta(weeks=week)
        production_flow.batches_plan(coop=coop, weeks=1, by=None, today=day)
        for batch in Batch.objects.filter(
            coop=coop, status="planned", date__gte=day, date__lt=day + timedelta(days=7)
        ):
            for person in people:
                money_flow.expense_post(
                    coop=coop,
                    payer=person,
                    amount="2",
                    category="ingredients",
                    entered_by=person,
                    batch=batch,
                    occurred_on=batch.date,
                )
            producer = Shift.objects.filter(batch=batch).exclude(member=None).first().member
            production_flow.batch_record_made(
                batch=batch, by=producer, quantity=2, hours="1", today=batch.date
            )
    holds = status(coop, "all_four_roles")
    assert holds.status == "holds", holds


def test_a_member_is_asked_only_about_decisions_they_could_vote_on():
    coop, people = co_op(3)
    with time_machine.travel(f"{TODAY - timedelta(days=30)}T12:00:00-04:00"):
        early = decisions_flow.proposal_open(coop=coop, by=people[0], kind="general", title="Early")
        for person in people:
            decisions_flow.vote_cast(proposal=early, member=person, position="agree")
    late = MembershipFactory(coop=coop, joined_on=TODAY - timedelta(days=20)).user
    with time_machine.travel(f"{TODAY - timedelta(days=10)}T12:00:00-04:00"):
        later = decisions_flow.proposal_open(coop=coop, by=people[0], kind="general", title="Later")
        for person in people:
            decisions_flow.vote_cast(proposal=later, member=person, position="agree")
        decisions_flow.close_due_proposals(now=later.closes_at + timedelta(minutes=1))
        still_open = decisions_flow.proposal_open(
            coop=coop, by=people[0], kind="general", title="Open"
        )
        decisions_flow.vote_cast(proposal=still_open, member=people[0], position="agree")
    with time_machine.travel(f"{TODAY}T12:00:00-04:00"):
        roles = {r.user_id: r for r in selectors.member_roles(coop=coop)}
    # The early decision closed before the newcomer joined; the open one waits for them.
    assert roles[late.pk].manager.figure == "voted on 0 of 1 decision"
    assert roles[late.pk].manager.status == "absent"
    # A vote cast on an open proposal already counts.
    assert roles[people[0].pk].manager.figure == "voted on 3 of 3 decisions"
    assert roles[people[1].pk].manager.figure == "voted on 2 of 2 decisions"


def test_a_new_coop_is_not_measured_yet_rather_than_broken():
    coop, _people = co_op(3)
    audit = {p.name: p for p in [status(coop, name) for name in NAMES]}
    assert {p.status for p in audit.values()} == {"not_yet"}
    assert audit["consistent_production"].figure == "Measured once the first batch is due."
    assert audit["self_funded"].figure == "Measured once the first money is recorded."
    assert all(p.figure.startswith("Measured once") for p in audit.values())


def test_a_batch_planned_for_today_is_not_due_yet():
    coop, _people = co_op(3)
    with time_machine.travel(f"{TODAY}T12:00:00-04:00"):
        production_flow.batches_plan(coop=coop, weeks=1, by=None, today=TODAY)
    Batch.objects.filter(coop=coop).update(date=TODAY)
    assert status(coop, "consistent_production").status == "not_yet"
    assert status(coop, "all_four_roles").status == "not_yet"
    # The rotation has dealt the batch's shifts: who holds them is measured already.
    assert status(coop, "members_only").status == "holds"


def test_with_history_the_not_yet_principles_hold_or_break_as_before():
    coop, _people = co_op(4)
    run_weeks(coop, 3, missed=(2, 1))
    broken = status(coop, "consistent_production")
    assert broken.status == "broken"
    assert "2 batches missed in a row" in broken.figure
    # Only the producers of the one batch made have produced: most members lack a role.
    assert status(coop, "all_four_roles").status == "broken"
    coop2, _people2 = co_op(4)
    run_weeks(coop2, 3)
    assert status(coop2, "consistent_production").status == "holds"
    assert status(coop2, "members_only").status == "holds"


def test_the_batch_of_today_counts_once_it_is_recorded():
    coop, _people = co_op(3)
    run_weeks(coop, 10)
    with time_machine.travel(f"{TODAY}T12:00:00-04:00"):
        production_flow.batches_plan(coop=coop, weeks=1, by=None, today=TODAY)
    today_batch = Batch.objects.get(coop=coop, status="planned", date__lt=TODAY + timedelta(7))
    Batch.objects.filter(pk=today_batch.pk).update(date=TODAY)
    # Still at the stove: today's batch is not late, 10 of 10.
    assert status(coop, "consistent_production").figure.startswith("10 of 10 ")
    producer = Shift.objects.filter(batch=today_batch).exclude(member=None).first().member
    production_flow.batch_record_made(
        batch=Batch.objects.get(pk=today_batch.pk),
        by=producer,
        quantity=coop.target_quantity - 1,
        hours="2",
        today=TODAY,
    )
    assert status(coop, "consistent_production").figure.startswith("10 of 11 ")


NAMES = [
    "self_funded",
    "no_paid_staff",
    "flat",
    "consistent_production",
    "members_only",
    "all_four_roles",
]


def test_the_report_of_a_new_coop_reads_not_yet_with_what_will_measure_each():
    from fourfold.insights import report

    coop, _people = co_op(2)
    with time_machine.travel(f"{TODAY}T12:00:00-04:00"):
        text = report.as_text(report.health(coop=coop), coop.name)
    assert "BROKEN" not in text
    assert "AT RISK" not in text
    assert "  not yet  consistent_production  Measured once the first batch is due." in text
