"""A proposal to reverse an entry names it by its number in the file, and after the move by
its new row: a passed one still names the reversal it posted, an open one reverses the right
entry when it passes."""

from __future__ import annotations

import copy

import pytest

from fourfold.errors import Invalid
from fourfold.governance.models import Proposal
from fourfold.ledger import services as ledger
from fourfold.ledger.models import Transaction
from fourfold.portability.export import export_coop
from fourfold.workflows import decisions as decisions_flow
from fourfold.workflows import flags
from fourfold.workflows.portability import import_coop

pytestmark = pytest.mark.django_db


@pytest.fixture
def moved(personas):
    coop, alice, bob = personas.coop, personas.alice, personas.bob
    first = ledger.contribution_post(coop=coop, payer=alice, amount="10", entered_by=alice)
    second = ledger.contribution_post(coop=coop, payer=bob, amount="4", entered_by=bob)
    passed = decisions_flow.proposal_open(
        coop=coop, by=bob, kind="reversal", title="", change={"transaction": first.pk}
    )
    for member in (alice, bob):
        decisions_flow.vote_cast(proposal=passed, member=member, position="agree")
    flags.entry_flag(
        coop=coop, transaction_id=second.pk, member=alice, principle="self_funded", reason="a gift"
    )
    return export_coop(coop)


def test_a_reversal_names_entries_by_their_numbers_in_the_file(moved):
    numbers = {t["id"]: t for t in moved["ledger"]["transactions"]}
    reversals = [p for p in moved["proposals"] if p["kind"] == "reversal"]
    passed = next(p for p in reversals if p["status"] == "passed")
    assert numbers[passed["result"]["reversal"]]["reverses"] == passed["change"]["transaction"]


def test_after_the_move_the_open_flag_reverses_the_right_entry(moved, personas):
    copy_ = import_coop(moved, slug="home-copy")
    assert export_coop(copy_)["proposals"] == moved["proposals"]
    flagged = Proposal.objects.get(coop=copy_, status="open")
    entry = Transaction.objects.get(pk=flagged.change["transaction"])
    assert (entry.coop, entry.payer.username, entry.amount_minor) == (copy_, "bob", 400)
    for member in (personas.alice, personas.bob):
        decisions_flow.vote_cast(proposal=flagged, member=member, position="agree")
    assert Transaction.objects.filter(coop=copy_, reverses=entry).count() == 1


def test_a_reversal_naming_no_entry_of_the_file_is_refused(moved):
    broken = copy.deepcopy(moved)
    next(p for p in broken["proposals"] if p["status"] == "open")["change"]["transaction"] = 999
    with pytest.raises(Invalid, match="names no transaction of this file"):
        import_coop(broken, slug="home-copy")
