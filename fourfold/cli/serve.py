"""``fourfold serve``: gunicorn in front, whitenoise for static files, and the background
worker beside them unless it runs apart."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from gunicorn.app.base import BaseApplication

from fourfold.cli.worker import WorkerSupervisor, repeating_tasks_queue, worker_command
from fourfold.lib.health import pending_migrations


def _static_sources_newest() -> float:
    newest = 0.0
    for finder in get_finders():
        for path, storage in finder.list([]):
            newest = max(newest, Path(storage.path(path)).stat().st_mtime)
    return newest


def collect_static_if_needed(stdout: TextIO) -> None:
    if settings.STATIC_ROOT is None:  # the tests' settings: nothing is collected
        return
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.exists() and manifest.stat().st_mtime >= _static_sources_newest():
        return
    stdout.write("Collecting static files…\n")
    call_command("collectstatic", interactive=False, verbosity=0)


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


def run(*, host: str, port: int, workers: int, stdout: TextIO, worker: bool = True) -> int:
    pending = pending_migrations()
    if pending:
        raise SystemExit(
            f"The database needs {len(pending)} migration(s) first: run `fourfold manage migrate`."
        )
    try:
        collect_static_if_needed(stdout)
    except CommandError as error:
        raise SystemExit(f"Could not collect static files: {error}") from error
    supervisor = None
    if worker:
        repeating_tasks_queue()
        supervisor = WorkerSupervisor(command=worker_command(), stdout=stdout)
    # Forked workers must not share the master's database connection.
    connection.close()
    stdout.write(f"Serving fourfold on http://{host}:{port}/ (Ctrl-C to stop)\n")
    if supervisor is not None:
        stdout.write("The background worker runs beside it (--no-worker to run it apart)\n")
        supervisor.start()
    stdout.flush()
    try:
        _Gunicorn(gunicorn_options(host=host, port=port, workers=workers)).run()
    finally:
        if supervisor is not None:
            supervisor.stop()
    return 0


# A Unix socket's path holds at most 108 bytes on Linux (104 on macOS).
_SOCKET_PATH_MAX = 100


def gunicorn_options(*, host: str, port: int, workers: int) -> dict:
    """gunicorn's settings. The control socket lives in this installation's data directory:
    gunicorn's default (~/.gunicorn/gunicorn.ctl) is one file for every instance on the
    machine, so a second one would take over the first one's. The request limits sit above
    the API's own (fourfold.api.middleware), which answers in JSON; only beyond these does
    gunicorn answer with its plain 400."""
    control = Path(settings.DATA_DIR) / "gunicorn.ctl"
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": 4,
        "accesslog": "-",
        "timeout": 60,
        "limit_request_line": 8190,
        "limit_request_fields": 100,
        "limit_request_field_size": 8190,
    }
    if len(str(control).encode()) <= _SOCKET_PATH_MAX:
        control.parent.mkdir(parents=True, exist_ok=True)
        options["control_socket"] = str(control)
    else:
        # Too long a path for a socket: better no control socket than someone else's.
        options["control_socket_disable"] = True
    return options
