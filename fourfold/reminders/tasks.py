from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import TaskResultStatus, task

from fourfold.coops.models import Cooperative
from fourfold.reminders import services

EVERY = timedelta(hours=1)


@task()
def send_reminders_hourly() -> int:
    """The hourly round: recurring costs enter the periods now due, entries that waited too
    long for consent lapse, then the reminders that are due go out; then it comes back in an
    hour (idempotent)."""
    now = timezone.now()
    try:
        return services.round_run(now=now).sent
    finally:
        # Also after a failure: a reminder missed now is sent next hour.
        schedule(run_after=now + EVERY)


@task()
def notifications_send(coop_id: int, kind: str, subject: str) -> int:
    """The e-mails and pushes of one event's notifications, sent by the worker rather than in
    the member's request; returns how many e-mails and pushes went out. Running it again
    sends nothing twice."""
    coop = Cooperative.objects.filter(pk=coop_id).first()
    if coop is None:  # deleted since: its notifications went with it
        return 0
    done = services.notifications_deliver(coop=coop, kind=kind, subject=subject)
    return done.emailed + done.pushed


def _already_scheduled() -> bool:
    """Whether the next run waits in the database queue already, so that starting the hourly
    sender twice does not make two chains (which would still never send twice)."""
    from django_tasks_db.backend import DatabaseBackend

    if not isinstance(send_reminders_hourly.get_backend(), DatabaseBackend):
        return False
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=send_reminders_hourly.module_path, status=TaskResultStatus.READY
    ).exists()


def schedule(*, run_after: datetime | None = None) -> bool:
    """Queue the hourly sender unless it is queued; ``True`` if this call queued it."""
    if _already_scheduled():
        return False
    send_reminders_hourly.using(run_after=run_after or timezone.now()).enqueue()
    return True
