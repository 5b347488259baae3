"""The demo's second co-op, the Somerville Bike Kitchen: a year of Wednesday repair evenings."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from fourfold.accounts.models import User
from fourfold.cli.demo_story import (
    DEMO_MEMBERS,
    confirmed,
    coop_found_with_members,
    demo_user,
    facilitators_and_calendars,
    pick_up,
)
from fourfold.consumption import services as consumption
from fourfold.coops import services
from fourfold.coops.models import Cooperative
from fourfold.ledger import services as ledger
from fourfold.production.models import Batch
from fourfold.workflows import decisions as decisions_flow
from fourfold.workflows import money as money_flow
from fourfold.workflows import production as production_flow

BIKE_SLUG = "bike-kitchen"
BIKE_MEMBERS = ["dee", "eli", "ana", "gus", "nia", "oli", "pat", "raj"]
BIKE_ONLY = [name for name in BIKE_MEMBERS if name not in DEMO_MEMBERS]


BIKE_COOP = services.CoopFields(
    slug=BIKE_SLUG,
    name="Somerville Bike Kitchen",
    product="bike repair",
    kind="service",
    unit="repair slot",
    cadence="FREQ=WEEKLY;BYDAY=WE",
    timezone="America/New_York",
    target_quantity=8,
    producers_per_batch=2,
    currency="USD",
    commercial_unit_price=Decimal("45.00"),
    diy_minutes_per_unit=Decimal("120"),
)


def bike_kitchen_build(yogurt_members: list[User], progress) -> Cooperative:
    """The Somerville Bike Kitchen: a service, not a good. Repair evenings are the batches,
    repair slots are the shares, mechanics are the producers; the same four roles."""
    people = {m.username: m for m in yogurt_members}
    members = [people.get(name) or demo_user(name) for name in BIKE_MEMBERS]
    now = timezone.now()
    today = now.astimezone(ZoneInfo(BIKE_COOP.timezone)).date()
    coop = coop_found_with_members(
        BIKE_COOP,
        members,
        # The evening before the tool fund was paid in, as the yogurt co-op was.
        on=today - timedelta(days=365),
    )
    founder = members[0]
    rng = random.Random(20261128)
    pickups = random.Random(20261129)
    for member in members:
        ledger.contribution_post(
            coop=coop,
            payer=member,
            amount=Decimal("20.00"),
            entered_by=member,
            description="Tool fund",
            occurred_on=today - timedelta(days=364),
        )
        consumption.share_set(coop=coop, member=member, units=1)
    # Paid out of the tool fund, so a second member confirms it.
    confirmed(
        money_flow.expense_post(
            coop=coop,
            payer=None,
            amount=Decimal("140.00"),
            category="equipment",
            supplier="Park Tool",
            description="Truing stand and wrenches",
            entered_by=founder,
            occurred_on=today - timedelta(days=360),
            split=dict.fromkeys(members, 1),
        ),
        second=members[1:],
    )
    for week in range(52, 0, -1):
        day = today - timedelta(days=7 * week)
        if week % 4 == 0 and week < 52:
            # Dues, every four weeks: the tool fund pays for what wears out.
            for member in members:
                ledger.contribution_post(
                    coop=coop,
                    payer=member,
                    amount=Decimal("5.00"),
                    entered_by=member,
                    description="Dues",
                    occurred_on=day,
                )
        if week == 30:
            _bike_decision(coop, members, day)
        production_flow.batches_plan(coop=coop, weeks=1, by=None, today=day)
        for evening in Batch.objects.filter(
            coop=coop, date__gte=day, status="planned", date__lt=min(day + timedelta(days=7), today)
        ):
            if week % 6 == 0:
                buyer = members[week % len(members)]
                money_flow.expense_post(
                    coop=coop,
                    payer=buyer,
                    amount=Decimal(rng.randint(18, 60)),
                    category="supplies",
                    supplier="Broadway Bicycle",
                    description="Tubes, cables and brake pads",
                    entered_by=buyer,
                    occurred_on=evening.date,
                    batch=evening,
                )
            shift = evening.shifts.exclude(member=None).first()
            # Every evening is planned with its mechanics before it is recorded.
            assert shift is not None and shift.member is not None
            mechanic = shift.member
            production_flow.batch_record_made(
                batch=evening,
                by=mechanic,
                # Every slot of the evening taken, but on the two evenings a mechanic was
                # ill and half the stands stood idle.
                quantity=evening.planned_quantity // (2 if week in (38, 9) else 1),
                hours=Decimal(rng.choice(["5", "5.5", "6"])),
                today=evening.date,
            )
            # A repair slot is taken by turning up that evening with one's bike.
            pick_up(evening, pickups, now=now, hours=(18, 20), days=1)
    production_flow.batches_plan(coop=coop, weeks=8, by=None, today=today)
    facilitators_and_calendars(coop, today)
    progress(52, 52)
    return coop


def _bike_decision(coop: Cooperative, members: list[User], day: date) -> None:
    """The bike kitchen's one decision of the year, taken by everyone that evening."""
    moment = datetime.combine(day, time(19), tzinfo=coop.zone)
    proposal = decisions_flow.proposal_open(
        coop=coop,
        by=members[5],
        kind="rule_change",
        now=moment,
        title="Spend more than $100 only with the members' approval",
        change={"spending_limit": "100"},
    )
    for index, member in enumerate(members):
        decisions_flow.vote_cast(
            proposal=proposal,
            member=member,
            now=moment + timedelta(minutes=10 * (index + 1)),
            position="agree",
        )
