"""A co-op moves between two installations, run as a user runs ``fourfold``: in subprocesses,
each with its own SQLite database."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

FOURFOLD = [sys.executable, "-m", "fourfold"]


def run(args: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*FOURFOLD, *args], env=env, capture_output=True, text=True, timeout=180, **kwargs
    )


@pytest.fixture
def installations(tmp_path) -> tuple[dict, dict]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DEBUG", "FOURFOLD_HTTPS"}
    }
    here = {**base, "FOURFOLD_DATA_DIR": str(tmp_path / "here")}
    # The other one names its database by URL, as an installation that moved would.
    there = {
        **base,
        "FOURFOLD_DATA_DIR": str(tmp_path / "there"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'there.sqlite3'}",
    }
    return here, there


def test_the_demo_coop_moves_to_another_database_and_exports_the_same_bytes(
    installations, tmp_path
):
    here, there = installations
    built = run(["demo", "--no-serve"], here)
    assert built.returncode == 0, built.stderr
    exported = run(["export", "somerville"], here)
    assert exported.returncode == 0, exported.stderr
    document = tmp_path / "somerville.json"
    document.write_text(exported.stdout)

    refused = run(["import", str(document)], there)
    assert refused.returncode != 0
    assert "migration(s) first" in refused.stderr
    migrated = run(["manage", "migrate", "--verbosity", "0"], there)
    assert migrated.returncode == 0, migrated.stderr

    imported = run(["import", str(document)], there)
    assert imported.returncode == 0, imported.stderr
    assert "Imported Somerville Yogurt Cooperative as somerville" in imported.stdout
    assert (tmp_path / "there.sqlite3").exists()

    again = run(["export", "somerville"], there)
    assert again.returncode == 0, again.stderr
    assert again.stdout == exported.stdout

    # From stdin, a second time: the short name is taken now.
    twice = run(["import", "-"], there, input=exported.stdout)
    assert twice.returncode != 0
    assert "exists; import it under another" in twice.stderr
