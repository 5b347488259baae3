"""Member pages under load: requests per second of the week, the overview, the dashboard, the
ledger and the decisions page against a bare Django view, served the same way in one run.

    python bench/pages.py [--members 500] [--years 5] [--coops 3] [--seconds 8] [--connections 16]

Builds, through the services, ``--coops`` co-ops of N members with Y years of weekly batches
(planned, bought for, recorded made) and the coming weeks planned, with one reader who is a
member of all of them and has an open proposal to vote on in each, in the database named by
DATABASE_URL (default: a throw-away SQLite file). Counts each page's queries in process, then
serves fourfold with gunicorn (fourfold serve's own worker settings, access log off) and drives
each page with wrk (Debian's package) as the logged-in reader: the bare view first and last,
their mean the baseline. Prints requests per second, latencies and each page's share of the
bare view's rate; asserts nothing about time (the machines here are shared and noisy).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wrk(url: str, cookie: str, *, seconds: int, connections: int) -> dict[str, str]:
    result = subprocess.run(
        [
            "wrk",
            f"-t{min(connections, 2)}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-H",
            f"Cookie: {cookie}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    out = result.stdout
    if "Non-2xx or 3xx responses" in out:
        raise SystemExit(f"{url} answered with errors under load:\n{out}")
    latency = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)$", out, re.MULTILINE))
    return {
        "rps": re.search(r"Requests/sec:\s+([\d.]+)", out).group(1),
        "p50": latency.get("50", "?"),
        "p90": latency.get("90", "?"),
        "p99": latency.get("99", "?"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--coops", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("bench/pages.py needs wrk: apt-get install wrk")
    if "DATABASE_URL" not in os.environ:
        os.environ["FOURFOLD_DATA_DIR"] = tempfile.mkdtemp(prefix="fourfold-bench-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.serve_settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from bench.history import coop_with_members, weeks_made
    from fourfold.accounts.models import User
    from fourfold.cli.serve import gunicorn_options
    from fourfold.coops.selectors import coop_today
    from fourfold.workflows import decisions
    from fourfold.workflows import production as production_flow

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    rng = random.Random(19)
    stamp = int(time.time())
    reader = User.objects.create_user(f"bench-reader-{stamp}", f"reader-{stamp}@bench.example")
    weeks = 52 * args.years
    built = time.perf_counter()
    coops = []
    for index in range(args.coops):
        tag = f"bench-pages{args.members}-{stamp}-{index}"
        since = timezone.now().date() - timedelta(weeks=weeks + 1)
        coop, users = coop_with_members(
            tag=tag, members=args.members, since=since, rng=rng, also=[reader]
        )
        today = coop_today(coop)
        weeks_made(
            coop, first=today - timedelta(weeks=weeks), weeks=weeks, rng=rng, members=args.members
        )
        production_flow.batches_plan(coop=coop, weeks=2, by=None, today=today)
        decisions.proposal_open(
            coop=coop, by=users[1], kind="general", title="Buy a second fridge", body=""
        )
        coops.append(coop)
        print(
            f"  co-op {index + 1} of {args.coops} built ({time.perf_counter() - built:.0f} s)",
            file=sys.stderr,
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    slug = coops[0].slug
    pages = {
        "week": reverse("web:week"),
        "overview": reverse("web:coop_detail", args=[slug]),
        "dashboard": reverse("web:dashboard", args=[slug]),
        "ledger": reverse("web:ledger", args=[slug]),
        "decisions": reverse("web:decisions", args=[slug]),
    }
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(reader)
    queries = {}
    for name, path in pages.items():
        client.get(path)  # the first view of a page may fill what later views reuse
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        queries[name] = len(captured)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    connection.close()

    port = _free_port()
    options = gunicorn_options(host="127.0.0.1", port=port, workers=args.workers)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "fourfold.wsgi:application",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--worker-class",
            options["worker_class"],
            "--threads",
            str(options["threads"]),
            "--timeout",
            str(options["timeout"]),
        ],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/bench/bare/").close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit(
                        f"gunicorn did not start: {server.stderr.read().decode()}"
                    ) from None
                time.sleep(0.3)
        load = {"seconds": args.seconds, "connections": args.connections}
        first_bare = _wrk(f"{base}/bench/bare/", cookie, **load)
        figures = {name: _wrk(f"{base}{path}", cookie, **load) for name, path in pages.items()}
        last_bare = _wrk(f"{base}/bench/bare/", cookie, **load)
    finally:
        server.terminate()
        server.wait(30)
    bare = (float(first_bare["rps"]) + float(last_bare["rps"])) / 2
    print(f"database      {connection.vendor}")
    print(
        f"data          {args.coops} co-ops of {args.members} members, {weeks} weekly batches "
        f"each (built in {time.perf_counter() - built:.0f} s); the reader is in all of them"
    )
    print(
        f"load          wrk, {args.connections} connections, {args.seconds} s per page, gunicorn "
        f"{args.workers} workers x {options['threads']} threads"
    )
    print(
        f"bare view     {bare:.0f} requests/s (first {first_bare['rps']}, last {last_bare['rps']})"
    )
    for name, figure in figures.items():
        share = float(figure["rps"]) / bare
        print(
            f"{name:<13} {float(figure['rps']):7.0f} requests/s  {share:6.1%} of bare  "
            f"p50 {figure['p50']:>8}  p90 {figure['p90']:>8}  p99 {figure['p99']:>8}  "
            f"{queries[name]} queries"
        )
    print("targets       the week 40 % of bare (#15), every member page 25 % (#19)")


if __name__ == "__main__":
    main()
