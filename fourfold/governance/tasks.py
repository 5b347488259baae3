"""The governance domain's own background task: the daily facilitator planning. Closing
proposals crosses domains, so it lives in fourfold.workflows.tasks."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import TaskResultStatus, task

from fourfold.coops.selectors import coop_today, coops_with_active_members
from fourfold.governance import facilitators

FACILITATORS_EVERY = timedelta(days=1)


def facilitators_plan_all(*, now: datetime | None = None) -> int:
    """Plan the coming months' facilitators of every co-op with an active member; how many
    co-ops it planned (idempotent: a month already given keeps its facilitator)."""
    now = now or timezone.now()
    coops = coops_with_active_members()
    count = 0
    for coop in coops:
        facilitators.facilitators_plan(coop=coop, today=coop_today(coop, now=now))
        count += 1
    return count


@task()
def plan_facilitators_daily() -> int:
    """Plan the facilitators, then come back tomorrow (a new month is planned before it
    starts, and a co-op founded today has its facilitator by tomorrow at the latest)."""
    now = timezone.now()
    try:
        return facilitators_plan_all(now=now)
    finally:
        schedule_facilitators(run_after=now + FACILITATORS_EVERY)


def _facilitators_scheduled() -> bool:
    from django_tasks_db.backend import DatabaseBackend

    if not isinstance(plan_facilitators_daily.get_backend(), DatabaseBackend):
        return False
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=plan_facilitators_daily.module_path, status=TaskResultStatus.READY
    ).exists()


def schedule_facilitators(*, run_after: datetime | None = None) -> bool:
    """Queue the daily facilitator planner unless it is queued; ``True`` if this call did."""
    if _facilitators_scheduled():
        return False
    plan_facilitators_daily.using(run_after=run_after or timezone.now()).enqueue()
    return True
