import os

import pytest


@pytest.fixture
def fresh_env(tmp_path):
    """The environment of a user who runs ``fourfold`` with their own data directory."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DEBUG", "FOURFOLD_HTTPS"}
    }
    env["FOURFOLD_DATA_DIR"] = str(tmp_path / "data")
    return env
