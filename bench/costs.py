"""Costs-over-time benchmark: recording a batch made while spread purchases and recurring
costs are live, in a large co-op with years of history (issue #14).

    python bench/costs.py [--members 500] [--years 5] [--spreads 20] [--recurring 4]

Builds, through the services, a co-op of N members with standing shares and Y years of weekly
batches (each week: plan, buy the milk for the batch, record it made), in the database named by
DATABASE_URL (default: a throw-away SQLite file). Then, on the real code path, times recording
a batch made twice in the same run: first as the baseline, with only the batch's own cost;
then with the spread purchases and the recurring costs live, so that every batch made also
carries a part of each spread and the recurring periods waiting. Prints medians, p95s, the
ratio and the query counts; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--spreads", type=int, default=20)
    parser.add_argument("--recurring", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--weeks", type=int, help="history length in weeks (instead of --years)")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile the last measured batch: its slowest functions and queries",
    )
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        os.environ["FOURFOLD_DATA_DIR"] = tempfile.mkdtemp(prefix="fourfold-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fourfold.settings")
    import django

    django.setup()
    import time_machine
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from bench.history import batch_bought_for, batch_made, coop_with_members
    from fourfold.coops.selectors import coop_today
    from fourfold.ledger import recurring
    from fourfold.ledger.models import Transaction
    from fourfold.workflows import money as money_flow

    call_command("migrate", verbosity=0)
    rng = random.Random(14)
    tag = f"bench-costs{args.members}-{int(time.time())}"
    weeks = args.weeks if args.weeks is not None else 52 * args.years
    start = timezone.now().date() - timedelta(weeks=weeks)
    coop, users = coop_with_members(tag=tag, members=args.members, since=start, rng=rng)
    today = coop_today(coop)
    buyer = users[0]

    def week(day, queries: list[int] | None = None, profile: bool = False) -> float:
        batch, producer = batch_bought_for(coop, day, rng)
        profiler = cProfile.Profile() if profile else None
        # The query log keeps 9,000 queries: emptied first, so that the count is this batch's.
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            begin = time.perf_counter()
            if profiler is not None:
                profiler.enable()
            batch_made(batch, producer, rng, args.members)
            if profiler is not None:
                profiler.disable()
            took = time.perf_counter() - begin
        if profiler is not None:
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
            slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:12]
            for query in slowest:
                print(
                    f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:150]}",
                    file=sys.stderr,
                )
        if queries is not None:
            queries.append(len(captured))
        return took

    built = time.perf_counter()
    # The history ends 2 * repeat weeks before today: the baseline's weeks follow it, then the
    # spreads and the recurring costs start, then the measured weeks run up to today.
    history_end = today - timedelta(weeks=2 * args.repeat)
    for index in range(weeks, 0, -1):
        week(history_end - timedelta(weeks=index))
        if index % 52 == 0:
            print(
                f"  {weeks - index} weeks built ({time.perf_counter() - built:.0f} s)",
                file=sys.stderr,
            )
    building = time.perf_counter() - built
    if connection.vendor == "postgresql":
        # A freshly filled PostgreSQL has no planner statistics until analysed.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    baseline_queries: list[int] = []
    baseline = [
        week(history_end + timedelta(weeks=i), baseline_queries) for i in range(args.repeat)
    ]
    costs_start = history_end + timedelta(weeks=args.repeat)
    with time_machine.travel(f"{costs_start.isoformat()} 08:00Z", tick=False):
        for index in range(args.spreads):
            money_flow.entry_record(
                coop=coop,
                entered_by=buyer,
                kind="expense",
                amount=f"{rng.randint(100, 2000)}.{rng.randint(0, 99):02d}",
                category="equipment",
                supplier="Hardware store",
                description=f"Equipment {index + 1}",
                confirm_large=True,
                spread={"batches": 52} if index % 2 else {"months": 24},
            )
        for index in range(args.recurring):
            recurring.recurring_create(
                coop=coop,
                by=buyer,
                amount=f"{rng.randint(40, 400)}.00",
                category="space",
                cadence="monthly on the 1st",
                starts=costs_start - timedelta(days=120),
                payer=buyer,
                description=f"Regular cost {index + 1}",
                confirm_large=True,
            )
        recurring.recurring_due()
    spreads = Transaction.objects.filter(coop=coop, spread__isnull=False).count()
    measured_queries: list[int] = []
    measured = []
    for i in range(args.repeat):
        day = costs_start + timedelta(weeks=i)
        with time_machine.travel(f"{day.isoformat()} 06:00Z", tick=False):
            recurring.recurring_due()
        measured.append(week(day, measured_queries, profile=args.profile and i == args.repeat - 1))
    ratio = statistics.median(measured) / statistics.median(baseline)
    print(f"database              {connection.vendor}")
    print(f"members               {args.members}")
    print(f"batches               {weeks} weekly (built through services in {building:.0f} s)")
    print(
        f"baseline record made  {statistics.median(baseline) * 1000:.1f} ms median, "
        f"p95 {_p95(baseline) * 1000:.1f} ms, {max(baseline_queries)} queries "
        "(the batch's own cost only)"
    )
    print(
        f"with costs over time  {statistics.median(measured) * 1000:.1f} ms median, "
        f"p95 {_p95(measured) * 1000:.1f} ms, {max(measured_queries)} queries "
        f"({spreads} spreads and {args.recurring} recurring costs live)"
    )
    print(f"ratio                 {ratio:.2f}x the baseline (target: under 100 ms median)")


if __name__ == "__main__":
    main()
