"""``fourfold serve``: gunicorn in front, whitenoise for static files."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from gunicorn.app.base import BaseApplication


def _static_sources_newest() -> float:
    newest = 0.0
    for finder in get_finders():
        for path, storage in finder.list([]):
            newest = max(newest, Path(storage.path(path)).stat().st_mtime)
    return newest


def collect_static_if_needed(stdout: TextIO) -> None:
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.exists() and manifest.stat().st_mtime >= _static_sources_newest():
        return
    stdout.write("Collecting static files…\n")
    call_command("collectstatic", interactive=False, verbosity=0)


def pending_migrations() -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from fourfold.wsgi import application

        return application


def run(*, host: str, port: int, workers: int, stdout: TextIO) -> int:
    pending = pending_migrations()
    if pending:
        raise SystemExit(
            f"The database needs {len(pending)} migration(s) first: run `fourfold manage migrate`."
        )
    try:
        collect_static_if_needed(stdout)
    except CommandError as error:
        raise SystemExit(f"Could not collect static files: {error}") from error
    # Forked workers must not share the master's database connection.
    connection.close()
    stdout.write(f"Serving fourfold on http://{host}:{port}/ (Ctrl-C to stop)\n")
    stdout.flush()
    _Gunicorn(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "worker_class": "gthread",
            "threads": 4,
            "accesslog": "-",
            "timeout": 60,
        }
    ).run()
    return 0
