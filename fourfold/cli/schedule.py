"""``fourfold schedule <slug> --weeks N``: plan batches and the rotation from the shell."""

from __future__ import annotations

from typing import TextIO

from fourfold.coops.models import Cooperative
from fourfold.errors import FourfoldError
from fourfold.workflows import production as production_flow


def run(*, slug: str, weeks: int, stdout: TextIO) -> int:
    coop = Cooperative.objects.filter(slug=slug).first()
    if coop is None:
        raise SystemExit(f"No co-op with the short name {slug!r}.")
    try:
        result = production_flow.batches_plan(coop=coop, weeks=weeks, by=None)
    except FourfoldError as error:
        raise SystemExit(error.detail) from error
    stdout.write(
        f"{coop.name}: {len(result.created)} new batch(es), {result.assigned} place(s) "
        f"assigned ({result.changed} changed), {result.back_to_back} back-to-back.\n"
    )
    for place in result.open_places:
        stdout.write(f"  open: {place.reason}\n")
    return 0
