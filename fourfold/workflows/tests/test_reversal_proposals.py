"""Correcting with consent: reversing someone else's entry asks them; declined, the members
may decide it by a proposal to reverse the entry, which posts the reversal when it passes."""

from decimal import Decimal

import pytest

from fourfold.coops.models import AuditEvent
from fourfold.errors import Conflict, Invalid
from fourfold.governance import rules
from fourfold.governance import services as governance
from fourfold.governance.models import Proposal
from fourfold.ledger import consent, corrections, selectors, services
from fourfold.ledger.models import Transaction
from fourfold.testing import MembershipFactory
from fourfold.workflows import decisions as decisions_flow

pytestmark = pytest.mark.django_db


@pytest.fixture
def carol(personas):
    return MembershipFactory(coop=personas.coop, user__username="carol").user


def balances(coop) -> dict[str, Decimal]:
    return {row.user.username: row.balance for row in selectors.member_balances(coop=coop)}


def reversal(coop, by, entry, **change):
    return decisions_flow.proposal_open(
        coop=coop, by=by, kind="reversal", title="", change={"transaction": entry.pk, **change}
    )


def everyone_votes(proposal, members, position):
    for member in members:
        decisions_flow.vote_cast(proposal=proposal, member=member, position=position)
    proposal.refresh_from_db()
    return proposal


@pytest.fixture
def paid_in(personas):
    """Alice paid 30.00 into the pool herself: posted at once."""
    return services.contribution_post(
        coop=personas.coop, payer=personas.alice, amount="30", entered_by=personas.alice
    )


# --- The shape, checked by governance ------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({}, "by its number"),
        ({"transaction": "12"}, "by its number"),
        ({"transaction": True}, "by its number"),
        ({"transaction": 0}, "by its number"),
        ({"transaction": 3, "amount": "1"}, "Unknown part of a reversal: amount"),
        ({"transaction": 3, "principle": "flat", "reason": "x"}, "Name the principle"),
        ({"transaction": 3, "principle": "self_funded"}, "Say how the entry breaks"),
        ({"transaction": 3, "reason": 7}, "in words"),
        ({"transaction": 3, "reason": "x" * 501}, "at most 500 characters"),
    ],
)
def test_the_shape_of_a_reversal_is_checked_by_governance(change, message):
    with pytest.raises(Invalid, match=message) as raised:
        rules.reversal_change_validate(change)
    assert raised.value.field == "change"


def test_a_reversal_keeps_what_it_names_trimmed():
    change = {"transaction": 3, "principle": "no_paid_staff", "reason": "  wages  "}
    assert rules.reversal_change_validate(change) == {
        "transaction": 3,
        "principle": "no_paid_staff",
        "reason": "wages",
    }
    assert rules.reversal_change_validate({"transaction": 3, "reason": " "}) == {"transaction": 3}


def test_a_reversal_is_titled_by_the_entry_it_reverses(personas, paid_in):
    proposal = reversal(personas.coop, personas.bob, paid_in)
    assert proposal.kind == Proposal.Kind.REVERSAL
    assert proposal.title == f"Reverse entry #{paid_in.pk}"
    assert proposal.change == {"transaction": paid_in.pk}
    again = services.contribution_post(
        coop=personas.coop, payer=personas.alice, amount="30", entered_by=personas.alice
    )
    named = decisions_flow.proposal_open(
        coop=personas.coop,
        by=personas.bob,
        kind="reversal",
        title="Undo the double pay-in",
        change={"transaction": again.pk},
    )
    assert named.title == "Undo the double pay-in"


def test_other_kinds_still_need_a_title(personas):
    with pytest.raises(Invalid, match="Give the proposal a title") as raised:
        governance.proposal_open(coop=personas.coop, by=personas.bob, kind="general", title=" ")
    assert raised.value.field == "title"


# --- The entry, checked against the books --------------------------------------------------


def test_an_entry_of_another_coop_is_refused(personas):
    elsewhere = services.contribution_post(
        coop=personas.other_coop, payer=personas.outsider, amount="5", entered_by=personas.outsider
    )
    with pytest.raises(Invalid, match=f"no entry #{elsewhere.pk} in this co-op") as raised:
        reversal(personas.coop, personas.bob, elsewhere)
    assert raised.value.field == "change"
    assert not Proposal.objects.exists()


def test_a_reversal_of_an_entry_waiting_declined_reversed_or_a_reversal_is_refused(
    personas, paid_in
):
    coop, alice, bob = personas.coop, personas.alice, personas.bob
    waiting = services.transfer_post(
        coop=coop, payer=alice, payee=bob, amount="4", entered_by=alice
    )
    with pytest.raises(Conflict, match="has not moved any money yet; it waits for bob"):
        reversal(coop, bob, waiting)
    consent.entry_decline(coop=coop, transaction_id=waiting.pk, member=bob)
    with pytest.raises(Conflict, match="was declined"):
        reversal(coop, bob, waiting)
    undone = corrections.transaction_reverse(original=paid_in, entered_by=alice)
    with pytest.raises(Conflict, match=f"already reversed by #{undone.pk}"):
        reversal(coop, bob, paid_in)
    with pytest.raises(Conflict, match="a reversal is not reversed"):
        reversal(coop, bob, undone)
    assert not Proposal.objects.exists()


def test_an_entry_whose_reversal_request_waits_is_not_proposed_too(personas, paid_in):
    request = corrections.transaction_reverse(original=paid_in, entered_by=personas.bob)
    with pytest.raises(Conflict, match="waits for an answer; if it is declined"):
        reversal(personas.coop, personas.bob, paid_in)
    with pytest.raises(Conflict, match="moves no money"):
        reversal(personas.coop, personas.bob, request)


def test_one_open_proposal_per_entry(personas, paid_in):
    first = reversal(personas.coop, personas.bob, paid_in)
    with pytest.raises(Conflict, match=f"Proposal #{first.pk} already decides"):
        reversal(personas.coop, personas.alice, paid_in)
    assert Proposal.objects.filter(kind="reversal").count() == 1


def test_a_failed_proposal_changes_nothing_and_another_may_follow(personas, paid_in):
    coop, alice, bob = personas.coop, personas.alice, personas.bob
    before = (balances(coop), selectors.books(coop=coop).pool)
    proposal = everyone_votes(reversal(coop, bob, paid_in), [alice, bob], "disagree")
    assert proposal.status == Proposal.Status.FAILED
    assert (balances(coop), selectors.books(coop=coop).pool) == before
    assert not Transaction.objects.filter(reverses=paid_in).exists()
    assert "reversal" not in proposal.result
    assert reversal(coop, alice, paid_in).status == Proposal.Status.OPEN


# --- Passed: the reversal posts itself -----------------------------------------------------


def test_a_passed_proposal_posts_the_reversal_once(personas, paid_in):
    coop, alice, bob = personas.coop, personas.alice, personas.bob
    proposal = everyone_votes(reversal(coop, bob, paid_in), [alice, bob], "agree")
    assert proposal.status == Proposal.Status.PASSED
    posted = Transaction.objects.get(reverses=paid_in)
    assert proposal.result["reversal"] == posted.pk
    assert posted.entered_by == bob
    assert posted.description == f"Reversed by proposal #{proposal.pk}"
    assert not posted.awaits_consent
    assert balances(coop) == {"alice": Decimal("0.00"), "bob": Decimal("0.00")}
    assert selectors.books(coop=coop).pool == 0
    assert AuditEvent.objects.filter(
        coop=coop, action="ledger.reversal", data__transaction=posted.pk
    ).exists()
    # Closing again posts nothing more.
    decisions_flow.proposal_close(proposal=proposal)
    assert Transaction.objects.filter(reverses=paid_in).count() == 1


def test_a_passed_proposal_for_an_entry_reversed_meanwhile_says_so_and_moves_nothing(
    personas, paid_in
):
    coop, alice, bob = personas.coop, personas.alice, personas.bob
    proposal = reversal(coop, bob, paid_in)
    # Alice reverses her own entry herself before the vote ends.
    undone = corrections.transaction_reverse(original=paid_in, entered_by=alice)
    proposal = everyone_votes(proposal, [alice, bob], "agree")
    assert proposal.status == Proposal.Status.PASSED
    assert "already reversed" in proposal.result["reversal_refused"]
    assert "The entry was not reversed" in proposal.outcome
    assert list(Transaction.objects.filter(reverses=paid_in)) == [undone]
    assert selectors.books(coop=coop).pool == 0


def test_a_declined_correction_is_decided_by_the_members(personas, carol):
    """The path of the issue: Bob asks to reverse Alice's expense, Alice declines, Carol
    proposes reversing it, the members agree, and the balances are as before the expense."""
    coop, alice, bob = personas.coop, personas.alice, personas.bob
    before = balances(coop)
    expense = services.expense_post(
        coop=coop,
        payer=alice,
        amount="90.00",
        category="supplies",
        supplier="Jar Depot",
        description="jars",
        entered_by=alice,
        split={alice: 1, bob: 1, carol: 1},
    )
    assert balances(coop) == {
        "alice": Decimal("60.00"),
        "bob": Decimal("-30.00"),
        "carol": Decimal("-30.00"),
    }
    request = corrections.transaction_reverse(original=expense, entered_by=bob, reason="no jars")
    assert request.kind == Transaction.Kind.REVERSAL_REQUEST
    consent.entry_decline(
        coop=coop, transaction_id=request.pk, member=alice, reason="the jars came"
    )
    assert not Transaction.objects.filter(reverses=expense).exists()

    proposal = reversal(coop, carol, expense, reason="nobody ever saw the jars")
    assert proposal.title == f"Reverse entry #{expense.pk}"
    for member, position in ((alice, "disagree"), (bob, "agree"), (carol, "agree")):
        decisions_flow.vote_cast(proposal=proposal, member=member, position=position)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PASSED
    assert Transaction.objects.filter(reverses=expense).count() == 1
    assert balances(coop) == before
    assert selectors.books(coop=coop).unallocated == 0


def test_no_request_to_reverse_an_entry_a_proposal_already_decides(personas, paid_in):
    proposal = reversal(personas.coop, personas.bob, paid_in)
    with pytest.raises(Conflict, match=f"Proposal #{proposal.pk} already decides"):
        corrections.transaction_reverse(original=paid_in, entered_by=personas.bob)
    assert not Transaction.objects.filter(kind="reversal_request").exists()
