"""``fourfold export <slug>`` and ``fourfold import <file> [--as <slug>]``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO

from fourfold.coops.models import Cooperative
from fourfold.errors import Conflict, FourfoldError
from fourfold.portability import export
from fourfold.workflows import portability as import_flow


def _require_migrated() -> None:
    from fourfold.lib.health import pending_migrations

    pending = pending_migrations()
    if pending:
        raise SystemExit(
            f"The database needs {len(pending)} migration(s) first: run `fourfold manage migrate`."
        )


def dumps(data: dict) -> str:
    """The document as the command writes it: keys sorted, so the same co-op gives the same
    bytes."""
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def run_export(*, slug: str, stdout: TextIO) -> int:
    _require_migrated()
    coop = Cooperative.objects.filter(slug=slug).first()
    if coop is None:
        raise SystemExit(f"No co-op with the short name {slug!r}.")
    try:
        document = export.export_coop(coop=coop)
    except FourfoldError as error:
        raise SystemExit(error.detail) from error
    stdout.write(dumps(document))
    return 0


def run_import(*, path: str, slug: str | None, stdin: TextIO, stdout: TextIO) -> int:
    _require_migrated()
    try:
        text = stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise SystemExit(f"Cannot read {path}: {error.strerror or error}.") from error
    except UnicodeDecodeError as error:
        raise SystemExit(
            f"{path} is not UTF-8 text (byte {error.start} cannot be read): "
            "an export is UTF-8 JSON."
        ) from error
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise SystemExit(f"{path} is not JSON: {error}.") from error
    except RecursionError as error:
        raise SystemExit(f"{path} is nested too deeply to be a fourfold export.") from error
    try:
        coop = import_flow.import_coop(data, slug=slug)
    except Conflict as error:
        raise SystemExit(f"{error.detail} (use --as NEW-SLUG)") from error
    except FourfoldError as error:
        raise SystemExit(error.detail) from error
    ledger = data.get("ledger") or {}
    stdout.write(
        f"Imported {coop.name} as {coop.slug}: {len(data.get('memberships') or [])} member(s), "
        f"{len(data.get('batches') or [])} batch(es), "
        f"{len(ledger.get('transactions') or [])} transaction(s), "
        f"{len(data.get('proposals') or [])} proposal(s).\n"
    )
    return 0
