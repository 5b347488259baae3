"""Django's ``flush``, able to empty the append-only ledger on SQLite too.

PostgreSQL empties tables with TRUNCATE, which its row triggers on the ledger do not see.
SQLite empties them with DELETE, which the ledger's triggers refuse (migration ledger 0005):
so there, and only for the flush's own transaction, the triggers are dropped before the
DELETEs and created again after them. Were anything to fail, the rollback restores them.
"""

from __future__ import annotations

from unittest import mock

from django.core.management.commands import flush
from django.db import connections

APPEND_ONLY = "%\\_append\\_only\\_%"


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options["database"]]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        original = connection.ops.execute_sql_flush

        def execute_sql_flush(sql_list):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                    "AND name LIKE %s ESCAPE '\\'",
                    [APPEND_ONLY],
                )
                triggers = cursor.fetchall()
            lift = [f'DROP TRIGGER "{name}";' for name, _sql in triggers]
            # execute_sql_flush runs every statement in one transaction.
            return original([*lift, *sql_list, *(f"{sql};" for _name, sql in triggers)])

        # This connection's own flush, for this command only: the original is back on the way out.
        with mock.patch.object(connection.ops, "execute_sql_flush", execute_sql_flush):
            return super().handle(**options)
