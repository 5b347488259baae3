"""Ledger benchmark: balances and settle-up over a long history.

    python bench/ledger.py [--members 50] [--expenses 10000] [--repeat 20]

Builds a fresh co-op in the database named by DATABASE_URL (default: a throw-away SQLite file),
posts the expenses through the ledger's services (random payers, equal splits among random
subsets of members), then times the real selectors: every member's balance, and the settle-up
plan. Prints the figures; asserts nothing about time (machines here are shared and noisy).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--expenses", type=int, default=10_000)
    parser.add_argument(
        "--max-split", type=int, default=12, help="largest number of members sharing one expense"
    )
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    if "DATABASE_URL" not in os.environ:
        os.environ["FOURFOLD_DATA_DIR"] = tempfile.mkdtemp(prefix="fourfold-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fourfold.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from fourfold.accounts.models import User
    from fourfold.coops.models import Membership
    from fourfold.ledger import selectors
    from fourfold.testing import CoopFactory
    from fourfold.workflows import money as money_flow

    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    tag = f"bench-{args.members}-{int(time.time())}"
    coop = CoopFactory(slug=tag, name=f"Bench {tag}")
    users = User.objects.bulk_create(
        [
            User(username=f"{tag}-m{i}", email=f"{tag}-m{i}@bench.example")
            for i in range(args.members)
        ]
    )
    Membership.objects.bulk_create(
        [Membership(coop=coop, user=user, joined_on=coop.founded_at.date()) for user in users]
    )

    started = time.perf_counter()
    for index in range(args.expenses):
        payer = rng.choice(users)
        sharers = rng.sample(users, rng.randint(1, min(args.max_split, len(users))))
        cents = rng.randint(100, 20_000)
        with transaction.atomic():
            money_flow.expense_post(
                coop=coop,
                payer=payer,
                amount=Decimal(cents) / 100,
                category="ingredients",
                entered_by=payer,
                split=dict.fromkeys(sharers, 1),
            )
        if (index + 1) % 1000 == 0:
            print(
                f"  posted {index + 1:>6} expenses ({time.perf_counter() - started:.1f} s)",
                file=sys.stderr,
            )
    posting = time.perf_counter() - started
    if connection.vendor == "postgresql":
        # A live PostgreSQL has planner statistics (autovacuum gathers them); a freshly filled
        # one has none until analysed.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def timed(work) -> tuple[float, object]:
        samples, result = [], None
        for _ in range(args.repeat):
            begin = time.perf_counter()
            result = work()
            samples.append(time.perf_counter() - begin)
        return statistics.median(samples) * 1000, result

    balances_ms, balances = timed(lambda: selectors.member_balances(coop=coop))
    plan_ms, plan = timed(lambda: selectors.settlement_plan(coop=coop))
    nonzero = sum(1 for row in balances if row.balance)
    assert sum(row.balance for row in balances) == 0
    print(f"database            {connection.vendor}")
    print(f"members             {args.members}")
    print(
        f"expenses            {args.expenses} (posted through services in {posting:.1f} s, "
        f"{args.expenses / posting:.0f}/s)"
    )
    print(f"balances            {balances_ms:.2f} ms (median of {args.repeat})")
    print(f"settle-up plan      {plan_ms:.2f} ms (median of {args.repeat}, balances included)")
    print(
        f"transfers           {len(plan.transfers)} for {nonzero} non-zero balances "
        f"(bound: {max(0, nonzero - 1)})"
    )


if __name__ == "__main__":
    main()
