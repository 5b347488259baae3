"""Production benchmark: the fair rotation for a large co-op over a year.

    python bench/production.py [--members 200] [--weeks 52] [--producers 3] [--away 0.10]

Two figures for the same co-op (random weights 1-4, each member away on a random 10 % of the
production days, three producers per weekly batch):

* the pure solver, ``rotation.solve``, on the instance built in memory;
* the full service, ``batches_plan(coop, weeks=N)``, on a fresh co-op in the database
  named by DATABASE_URL (default: a throw-away SQLite file): batches from the cadence, the
  rotation, the shifts written. The weights are the members' standing shares (the rotation
  follows consumption), drawn the same way. Then the same plan again, which must change nothing.

For each: the time, the largest distance of a member's count from their fair share, the number
of back-to-back assignments, and whether the fewest back-to-back is proven. Prints figures;
asserts nothing about time (machines here are shared and noisy).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--producers", type=int, default=3, help="producers per batch")
    parser.add_argument("--away", type=float, default=0.10, help="share of days each is away")
    parser.add_argument("--max-weight", type=int, default=4)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    if "DATABASE_URL" not in os.environ:
        os.environ["FOURFOLD_DATA_DIR"] = tempfile.mkdtemp(prefix="fourfold-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fourfold.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from fourfold.accounts.models import User
    from fourfold.consumption import selectors as consumption_selectors
    from fourfold.consumption.models import StandingShare
    from fourfold.coops.models import Membership
    from fourfold.coops.selectors import coop_today
    from fourfold.lib import rotation
    from fourfold.production import planning, selectors
    from fourfold.production.models import Shift, Unavailability
    from fourfold.testing import CoopFactory
    from fourfold.workflows import production as production_flow

    rng = random.Random(args.seed)
    weights = [rng.randint(1, args.max_weight) for _ in range(args.members)]
    away = [
        {week for week in range(args.weeks) if rng.random() < args.away}
        for _ in range(args.members)
    ]

    def deviation(counts: dict, share: dict) -> float:
        return float(max(abs(counts.get(m, 0) - share[m]) for m in share))

    # -- the pure solver ---------------------------------------------------------------------
    problem = rotation.Problem(
        batch_count=args.weeks,
        members=list(range(args.members)),
        weights={m: Fraction(w) for m, w in enumerate(weights)},
        slots=[
            rotation.Slot(key=(week, place), batch=week)
            for week in range(args.weeks)
            for place in range(args.producers)
        ],
        unavailable={m: frozenset(days) for m, days in enumerate(away) if days},
    )
    started = time.perf_counter()
    plan = rotation.solve(problem)
    solve_s = time.perf_counter() - started
    open_places = sum(1 for member in plan.assignment.values() if member is None)

    # -- the service on the database ---------------------------------------------------------
    call_command("migrate", verbosity=0)
    tag = f"bench-rotation-{args.members}-{int(time.time())}"
    coop = CoopFactory(slug=tag, name=f"Bench {tag}", producers_per_batch=args.producers)
    users = User.objects.bulk_create(
        [
            User(username=f"{tag}-m{i}", email=f"{tag}-m{i}@bench.example")
            for i in range(args.members)
        ]
    )
    now = timezone.now()
    Membership.objects.bulk_create(
        [Membership(coop=coop, user=user, joined_on=coop.founded_at.date()) for user in users]
    )
    StandingShare.objects.bulk_create(
        [
            StandingShare(coop=coop, member=user, units=weight, updated_at=now)
            for user, weight in zip(users, weights, strict=True)
        ]
    )
    today = coop_today(coop)
    days = planning.cadence_dates(coop, today, today + timedelta(weeks=args.weeks, days=-1))
    Unavailability.objects.bulk_create(
        [
            Unavailability(coop=coop, member=user, start=days[week], end=days[week], created_at=now)
            for user, weeks in zip(users, away, strict=True)
            for week in sorted(weeks)
            if week < len(days)
        ]
    )
    started = time.perf_counter()
    result = production_flow.batches_plan(coop=coop, weeks=args.weeks, by=None, today=today)
    plan_s = time.perf_counter() - started
    started = time.perf_counter()
    again = production_flow.batches_plan(coop=coop, weeks=args.weeks, by=None, today=today)
    replan_s = time.perf_counter() - started

    held = Counter(
        Shift.objects.filter(batch__coop=coop, member__isnull=False).values_list(
            "member_id", flat=True
        )
    )
    places = Shift.objects.filter(batch__coop=coop).count()
    service_weights = selectors.rotation_weights(
        members=users, shares=consumption_selectors.share_weights(coop=coop)
    )
    weight_sum = sum(service_weights.values())
    service_share = {user.pk: places * service_weights[user.pk] / weight_sum for user in users}
    # Nobody on a day away, nobody twice in a batch: checked here too, not only in the tests.
    away_days = {
        (u, d)
        for u, d in Unavailability.objects.filter(coop=coop).values_list("member_id", "start")
    }
    clashes = Shift.objects.filter(batch__coop=coop, member__isnull=False).values_list(
        "member_id", "batch__date"
    )
    assert not away_days & set(clashes)

    print(f"database            {connection.vendor}")
    print(
        f"instance            {args.members} members, weights 1-{args.max_weight}, "
        f"{args.weeks} weekly batches x {args.producers} producers, "
        f"{args.away:.0%} of days away"
    )
    print("rotation.solve (pure, in memory)")
    print(f"  time              {solve_s * 1000:.0f} ms")
    print(f"  max |count-fair|  {deviation(plan.counts, plan.fair_share):.2f} shifts")
    print(f"  back-to-back      {plan.back_to_back} (proven fewest: {plan.proven_optimal})")
    print(f"  open places       {open_places} of {len(problem.slots)}")
    print(f"production_flow.batches_plan(weeks={args.weeks}) on {connection.vendor}")
    print(
        f"  time              {plan_s * 1000:.0f} ms ({len(result.created)} batches, "
        f"{result.assigned} places assigned)"
    )
    print(f"  max |count-fair|  {deviation(held, service_share):.2f} shifts")
    print(f"  back-to-back      {result.back_to_back}")
    print(f"  open places       {sum(p.places for p in result.open_places)} of {places}")
    print(
        f"  plan again        {replan_s * 1000:.0f} ms, {again.changed} shifts moved, "
        f"{again.back_to_back} back-to-back"
    )


if __name__ == "__main__":
    main()
