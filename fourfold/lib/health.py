"""Whether this installation can serve: its database answers and holds every migration."""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

_migrated = False


def pending_migrations() -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def health_problem() -> str | None:
    """``None`` when ready, else what is wrong in a word a load balancer's log can show:
    ``database`` (unreachable) or ``migrations`` (pending). Once the migrations are found
    applied, a process does not read the migration graph again: new migrations come with new
    code, which starts new processes."""
    global _migrated
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        if not _migrated:
            _migrated = not pending_migrations()
    except DatabaseError:
        return "database"
    return None if _migrated else "migrations"
