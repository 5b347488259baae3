"""A co-op with years of history, built through the services as members would build it, for
the benchmarks: members with standing shares, then every week a batch planned, its milk bought
by one of its producers and the batch recorded made (shared out, its costs charged)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from fourfold.accounts.models import User
from fourfold.consumption.models import StandingShare
from fourfold.coops.models import Cooperative, Membership
from fourfold.production.models import Batch, Shift
from fourfold.testing import CoopFactory
from fourfold.workflows import money as money_flow
from fourfold.workflows import production as production_flow


def coop_with_members(
    *, tag: str, members: int, since: date, rng: random.Random, also: Sequence[User] = ()
) -> tuple[Cooperative, list[User]]:
    """A co-op of ``members`` new members (and ``also``, existing users) who joined on
    ``since``, each with a standing share of one to three units."""
    coop = CoopFactory(slug=tag, name=tag, target_quantity=members * 2, producers_per_batch=4)
    users = [
        *also,
        *User.objects.bulk_create(
            [
                User(username=f"{tag}-m{i}", email=f"{tag}-m{i}@bench.example")
                for i in range(members - len(also))
            ]
        ),
    ]
    Membership.objects.bulk_create([Membership(coop=coop, user=u, joined_on=since) for u in users])
    StandingShare.objects.bulk_create(
        [
            StandingShare(coop=coop, member=u, units=rng.randint(1, 3), updated_at=coop.founded_at)
            for u in users
        ]
    )
    return coop, users


def batch_bought_for(coop: Cooperative, day: date, rng: random.Random) -> tuple[Batch, User]:
    """The week's batch planned from ``day`` and its milk bought by one of its producers."""
    production_flow.batches_plan(coop=coop, weeks=1, by=None, today=day)
    batch = (
        Batch.objects.filter(coop=coop, date__gte=day, status="planned").order_by("date").first()
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
    return batch, producer


def batch_made(batch: Batch, producer: User, rng: random.Random, members: int) -> Batch:
    return production_flow.batch_record_made(
        batch=batch,
        by=producer,
        quantity=rng.randint(members, 2 * members),
        hours="4",
        today=batch.date,
    )


def weeks_made(
    coop: Cooperative, *, first: date, weeks: int, rng: random.Random, members: int
) -> None:
    for index in range(weeks):
        batch, producer = batch_bought_for(coop, first + timedelta(weeks=index), rng)
        batch_made(batch, producer, rng, members)
