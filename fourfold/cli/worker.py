"""The background worker beside ``fourfold serve``: one process, brought back when it dies.

On one machine nobody should have to run cron or a second service for proposals to close at
their deadline, reminders and notifications to go out and recurring entries to be entered: the
server starts the worker, watches it, and stops it when it stops.
"""

from __future__ import annotations

import ctypes
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from typing import TextIO

from fourfold.governance.tasks import schedule_facilitators
from fourfold.reminders.tasks import schedule as schedule_reminders

# A worker that lived this long had started fine: the next restart waits only a moment again.
_HEALTHY_AFTER = 60.0
_PR_SET_PDEATHSIG = 1


def worker_command() -> list[str]:
    return [sys.executable, "-m", "fourfold", "manage", "db_worker", "--no-reload"]


def repeating_tasks_queue() -> None:
    """Queue the repeating rounds (reminders hourly, facilitators daily) unless they wait in
    the queue already: each then queues its next run itself."""
    schedule_reminders()
    schedule_facilitators()


def _die_with_parent() -> None:
    """In the worker, just before it starts: the kernel ends it if the server is killed
    outright (SIGKILL leaves no time to stop it), so no orphan keeps working alone."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class WorkerSupervisor:
    """Starts ``command`` and starts it again whenever it exits, waiting a little longer after
    each quick failure (up to ``max_delay``) so a worker that cannot start does not spin."""

    def __init__(
        self,
        *,
        command: Sequence[str],
        stdout: TextIO,
        first_delay: float = 1.0,
        max_delay: float = 30.0,
    ) -> None:
        self.command = list(command)
        self.stdout = stdout
        self.first_delay = first_delay
        self.max_delay = max_delay
        self.restarts = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="worker-supervisor", daemon=True)

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def start(self) -> None:
        self._thread.start()

    def _spawn(self) -> subprocess.Popen[bytes]:
        # Spawned from the watching thread, which lives as long as the server: the kernel's
        # parent-death signal follows the thread that started the child.
        # Its own session: a Ctrl-C at the terminal reaches the server, which stops the worker
        # in turn, instead of the worker dying first and being started again.
        return subprocess.Popen(  # noqa: S603 - our own program, its arguments fixed
            self.command,
            start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )

    def _watch(self) -> None:
        delay = self.first_delay
        while not self._stopping.is_set():
            started = time.monotonic()
            self._process = self._spawn()
            while self._process.poll() is None:
                if self._stopping.wait(0.5):
                    return
            if self._stopping.is_set():
                return
            lived = time.monotonic() - started
            delay = self.first_delay if lived >= _HEALTHY_AFTER else min(delay * 2, self.max_delay)
            self.stdout.write(
                f"The background worker stopped (exit {self._process.returncode}); "
                f"starting it again in {delay:.0f} s\n"
            )
            self.stdout.flush()
            if self._stopping.wait(delay):
                return
            self.restarts += 1

    def stop(self, timeout: float = 10.0) -> None:
        """Stop watching, then end the worker: politely, then for good."""
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout)
        process = self._process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout)
