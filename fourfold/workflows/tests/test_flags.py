"""Any member flags an entry as breaking a principle: a proposal to reverse it opens, and the
principles audit shows the principle at risk, naming the flag, until the members decide."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fourfold.coops.models import AuditEvent, Membership
from fourfold.errors import Conflict, Invalid, NotFound, PrincipleViolation
from fourfold.governance.models import Proposal
from fourfold.insights import principles
from fourfold.ledger import selectors, services
from fourfold.ledger.models import Transaction
from fourfold.workflows import decisions as decisions_flow
from fourfold.workflows import flags

pytestmark = pytest.mark.django_db

WAGES = "we paid Eli for his Sunday shifts: that is wages"


@pytest.fixture
def expense(personas):
    """Alice paid 40.00 for "help" out of her own pocket, shared by both."""
    return services.expense_post(
        coop=personas.coop,
        payer=personas.alice,
        amount="40.00",
        category="supplies",
        supplier="Eli",
        description="help on Sunday",
        entered_by=personas.alice,
        split={personas.alice: 1, personas.bob: 1},
    )


def flag(personas, entry, *, member=None, principle="no_paid_staff", reason=WAGES):
    return flags.entry_flag(
        coop=personas.coop,
        transaction_id=entry.pk,
        member=member or personas.bob,
        principle=principle,
        reason=reason,
    )


def audit_of(coop) -> dict[str, principles.PrincipleStatus]:
    return {item.name: item for item in principles.principles_audit(coop=coop)}


def test_a_flag_opens_a_proposal_to_reverse_the_entry(personas, expense):
    proposal = flag(personas, expense)
    assert proposal.kind == Proposal.Kind.REVERSAL
    assert proposal.status == Proposal.Status.OPEN
    assert proposal.title == f"Reverse entry #{expense.pk}"
    assert proposal.opened_by == personas.bob
    assert proposal.change == {
        "transaction": expense.pk,
        "principle": "no_paid_staff",
        "reason": WAGES,
    }
    flagged = AuditEvent.objects.get(coop=personas.coop, action="ledger.flagged")
    assert flagged.actor == personas.bob
    assert flagged.data == {
        "transaction": expense.pk,
        "principle": "no_paid_staff",
        "reason": WAGES,
        "proposal": proposal.pk,
    }
    assert AuditEvent.objects.filter(
        coop=personas.coop, action="governance.opened", data__kind="reversal"
    ).exists()


def test_whoever_entered_it_may_flag_it_too(personas, expense):
    assert flag(personas, expense, member=personas.alice).opened_by == personas.alice


@pytest.mark.parametrize(
    ("principle", "reason", "field"),
    [
        ("flat", WAGES, "principle"),
        ("", WAGES, "principle"),
        ("no_paid_staff", "", "reason"),
        ("no_paid_staff", "   ", "reason"),
        ("no_paid_staff", "x" * 501, "reason"),
    ],
)
def test_a_flag_names_a_money_principle_and_says_why(personas, expense, principle, reason, field):
    with pytest.raises(Invalid) as raised:
        flag(personas, expense, principle=principle, reason=reason)
    assert raised.value.field == field
    assert not Proposal.objects.exists()
    assert not AuditEvent.objects.filter(action="ledger.flagged").exists()


def test_an_entry_of_another_coop_is_not_found(personas):
    elsewhere = services.contribution_post(
        coop=personas.other_coop, payer=personas.outsider, amount="5", entered_by=personas.outsider
    )
    with pytest.raises(NotFound):
        flag(personas, elsewhere)


def test_only_an_active_member_flags(personas, expense):
    Membership.objects.filter(coop=personas.coop, user=personas.bob).update(
        status=Membership.Status.PAUSED
    )
    with pytest.raises(PrincipleViolation, match="only active members flag entries"):
        flag(personas, expense)
    with pytest.raises(PrincipleViolation):
        flag(personas, expense, member=personas.outsider)


def test_an_entry_already_flagged_is_decided_once(personas, expense):
    first = flag(personas, expense)
    with pytest.raises(Conflict, match=f"Proposal #{first.pk} already decides"):
        flag(personas, expense, member=personas.alice, principle="self_funded", reason="gift")
    assert AuditEvent.objects.filter(action="ledger.flagged").count() == 1


def test_the_flagged_principle_is_at_risk_and_named_until_decided(personas, expense):
    coop = personas.coop
    assert audit_of(coop)["no_paid_staff"].status == "holds"
    proposal = flag(personas, expense)
    item = audit_of(coop)["no_paid_staff"]
    assert item.status == "at_risk"
    assert item.figure == (
        f"entry #{expense.pk} flagged by bob: {WAGES}; proposal #{proposal.pk} decides"
    )
    assert f"proposal #{proposal.pk}" in item.fix
    # The other principles read as before.
    assert audit_of(coop)["self_funded"].status == "holds"
    for member in (personas.alice, personas.bob):
        decisions_flow.vote_cast(proposal=proposal, member=member, position="disagree")
    assert Proposal.objects.get(pk=proposal.pk).status == Proposal.Status.FAILED
    assert audit_of(coop)["no_paid_staff"] == principles.PrincipleStatus(
        "no_paid_staff", "holds", "no expense pays anyone for labour"
    )


def test_a_passed_flag_reverses_the_entry_and_the_audit_reads_normally(personas, expense):
    coop = personas.coop
    before = {row.user.username: row.balance for row in selectors.member_balances(coop=coop)}
    assert before == {"alice": Decimal("20.00"), "bob": Decimal("-20.00")}
    proposal = flag(personas, expense)
    for member in (personas.alice, personas.bob):
        decisions_flow.vote_cast(proposal=proposal, member=member, position="agree")
    assert Transaction.objects.filter(reverses=expense).count() == 1
    after = {row.user.username: row.balance for row in selectors.member_balances(coop=coop)}
    assert after == {"alice": Decimal("0.00"), "bob": Decimal("0.00")}
    assert audit_of(coop)["no_paid_staff"].status == "holds"


def test_a_broken_principle_stays_broken_and_names_the_flag_too(personas):
    # Entered before the words were challenged: the audit reads it as pay for work.
    wages = Transaction.objects.create(
        coop=personas.coop,
        kind=Transaction.Kind.EXPENSE,
        amount_minor=1000,
        category="other",
        payer=personas.alice,
        supplier="Eli",
        description="wages for Sunday",
        occurred_on=personas.coop.founded_at.date(),
        entered_by=personas.alice,
        entered_at=personas.coop.founded_at,
    )
    assert audit_of(personas.coop)["no_paid_staff"].status == "broken"
    proposal = flag(personas, wages)
    item = audit_of(personas.coop)["no_paid_staff"]
    assert item.status == "broken"
    assert item.figure.startswith("1 expense looks like pay for work; ")
    assert f"proposal #{proposal.pk} decides" in item.figure


def test_two_flags_on_one_principle_name_the_first_and_count_the_rest(personas, expense):
    coop = personas.coop
    first = flag(personas, expense)
    other = services.contribution_post(
        coop=coop, payer=personas.alice, amount="7", entered_by=personas.alice
    )
    flag(personas, other, member=personas.alice, reason="this was the town's money")
    item = audit_of(coop)["no_paid_staff"]
    assert f"proposal #{first.pk} decides (and 1 more flag)" in item.figure


def test_the_audit_asks_one_query_for_the_flags_whatever_their_number(personas):
    coop = personas.coop
    roles = principles.member_roles(coop=coop)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            principles.principles_audit(coop=coop, roles=roles)
        return len(captured.captured_queries)

    counts = []
    for flagged in (0, 1, 5):
        while Proposal.objects.filter(kind="reversal").count() < flagged:
            entry = services.contribution_post(
                coop=coop, payer=personas.alice, amount="3", entered_by=personas.alice
            )
            flag(personas, entry, principle="self_funded", reason="from the town")
        counts.append(queries())
    assert counts[0] == counts[1] == counts[2]
