"""``fourfold serve`` runs the background worker beside it, and brings it back if it dies."""

import io
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from fourfold.cli.tests.test_cli import FOURFOLD, _free_port, run
from fourfold.cli.worker import WorkerSupervisor

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``, from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # it ended while we looked
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_for(condition, seconds: float = 30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_a_worker_that_dies_is_started_again_and_stopping_ends_it():
    out = io.StringIO()
    supervisor = WorkerSupervisor(command=SLEEPER, stdout=out, first_delay=0.05)
    supervisor.start()
    try:
        first = _wait_for(lambda: supervisor.pid)
        os.kill(first, signal.SIGKILL)
        second = _wait_for(lambda: supervisor.pid if supervisor.pid != first else None)
        assert _alive(second)
        assert supervisor.restarts == 1
        assert "The background worker stopped (exit -9)" in out.getvalue()
    finally:
        supervisor.stop()
    assert not _alive(second)


def test_a_worker_that_keeps_failing_waits_longer_each_time():
    out = io.StringIO()
    failing = [sys.executable, "-c", "raise SystemExit(3)"]
    supervisor = WorkerSupervisor(command=failing, stdout=out, first_delay=0.05, max_delay=0.2)
    supervisor.start()
    try:
        _wait_for(lambda: supervisor.restarts >= 3)
    finally:
        supervisor.stop()
    waits = [line.split(" in ")[1] for line in out.getvalue().splitlines()]
    assert waits[:3] == ["0 s", "0 s", "0 s"]  # 0.1, 0.2, 0.2 s, printed whole
    assert "exit 3" in out.getvalue()


def test_serve_starts_the_worker_brings_it_back_and_stops_it(fresh_env):
    assert run(["manage", "migrate", "--noinput"], fresh_env).returncode == 0
    port = _free_port()
    server = subprocess.Popen(
        [*FOURFOLD, "serve", "--port", str(port), "--workers", "1"],
        env=fresh_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )

    def workers() -> list[int]:
        return [
            pid
            for pid in _children(server.pid)
            if b"db_worker" in Path(f"/proc/{pid}/cmdline").read_bytes() and _alive(pid)
        ]

    try:
        _wait_for(lambda: _serves(port), 60)
        first = _wait_for(workers)[0]
        os.kill(first, signal.SIGKILL)
        second = _wait_for(lambda: [pid for pid in workers() if pid != first])[0]
        assert second != first
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "The background worker runs beside it" in output
    assert "starting it again" in output
    assert not _alive(second)


def test_serve_without_the_worker_starts_none(fresh_env):
    assert run(["manage", "migrate", "--noinput"], fresh_env).returncode == 0
    port = _free_port()
    server = subprocess.Popen(
        [*FOURFOLD, "serve", "--port", str(port), "--workers", "1", "--no-worker"],
        env=fresh_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_for(lambda: _serves(port), 60)
        time.sleep(1)
        commands = [Path(f"/proc/{pid}/cmdline").read_bytes() for pid in _children(server.pid)]
        assert not [command for command in commands if b"db_worker" in command]
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "background worker" not in output


def _serves(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as response:
            return response.status == 200
    except OSError:
        return False
