"""Files an installation makes for itself once, such as its keys."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path


def file_kept(path: Path, make: Callable[[], str]) -> str:
    """The text of ``path``; if there is none yet, ``make()``'s, written there readable by
    the owner only (0600)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside, then linked into place: two processes starting at once agree on one
        # file, and neither ever reads a half-written one.
        draft = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(make())
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()
