"""The ``fourfold`` command (also ``python -m fourfold``)."""

from __future__ import annotations

import argparse
import os
import sys


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fourfold.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as error:
        # A setting from the environment is wrong: say which, in one line.
        raise SystemExit(f"fourfold: {error}") from None


def _require_database() -> None:
    """Connect once before any command runs: an unreachable or misspelt database is one line
    naming it, not a traceback from deep inside a query."""
    from django.db import DatabaseError, connection

    try:
        connection.ensure_connection()
    except DatabaseError as error:
        settings = connection.settings_dict
        where = settings["NAME"]
        if settings.get("HOST"):
            where = f"{settings['HOST']}:{settings.get('PORT') or 'default port'}/{where}"
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise SystemExit(
            f"fourfold: cannot reach the database {where} (from DATABASE_URL): {reason}"
        ) from None


def _add_serve_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    parser.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("WEB_CONCURRENCY", "2")),
        help="gunicorn worker processes (default: $WEB_CONCURRENCY or 2)",
    )
    parser.add_argument(
        "--no-worker",
        dest="worker",
        action="store_false",
        help="do not start the background worker (proposal deadlines, reminders, recurring "
        "entries) beside the server: for installations that run `fourfold manage db_worker` "
        "apart",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fourfold",
        description="Run a community cooperative where every member produces, funds, manages "
        "and consumes. Settings come from the environment: DATABASE_URL, FOURFOLD_SECRET_KEY, "
        "DEBUG, ALLOWED_HOSTS, FOURFOLD_HTTPS.",
    )
    commands = parser.add_subparsers(dest="command", metavar="<command>", required=True)

    demo = commands.add_parser(
        "demo",
        help="build the demo co-op (Somerville Yogurt Cooperative) and serve it",
        description="Migrate the database, build the demo co-op (or reuse it if it is there) "
        "and serve it.",
    )
    demo.add_argument("--no-serve", action="store_true", help="build the demo, then stop")
    _add_serve_options(demo)

    serve = commands.add_parser(
        "serve",
        help="serve fourfold with gunicorn",
        description="Serve fourfold with gunicorn; static files are "
        "collected first when they changed.",
    )
    _add_serve_options(serve)

    schedule = commands.add_parser(
        "schedule",
        help="plan a co-op's batches and assign producers by the fair rotation",
        description="Plan the next N weeks of batches from the co-op's cadence and assign "
        "producers. Idempotent: done and locked shifts never move.",
    )
    schedule.add_argument("slug", help="the co-op's short name, e.g. somerville")
    schedule.add_argument("--weeks", type=int, default=8, help="weeks ahead (default: 8)")

    report = commands.add_parser(
        "report",
        help="a co-op's principles audit and economics",
        description="The principles audit (holds / at risk / broken / not yet measured, with "
        "the figure behind each) and the economics of a co-op.",
    )
    report.add_argument("slug", help="the co-op's short name, e.g. somerville")
    report.add_argument("--json", action="store_true", help="print JSON instead of text")

    check = commands.add_parser(
        "check",
        help="check a co-op's books; exits 1 naming what is wrong",
        description="Verify the co-op's books as the database holds them: every "
        "transaction's legs sum to zero, every account's total equals the sum of its legs, "
        "nothing is reversed twice, the pool never fell below zero. Prints one OK line, or "
        "each problem and exits 1.",
    )
    check.add_argument("slug", help="the co-op's short name, e.g. somerville")

    export = commands.add_parser(
        "export",
        help="write a whole co-op as versioned JSON to stdout",
        description="Write the co-op (rules, members, batches, shifts, shares, ledger, "
        "proposals and votes) as one versioned JSON document to stdout. People are named by "
        "username; no password or token is written.",
    )
    export.add_argument("slug", help="the co-op's short name, e.g. somerville")

    import_ = commands.add_parser(
        "import",
        help="restore a co-op from a `fourfold export` file",
        description="Restore a co-op written by `fourfold export`, all or nothing. Unknown "
        "usernames become new users without a password (they reset it by e-mail).",
    )
    import_.add_argument("file", help="the export file, or - for stdin")
    import_.add_argument(
        "--as",
        dest="as_slug",
        metavar="NEW-SLUG",
        help="import under this short name instead of the exported one",
    )

    commands.add_parser(
        "manage",
        help="run any Django management command, e.g. `fourfold manage migrate`",
        add_help=False,
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["manage"]:
        _setup_django()
        from django.core.management import execute_from_command_line

        execute_from_command_line(["fourfold manage", *argv[1:]])
        return 0

    args = build_parser().parse_args(argv)
    if args.command == "demo":
        # Loading Django and the rotation's solver, migrating and checking the demo take
        # seconds: the first line comes before all of them, so the wait is never silent.
        print("Getting the demo ready: checking the database first...", flush=True)
    _setup_django()
    _require_database()
    from fourfold.cli import demo, serve

    if args.command == "schedule":
        from fourfold.cli.schedule import run as schedule

        return schedule(slug=args.slug, weeks=args.weeks, stdout=sys.stdout)
    if args.command == "report":
        from fourfold.cli.report import run as report

        return report(slug=args.slug, as_json=args.json, stdout=sys.stdout)
    if args.command == "check":
        from fourfold.cli.check import run as check

        return check(slug=args.slug, stdout=sys.stdout)
    if args.command == "export":
        from fourfold.cli.portability import run_export

        return run_export(slug=args.slug, stdout=sys.stdout)
    if args.command == "import":
        from fourfold.cli.portability import run_import

        return run_import(path=args.file, slug=args.as_slug, stdin=sys.stdin, stdout=sys.stdout)
    if args.command == "demo":
        demo.run(stdout=sys.stdout)
        if args.no_serve:
            return 0
    return serve.run(
        host=args.host, port=args.port, workers=args.workers, stdout=sys.stdout, worker=args.worker
    )
