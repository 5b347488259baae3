"""``fourfold report <slug> [--json]``."""

from __future__ import annotations

import json
from typing import TextIO

from fourfold.coops.models import Cooperative
from fourfold.insights import report


def run(*, slug: str, as_json: bool, stdout: TextIO) -> int:
    coop = Cooperative.objects.filter(slug=slug).first()
    if coop is None:
        raise SystemExit(f"No co-op with the short name {slug!r}.")
    data = report.health(coop=coop)
    if as_json:
        stdout.write(json.dumps(data, indent=2) + "\n")
    else:
        stdout.write(report.as_text(data, coop.name))
    return 0
