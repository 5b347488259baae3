import io
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from fourfold.coops.models import Cooperative, Membership
from fourfold.coops.services import invitation_create
from fourfold.errors import Conflict, Invalid, PrincipleViolation
from fourfold.governance import facilitators, rules, selectors, votes
from fourfold.governance.models import FacilitatorDuty, Proposal
from fourfold.ledger import corrections as ledger_corrections
from fourfold.ledger import services as ledger
from fourfold.ledger.models import Transaction
from fourfold.production.models import Batch
from fourfold.testing import MembershipFactory, UserFactory
from fourfold.workflows import decisions as decisions_flow
from fourfold.workflows import money as money_flow
from fourfold.workflows import production as production_flow
from fourfold.workflows.membership import invitation_accept
from fourfold.workflows.tasks import close_due_proposals

pytestmark = pytest.mark.django_db


@pytest.fixture
def six(personas):
    """alice, bob and four more: six active members."""
    extra = [
        MembershipFactory(coop=personas.coop, user__username=name).user
        for name in ("cy", "di", "ed", "fay")
    ]
    return [personas.alice, personas.bob, *extra]


def vote_all(proposal, members, positions):
    for member, position in zip(members, positions, strict=False):
        decisions_flow.vote_cast(proposal=proposal, member=member, position=position)
    proposal.refresh_from_db()
    return proposal


def rule_change(coop, by, **change):
    return decisions_flow.proposal_open(
        coop=coop, by=by, kind="rule_change", title="Change", change=change
    )


def test_a_passed_rule_change_applies_itself_and_logs_before_and_after(personas, six):
    proposal = rule_change(personas.coop, personas.bob, target_quantity=24)
    proposal = vote_all(proposal, six, ["agree"] * 6)
    assert proposal.status == "passed"
    assert Cooperative.objects.get(pk=personas.coop.pk).target_quantity == 24
    assert proposal.result["before"] == {"target_quantity": "20"}
    assert proposal.result["after"] == {"target_quantity": "24"}
    production_flow.batches_plan(
        coop=Cooperative.objects.get(pk=personas.coop.pk), weeks=2, by=None
    )
    assert Batch.objects.filter(coop=personas.coop).first().planned_quantity == 24


def test_a_passed_rule_change_reaches_the_batches_already_planned(personas, six):
    production_flow.batches_plan(coop=personas.coop, weeks=3, by=None)
    proposal = rule_change(personas.coop, personas.bob, target_quantity=24, producers_per_batch=3)
    assert vote_all(proposal, six, ["agree"] * 6).status == "passed"
    planned = Batch.objects.filter(coop=personas.coop, status="planned")
    assert {batch.planned_quantity for batch in planned} == {24}
    # Outside the lock window each batch now has three producer places.
    later = [batch for batch in planned if batch.date >= timezone.localdate() + timedelta(days=7)]
    assert later and all(batch.shifts.count() == 3 for batch in later)


def test_a_passed_rule_change_corrects_the_plural_of_the_unit(personas, six):
    proposal = rule_change(personas.coop, personas.bob, unit_plural="quarts of yogurt")
    assert vote_all(proposal, six, ["agree"] * 6).status == "passed"
    coop = Cooperative.objects.get(pk=personas.coop.pk)
    assert (coop.units(1), coop.units(24)) == ("1 quart", "24 quarts of yogurt")


def test_a_failed_rule_change_changes_nothing(personas, six):
    proposal = rule_change(personas.coop, personas.alice, target_quantity=24)
    proposal = vote_all(
        proposal, six, ["agree", "agree", "agree", "disagree", "disagree", "disagree"]
    )
    assert proposal.status == "failed"
    assert "3 agree of 6" in proposal.outcome
    assert Cooperative.objects.get(pk=personas.coop.pk).target_quantity == 20


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"target_quantity": 0}, "at least 1"),
        ({"cadence": "sometimes"}, "cadence"),
        ({"cadence": "FREQ=WEEKLY;BYDAY=TH;BYHOUR=10,18"}, "one batch a day"),
        ({"quorum_percent": 0}, r"Quorum \(%\) must be from 1 to 100"),
        ({"threshold": "1/4"}, "Threshold must be from 1/2 to 1"),
        ({"wages": 10}, "Unknown rule"),
        ({"target_quantity": 20}, "already"),
    ],
)
def test_an_invalid_change_is_refused_when_opened(personas, change, message):
    with pytest.raises(Invalid, match=message):
        rule_change(personas.coop, personas.alice, **change)
    assert not Proposal.objects.exists()


def test_quorum_is_explained(personas, six):
    proposal = decisions_flow.proposal_open(
        coop=personas.coop, by=personas.alice, kind="general", title="Buy a bigger pot"
    )
    vote_all(proposal, six[:2], ["agree", "agree"])
    closed = decisions_flow.proposal_close(
        proposal=proposal, now=timezone.now() + timedelta(days=8)
    )
    assert closed.status == "failed"
    assert closed.outcome == "failed: quorum 2 of 6 voted, 3 needed."


def test_a_single_block_fails_it(personas, six):
    proposal = decisions_flow.proposal_open(
        coop=personas.coop, by=personas.alice, kind="general", title="Switch to skim milk"
    )
    proposal = vote_all(proposal, six, ["agree"] * 5 + ["block"])
    assert proposal.status == "failed"
    assert proposal.outcome == "failed: blocked by 1 member."


def test_abstentions_count_for_quorum_but_not_the_threshold(personas, six):
    proposal = decisions_flow.proposal_open(
        coop=personas.coop, by=personas.alice, kind="general", title="Try maple"
    )
    proposal = vote_all(
        proposal, six, ["agree", "agree", "disagree", "abstain", "abstain", "abstain"]
    )
    assert proposal.status == "passed"
    assert proposal.result["positions"]["abstain"] == 3


def test_a_vote_can_change_until_the_close_and_is_one_per_member(personas, six):
    proposal = decisions_flow.proposal_open(
        coop=personas.coop, by=personas.alice, kind="general", title="Honey"
    )
    decisions_flow.vote_cast(proposal=proposal, member=personas.bob, position="disagree")
    decisions_flow.vote_cast(
        proposal=proposal, member=personas.bob, position="agree", reason="changed my mind"
    )
    assert proposal.votes.count() == 1
    assert proposal.votes.get().reason == "changed my mind"
    decisions_flow.proposal_close(proposal=proposal, now=timezone.now() + timedelta(days=8))
    with pytest.raises(Conflict, match="closed"):
        decisions_flow.vote_cast(proposal=proposal, member=personas.alice, position="agree")


def test_due_proposals_close_by_command_and_it_is_idempotent(personas, six):
    proposal = decisions_flow.proposal_open(
        coop=personas.coop, by=personas.alice, kind="general", title="Old"
    )
    vote_all(proposal, six[:4], ["agree"] * 4)
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        call_command("close_due_proposals", stdout=io.StringIO())
        proposal.refresh_from_db()
        assert proposal.status == "passed"
        assert decisions_flow.close_due_proposals() == []


def test_opening_a_proposal_schedules_its_closing_task(
    personas, six, django_capture_on_commit_callbacks
):
    from django_tasks import default_task_backend

    default_task_backend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        proposal = decisions_flow.proposal_open(
            coop=personas.coop, by=personas.alice, kind="general", title="Later"
        )
    # Beside it, the task that e-mails the other members of the new proposal.
    [result] = [
        result
        for result in default_task_backend.results
        if result.task.module_path == close_due_proposals.module_path
    ]
    assert result.task.run_after == proposal.closes_at


def test_a_proxy_votes_for_an_absent_member_and_the_tally_says_so(personas, six):
    proposal = decisions_flow.proposal_open(
        coop=personas.coop, by=personas.alice, kind="general", title="Proxy"
    )
    votes.proxy_grant(coop=personas.coop, giver=six[5], holder=six[0], proposal=proposal)
    decisions_flow.vote_cast(proposal=proposal, member=six[0], position="agree")
    counts = votes.tally(proposal)
    assert (counts["voted"], counts["by_proxy"]) == (2, 1)
    decisions_flow.vote_cast(proposal=proposal, member=six[5], position="disagree")
    counts = votes.tally(proposal)
    assert (counts["voted"], counts["by_proxy"]) == (2, 0)


def test_nobody_holds_two_proxies(personas, six):
    votes.proxy_grant(
        coop=personas.coop,
        giver=six[1],
        holder=six[0],
        until=timezone.now().date() + timedelta(days=9),
    )
    with pytest.raises(Conflict, match="one proxy"):
        votes.proxy_grant(
            coop=personas.coop,
            giver=six[2],
            holder=six[0],
            until=timezone.now().date() + timedelta(days=9),
        )
    votes.proxy_revoke(coop=personas.coop, giver=six[1])
    votes.proxy_grant(
        coop=personas.coop,
        giver=six[2],
        holder=six[0],
        until=timezone.now().date() + timedelta(days=9),
    )


def test_a_ranked_choice_is_decided_by_instant_runoff(personas, six):
    proposal = decisions_flow.proposal_open(
        coop=personas.coop,
        by=personas.bob,
        kind="choice",
        title="Next month's flavour",
        options=["vanilla", "honey", "plain"],
    )
    ballots = [["vanilla", "honey"]] * 2 + [["honey"]] * 2 + [["plain", "honey"]] * 2
    for member, ranking in zip(six, ballots, strict=True):
        decisions_flow.vote_cast(proposal=proposal, member=member, ranking=ranking)
    proposal.refresh_from_db()
    assert proposal.status == "passed"
    assert proposal.result["winner"] == "honey"
    assert proposal.outcome == "chosen: honey after 2 rounds of instant runoff."


def test_admission_by_vote(personas, six):
    personas.coop.admission_mode = "vote"
    personas.coop.save()
    newcomer = UserFactory(username="newt")
    invitation = invitation_create(coop=personas.coop, by=personas.alice)
    membership = invitation_accept(code=invitation.code, user=newcomer)
    assert membership.status == "pending"
    proposal = Proposal.objects.get(kind="admit_member")
    vote_all(proposal, six, ["agree"] * 6)
    assert Membership.objects.get(user=newcomer).status == "active"


def test_an_applicant_turned_down_may_be_invited_again(personas, six):
    personas.coop.admission_mode = "vote"
    personas.coop.save()
    newcomer = UserFactory(username="newt")
    invitation_accept(
        code=invitation_create(coop=personas.coop, by=personas.alice).code, user=newcomer
    )
    vote_all(Proposal.objects.get(kind="admit_member"), six, ["disagree"] * 6)
    assert Membership.objects.get(user=newcomer).status == "left"
    membership = invitation_accept(
        code=invitation_create(coop=personas.coop, by=personas.bob).code, user=newcomer
    )
    assert membership.status == "pending"
    assert Proposal.objects.filter(kind="admit_member", status="open").count() == 1


def test_the_member_concerned_does_not_vote_on_their_removal(personas, six):
    proposal = decisions_flow.proposal_open(
        coop=personas.coop,
        by=personas.alice,
        kind="remove_member",
        title="Remove fay",
        subject=six[5],
    )
    with pytest.raises(Conflict, match="without your vote"):
        decisions_flow.vote_cast(proposal=proposal, member=six[5], position="block")
    proposal = vote_all(proposal, six[:5], ["agree"] * 5)
    # Five of the five who decide voted: it closed at once, and it passed.
    assert proposal.status == "passed"
    assert proposal.result["eligible"] == 5
    assert Membership.objects.get(coop=personas.coop, user=six[5]).status == "left"


def test_only_someone_who_asked_to_join_can_be_proposed_for_admission(personas, six):
    with pytest.raises(Invalid, match="has not asked to join"):
        decisions_flow.proposal_open(
            coop=personas.coop,
            by=personas.alice,
            kind="admit_member",
            title="Admit a stranger",
            subject=personas.outsider,
        )


def test_removing_a_member_ends_the_membership_and_keeps_the_balance(personas, six):
    ledger.contribution_post(coop=personas.coop, payer=six[5], amount="5", entered_by=six[5])
    proposal = decisions_flow.proposal_open(
        coop=personas.coop,
        by=personas.alice,
        kind="remove_member",
        title="Remove fay",
        subject=six[5],
    )
    vote_all(proposal, six[:5], ["agree"] * 5)
    decisions_flow.proposal_close(proposal=proposal, now=timezone.now() + timedelta(days=8))
    assert Membership.objects.get(user=six[5]).status == "left"


def test_spending_above_the_limit_needs_a_passed_proposal(personas, six):
    personas.coop.spending_limit = Decimal("100")
    personas.coop.save()
    with pytest.raises(PrincipleViolation) as refused:
        money_flow.expense_post(
            coop=personas.coop,
            payer=personas.alice,
            amount="150",
            category="equipment",
            entered_by=personas.alice,
        )
    assert refused.value.principle == "flat"
    approval = decisions_flow.proposal_open(
        coop=personas.coop, by=personas.alice, kind="spending", title="New fridge", amount="150"
    )
    vote_all(approval, six, ["agree"] * 6)
    expense = money_flow.expense_post(
        coop=personas.coop,
        payer=personas.alice,
        amount="150",
        category="equipment",
        entered_by=personas.alice,
        proposal=approval.pk,
    )
    assert expense.amount == Decimal("150.00")
    assert expense.approval == approval


def spend(personas, amount, approval=None):
    return money_flow.expense_post(
        coop=personas.coop,
        payer=personas.alice,
        amount=amount,
        category="equipment",
        entered_by=personas.alice,
        proposal=approval.pk if approval else None,
    )


def test_a_spending_approval_covers_its_amount_once_and_a_reversal_gives_it_back(personas, six):
    personas.coop.spending_limit = Decimal("100")
    personas.coop.save()
    approval = decisions_flow.proposal_open(
        coop=personas.coop, by=personas.bob, kind="spending", title="Fridge and pot", amount="300"
    )
    vote_all(approval, six, ["agree"] * 6)
    fridge = spend(personas, "180", approval)
    assert selectors.approval_left(approval) == Decimal("120")
    with pytest.raises(PrincipleViolation) as refused:
        spend(personas, "150", approval)
    assert refused.value.principle == "flat"
    assert str(refused.value.detail) == (
        "Refused by the principle “flat”: “Fridge and pot” approved $300.00 and $120.00 of it "
        "is left: $150.00 is more. Open a new spending proposal for the rest."
    )
    assert [(p, left) for p, left in selectors.approvals_open(coop=personas.coop)] == [
        (approval, Decimal("120"))
    ]
    ledger_corrections.transaction_reverse(
        original=fridge, entered_by=personas.alice, reason="returned"
    )
    assert selectors.approval_left(approval) == Decimal("300")
    spend(personas, "150", approval)
    spend(personas, "150", approval)
    assert selectors.approvals_open(coop=personas.coop) == []
    # Below the limit no approval is needed, and none is drawn on unless chosen.
    assert spend(personas, "100").approval is None
    ledger_corrections.transaction_reverse(
        original=Transaction.objects.filter(approval=approval, reversed_by__isnull=True).first(),
        entered_by=personas.alice,
    )
    assert spend(personas, "100", approval).approval == approval
    assert selectors.approval_left(approval) == Decimal("50")


def test_a_refused_expense_names_the_limit_in_the_co_ops_currency(personas):
    personas.coop.spending_limit = Decimal("150")
    personas.coop.save()
    with pytest.raises(PrincipleViolation) as refused:
        spend(personas, "200")
    assert str(refused.value.detail).startswith(
        "Refused by the principle “flat”: $200.00 is above the spending limit of $150.00: "
        "the members decide it together."
    )


def test_only_active_members_propose_or_vote(personas, six):
    with pytest.raises(PrincipleViolation):
        decisions_flow.proposal_open(
            coop=personas.coop, by=personas.outsider, kind="general", title="Outside"
        )
    Membership.objects.filter(user=six[5]).update(status="paused")
    proposal = decisions_flow.proposal_open(
        coop=personas.coop, by=personas.alice, kind="general", title="x"
    )
    with pytest.raises(PrincipleViolation):
        decisions_flow.vote_cast(proposal=proposal, member=six[5], position="agree")


def test_the_facilitator_rotates_fairly(personas, six):
    duties = facilitators.facilitators_plan(coop=personas.coop, months=12)
    counts = {}
    for duty in duties:
        counts[duty.member_id] = counts.get(duty.member_id, 0) + 1
    assert len(duties) == 12
    assert sorted(counts.values()) == [2] * 6
    again = facilitators.facilitators_plan(coop=personas.coop, months=12)
    assert [d.member_id for d in again] == [d.member_id for d in duties]
    assert FacilitatorDuty.objects.count() == 12


@pytest.mark.parametrize("value", ["abc", "", "2.5", 2.5, True])
def test_a_rule_value_that_is_not_a_whole_number_is_refused_with_a_message(personas, value):
    with pytest.raises(Invalid):
        rule_change(personas.coop, personas.alice, target_quantity=value)
    with pytest.raises(Invalid, match="whole number"):
        rule_change(personas.coop, personas.alice, quorum_percent="40.5")


def test_a_rule_change_to_more_producers_per_batch_than_active_members_is_refused(personas):
    with pytest.raises(Invalid) as refused:
        rule_change(personas.coop, personas.alice, producers_per_batch=3)
    assert refused.value.detail == (
        "A batch cannot need 3 producers: the co-op has 2 active members, so at most 2 can "
        "produce it. Propose 2 or fewer, or admit members first."
    )
    assert not Proposal.objects.exists()
    assert rule_change(personas.coop, personas.alice, producers_per_batch=1).change == {
        "producers_per_batch": 1
    }


def test_an_option_too_long_for_a_ballot_is_refused_on_every_edge(personas):
    # In the service, so the web's form and the API refuse it alike.
    with pytest.raises(Invalid) as refused:
        decisions_flow.proposal_open(
            coop=personas.coop,
            by=personas.alice,
            kind="choice",
            title="Which day?",
            options=["Tuesday", "x" * (rules.MAX_OPTION_LENGTH + 1)],
        )
    assert refused.value.field == "options"
    assert not Proposal.objects.exists()


def test_a_spending_approval_finer_than_the_currencys_minor_unit_is_refused(personas):
    with pytest.raises(Invalid) as refused:
        decisions_flow.proposal_open(
            coop=personas.coop, by=personas.alice, kind="spending", title="Pots", amount="10.005"
        )
    assert refused.value.field == "amount"


def test_a_ranking_on_a_yes_or_no_proposal_is_refused(personas):
    proposal = decisions_flow.proposal_open(
        coop=personas.coop, by=personas.alice, kind="general", title="Picnic"
    )
    with pytest.raises(Invalid) as refused:
        decisions_flow.vote_cast(
            proposal=proposal, member=personas.bob, position="agree", ranking=["yes"]
        )
    assert refused.value.field == "ranking"
    assert not proposal.votes.exists()


def test_a_proxy_until_a_day_already_past_is_refused(personas):
    yesterday = timezone.now().astimezone(personas.coop.zone).date() - timedelta(days=1)
    with pytest.raises(Invalid) as refused:
        votes.proxy_grant(
            coop=personas.coop, giver=personas.alice, holder=personas.bob, until=yesterday
        )
    assert refused.value.field == "until"


def test_the_daily_facilitator_task_plans_every_coop_and_comes_back_tomorrow(personas):
    from datetime import UTC, date, datetime

    from django_tasks import default_task_backend

    from fourfold.governance import tasks

    default_task_backend.clear()
    moment = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        tasks.plan_facilitators_daily.call()
    for coop in (personas.coop, personas.other_coop):
        assert FacilitatorDuty.objects.filter(coop=coop, month=date(2026, 3, 1)).exists()
    [result] = default_task_backend.results
    assert result.task.run_after == moment + timedelta(days=1)
