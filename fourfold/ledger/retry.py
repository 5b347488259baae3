"""Re-running a database transaction that lost a deadlock or a serialization conflict."""

from __future__ import annotations

import functools
import random
import time

from django.db import OperationalError, connection

# PostgreSQL's SQLSTATEs for "this transaction lost a race; run it again": the database has
# already rolled it back, so running it again from the start is safe. SQLite's "database is
# locked" is a timeout, not one of these, and is never retried here.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})  # deadlock_detected, serialization_failure
ATTEMPTS = 5


def _sqlstate(error: OperationalError) -> str | None:
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)


def is_retryable(error: BaseException) -> bool:
    return isinstance(error, OperationalError) and _sqlstate(error) in RETRYABLE_SQLSTATES


def retry_on_conflict(func):
    """Run ``func`` (which opens its own ``transaction.atomic``) again, up to ``ATTEMPTS``
    times in all, when the database answers with a deadlock or a serialization failure.

    Only the outermost transaction retries: inside an enclosing atomic block the failed
    transaction is the caller's, whose earlier work is lost too, so the error goes up to
    whoever opened it (a retrying caller runs the whole of it again).
    """

    @functools.wraps(func)
    def run(*args, **kwargs):
        if connection.in_atomic_block:
            return func(*args, **kwargs)
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return func(*args, **kwargs)
            except OperationalError as error:
                if attempt == ATTEMPTS or not is_retryable(error):
                    raise
            # A short random pause, growing with each attempt, so the losers do not meet again
            # in the same order at the same instant.
            time.sleep(random.uniform(0, 0.02 * 2**attempt))
        raise AssertionError("unreachable")

    return run
