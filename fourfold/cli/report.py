"""``fourfold report <slug> [--json]``."""

from __future__ import annotations

import json
from typing import TextIO

from fourfold.cli.check import books_lines
from fourfold.coops.models import Cooperative
from fourfold.insights import report
from fourfold.insights.budget import budget_data, budget_report
from fourfold.ledger import checks as ledger_checks


def run(*, slug: str, as_json: bool, stdout: TextIO) -> int:
    coop = Cooperative.objects.filter(slug=slug).first()
    if coop is None:
        raise SystemExit(f"No co-op with the short name {slug!r}.")
    data = report.health(coop=coop)
    data["budget"] = budget_data(budget_report(coop=coop, member=None), coop.currency)
    problems = ledger_checks.books_check(coop=coop)
    # The same verdict as `fourfold check`; the report is read, not scripted, so it exits 0.
    data["books"] = {"sound": not problems, "problems": problems}
    if as_json:
        stdout.write(json.dumps(data, indent=2) + "\n")
    else:
        stdout.write(report.as_text(data, coop.name))
        stdout.write("\n" + report.budget_text(data["budget"]))
        stdout.write("\n" + books_lines(coop=coop, problems=problems))
    return 0
