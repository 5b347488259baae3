"""Consumption benchmark: allocating a batch and charging its costs in a large co-op.

    python bench/consumption.py [--members 500] [--years 5]

Builds a co-op of N members with standing shares and Y years of weekly batches through the
services (each week: plan, buy the milk for the batch, record it made, which shares it out and
charges its cost by units), in the database named by DATABASE_URL (default: a throw-away SQLite
file). Then times, on the real code path: recording one more batch made (allocation + cost
posting) and every member's year of cost per unit. Prints figures; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument(
        "--profile", action="store_true", help="print where recording a batch spends its time"
    )
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        os.environ["FOURFOLD_DATA_DIR"] = tempfile.mkdtemp(prefix="fourfold-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fourfold.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fourfold.accounts.models import User
    from fourfold.consumption import selectors
    from fourfold.consumption.models import StandingShare
    from fourfold.coops.models import Membership
    from fourfold.coops.selectors import coop_today
    from fourfold.production.models import Batch, Shift
    from fourfold.testing import CoopFactory
    from fourfold.workflows import money as money_flow
    from fourfold.workflows import production as production_flow

    call_command("migrate", verbosity=0)
    rng = random.Random(7)
    tag = f"bench-c{args.members}-{int(time.time())}"
    coop = CoopFactory(slug=tag, name=tag, target_quantity=args.members * 2, producers_per_batch=4)
    users = User.objects.bulk_create(
        [
            User(username=f"{tag}-m{i}", email=f"{tag}-m{i}@bench.example")
            for i in range(args.members)
        ]
    )
    today = coop_today(coop)
    start = today - timedelta(weeks=52 * args.years)
    Membership.objects.bulk_create([Membership(coop=coop, user=u, joined_on=start) for u in users])
    StandingShare.objects.bulk_create(
        [
            StandingShare(coop=coop, member=u, units=rng.randint(1, 3), updated_at=coop.founded_at)
            for u in users
        ]
    )

    def week(day, measure=False):
        production_flow.batches_plan(coop=coop, weeks=1, by=None, today=day)
        batch = (
            Batch.objects.filter(coop=coop, date__gte=day, status="planned")
            .order_by("date")
            .first()
        )
        producer = Shift.objects.filter(batch=batch).exclude(member=None).first().member
        money_flow.expense_post(
            coop=coop,
            payer=producer,
            amount=Decimal(rng.randint(300, 900)),
            category="ingredients",
            entered_by=producer,
            batch=batch,
            occurred_on=batch.date,
        )
        begin = time.perf_counter()
        production_flow.batch_record_made(
            batch=batch,
            by=producer,
            quantity=rng.randint(args.members, 2 * args.members),
            hours="4",
            today=batch.date,
        )
        return time.perf_counter() - begin

    built = time.perf_counter()
    weeks = 52 * args.years
    for index in range(weeks, 0, -1):
        week(today - timedelta(weeks=index))
        if index % 52 == 0:
            print(
                f"  {weeks - index} weeks built ({time.perf_counter() - built:.0f} s)",
                file=sys.stderr,
            )
    building = time.perf_counter() - built
    if connection.vendor == "postgresql":
        # A live PostgreSQL has planner statistics (autovacuum gathers them); a freshly filled
        # one has none until analysed, and then picks nested loops over everything.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    record_ms = statistics.median(week(today + timedelta(weeks=i)) for i in range(args.repeat))
    if args.profile:
        import cProfile
        import pstats

        with cProfile.Profile() as profile:
            for i in range(args.repeat):
                week(today + timedelta(weeks=args.repeat + i))
        pstats.Stats(profile).sort_stats("tottime").print_stats(30)
        with CaptureQueriesContext(connection) as queries:
            week(today + timedelta(weeks=2 * args.repeat))
        print(f"{len(queries)} queries in one week; the slowest:")
        for query in sorted(queries, key=lambda q: -float(q["time"]))[:12]:
            print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:300]}")
    year_start = today - timedelta(weeks=52)
    samples = []
    for _ in range(args.repeat):
        with CaptureQueriesContext(connection) as queries:
            begin = time.perf_counter()
            figures = selectors.member_costs(coop=coop, start=year_start, end=today)
            samples.append(time.perf_counter() - begin)
    print(f"database              {connection.vendor}")
    print(f"members               {args.members}")
    print(f"batches               {weeks} weekly (built through services in {building:.0f} s)")
    print(
        f"record made           {record_ms * 1000:.1f} ms median of {args.repeat} "
        "(mark made + allocate + post the batch's cost allocation)"
    )
    print(
        f"year of cost per unit {statistics.median(samples) * 1000:.1f} ms for "
        f"{len(figures)} members in {len(queries)} queries"
    )


if __name__ == "__main__":
    main()
