"""How a member's statement reads: each transaction with what it did to their balance."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from fourfold.coops.models import Cooperative
from fourfold.ledger.models import Leg
from fourfold.lib.money import from_minor


@dataclass(frozen=True)
class StatementLine:
    leg: Leg
    change: Decimal  # what this transaction did to the member's balance
    balance: Decimal  # the member's balance after it


def statement_lines(coop: Cooperative, legs: Iterable[Leg]) -> list[StatementLine]:
    """``legs`` from ``ledger.selectors.statement``, which annotates each with its running
    total. A member's account is the co-op's debt to them: the balance is minus the legs' sum."""
    return [
        StatementLine(
            leg=leg,
            change=from_minor(-leg.amount_minor, coop.currency),
            # The selector's QuerySet[Leg] type cannot carry its annotation.
            balance=from_minor(-leg.running_total, coop.currency),  # type: ignore[attr-defined]
        )
        for leg in legs
    ]
