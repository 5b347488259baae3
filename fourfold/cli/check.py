"""``fourfold check <slug>``: are the co-op's books sound? Exit 1, naming each problem, if not."""

from __future__ import annotations

from typing import TextIO

from fourfold.coops.models import Cooperative
from fourfold.ledger import checks

SOUND = (
    "{name}: the books are sound ({count}): every transaction balances, every "
    "account's total is the sum of its legs, nothing is reversed twice, the pool never fell "
    "below zero.\n"
)


def books_lines(*, coop: Cooperative, problems: list[str]) -> str:
    """The check's verdict as text, shared with ``fourfold report``."""
    if not problems:
        count = coop.transactions.count()
        return SOUND.format(name=coop.name, count=f"{count} transaction{'' if count == 1 else 's'}")
    lines = [f"{coop.name}: {len(problems)} problem(s) in the books:"]
    lines += [f"  ✗ {problem}" for problem in problems]
    return "\n".join(lines) + "\n"


def run(*, slug: str, stdout: TextIO) -> int:
    coop = Cooperative.objects.filter(slug=slug).first()
    if coop is None:
        raise SystemExit(f"No co-op with the short name {slug!r}.")
    problems = checks.books_check(coop=coop)
    stdout.write(books_lines(coop=coop, problems=problems))
    return 1 if problems else 0
