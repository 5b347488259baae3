from django.db import migrations

# The SQLite twin of 0002: the database itself refuses to change posted money, whatever code
# (or a sqlite3 shell) runs. Accounts stay writable: their running totals move with every
# posting. Emptying the whole database (`manage flush`, and test teardown) lifts these for its
# one transaction, as TRUNCATE passes PostgreSQL's row triggers (fourfold/cli's flush).
#
# SQLite drops a table's triggers when a migration rebuilds the table (most AlterField and
# some AddField operations do): such a migration must create these again. The tests that
# try a raw UPDATE and DELETE on a fully migrated database catch a forgotten one.
TABLES = ("ledger_transaction", "ledger_leg")
OPERATIONS = ("UPDATE", "DELETE")

CREATE = [
    f"CREATE TRIGGER {table}_append_only_{operation.lower()} BEFORE {operation} ON {table} "
    f"BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: {operation} on {table} refused; "
    f"post a reversal'); END;"
    for table in TABLES
    for operation in OPERATIONS
]
DROP = [
    f"DROP TRIGGER IF EXISTS {table}_append_only_{operation.lower()};"
    for table in TABLES
    for operation in OPERATIONS
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in CREATE:
            schema_editor.execute(statement, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in DROP:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0004_transaction_approval")]

    operations = [migrations.RunPython(create, drop)]
