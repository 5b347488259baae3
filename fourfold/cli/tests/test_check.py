"""``fourfold check <slug>`` and the books in ``fourfold report``."""

import json

import pytest

from fourfold.cli.main import main
from fourfold.ledger import services
from fourfold.ledger.models import Leg
from fourfold.ledger.tests.test_books_check import guard_lifted
from fourfold.workflows import money as money_flow

pytestmark = pytest.mark.django_db


@pytest.fixture
def coop(personas):
    services.contribution_post(
        coop=personas.coop, payer=personas.alice, amount="20", entered_by=personas.alice
    )
    money_flow.expense_post(
        coop=personas.coop,
        payer=personas.bob,
        amount="8",
        category="supplies",
        entered_by=personas.bob,
        split={personas.alice: 1, personas.bob: 1},
    )
    return personas.coop


def _tamper(coop) -> Leg:
    leg = Leg.objects.filter(transaction__coop=coop, account__kind="pool").first()
    with guard_lifted("ledger_leg") as cursor:
        cursor.execute("UPDATE ledger_leg SET amount_minor = 1 WHERE id = %s", [leg.pk])
    return leg


def test_check_prints_one_ok_line_and_exits_0_on_sound_books(coop, capsys):
    assert main(["check", "home"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "Home Co-op: the books are sound (3 transactions): every transaction balances, every "
        "account's total is the sum of its legs, nothing is reversed twice, the pool never "
        "fell below zero."
    ]


def test_check_exits_1_and_names_each_problem_of_tampered_books(coop, capsys):
    leg = _tamper(coop)
    assert main(["check", "home"]) == 1
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "Home Co-op: 3 problem(s) in the books:",
        f"  ✗ Transaction #{leg.transaction_id}: its legs sum to -$19.99, not zero.",
        f"  ✗ Transaction #{leg.transaction_id}: its amount is $20.00, but its legs move $0.01.",
        "  ✗ Account pool: its total is $20.00, but its legs sum to $0.01.",
    ]


def test_check_refuses_an_unknown_coop(db):
    with pytest.raises(SystemExit, match="No co-op with the short name 'nowhere'"):
        main(["check", "nowhere"])


def test_report_shows_the_books_check_in_text_and_json(coop, capsys):
    assert main(["report", "home"]) == 0
    assert "Home Co-op: the books are sound" in capsys.readouterr().out
    leg = _tamper(coop)
    assert main(["report", "home", "--json"]) == 0
    books = json.loads(capsys.readouterr().out)["books"]
    assert books["sound"] is False
    assert (
        f"Transaction #{leg.transaction_id}: its legs sum to -$19.99, not zero."
        in (books["problems"])
    )
    main(["report", "home"])
    assert "✗ Account pool: its total is $20.00" in capsys.readouterr().out
