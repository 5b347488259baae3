"""``fourfold demo``: the Somerville Yogurt Cooperative, built through the services."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import TextIO

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from fourfold.accounts.models import User
from fourfold.accounts.services import user_signup
from fourfold.consumption import services as consumption
from fourfold.coops import services
from fourfold.coops.models import Cooperative, Membership
from fourfold.governance import services as governance
from fourfold.ledger import services as ledger
from fourfold.production import services as production
from fourfold.production.models import Batch, Shift

DEMO_SLUG = "somerville"
DEMO_PASSWORD = "yogurt-on-sunday"
DEMO_MEMBERS = ["dee", "eli", "flo", "ana", "ben", "cam", "gus", "hal", "ivy", "jo", "kai", "lou"]
DEMO_COOP = services.CoopFields(
    slug=DEMO_SLUG,
    name="Somerville Yogurt Cooperative",
    product="yogurt",
    unit="quart",
    cadence="FREQ=WEEKLY;BYDAY=SU",
    timezone="America/New_York",
    target_quantity=20,
    producers_per_batch=2,
    currency="USD",
    commercial_unit_price=Decimal("6.50"),
    diy_minutes_per_unit=Decimal("30"),
)


def _demo_user(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        return user_signup(
            username=username, email=f"{username}@somerville.example", password=DEMO_PASSWORD
        )
    # Reusing the demo: whatever a visitor changed, the printed password works again.
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    return user


def _quiet(done: int, total: int) -> None:
    """No progress to show."""


@transaction.atomic
def build(progress=_quiet) -> tuple[Cooperative, bool]:
    """The demo co-op and whether it was built now (False: it was there and is reused)."""
    members = [_demo_user(username) for username in DEMO_MEMBERS]
    if User.objects.filter(username="mo").exists():
        _demo_user("mo")  # admitted during the demo year: the printed password works for Mo too
    coop = Cooperative.objects.filter(slug=DEMO_SLUG).first()
    if coop is not None:
        return coop, False
    founder, *others = members
    coop = services.coop_found(founder=founder, fields=DEMO_COOP)
    for member in others:
        invitation = services.invitation_create(coop=coop, by=founder)
        services.invitation_accept(code=invitation.code, user=member)
    _year(coop, members, progress)
    _bike_kitchen(members, progress)
    return coop, True


# Standing shares in quarts a week: 20 in all, as the co-op makes.
DEMO_SHARES = {
    "dee": 2,
    "eli": 2,
    "flo": 2,
    "ana": 1,
    "ben": 2,
    "cam": 1,
    "gus": 2,
    "hal": 1,
    "ivy": 2,
    "jo": 2,
    "kai": 1,
    "lou": 2,
}


def _year(coop: Cooperative, members: list[User], progress) -> None:
    """A year of Sundays through the services: pay-ins, shares, the rotation planning each
    week, milk bought for each batch and charged by quarts taken, cultures and jars shared by
    units, one missed batch, one settle-up; then the next eight weeks planned, a member away
    for a while and a shift on the swap board."""
    rng = random.Random(20261126)  # the same story on every machine
    today = timezone.now().astimezone(coop.zone).date()
    by_name = {member.username: member for member in members}
    dee, eli, flo = by_name["dee"], by_name["eli"], by_name["flo"]
    start = today - timedelta(days=364)
    for member in members:
        ledger.contribution_post(
            coop=coop,
            payer=member,
            amount=Decimal("25.00"),
            entered_by=member,
            description="Pay-in to the jar",
            occurred_on=start,
        )
        consumption.share_set(coop=coop, member=member, units=DEMO_SHARES[member.username])
    ledger.expense_post(
        coop=coop,
        payer=None,
        amount=Decimal("89.00"),
        category="equipment",
        supplier="Restaurant supply",
        description="Two 12-quart stock pots",
        entered_by=dee,
        occurred_on=start,
        split=dict.fromkeys(members, 1),
    )
    for week in range(52, 0, -1):
        day = today - timedelta(days=7 * week)
        progress(52 - week + 1, 52)
        if week == 11:
            # Hal drifts out of the producer role: away on every production day since, while
            # still taking a share. The dashboard shows it.
            production.unavailability_add(
                coop=coop,
                member=by_name["hal"],
                start=day,
                end=today + timedelta(days=60),
                note="Evening classes",
            )
        # Plan the coming week as the co-op would have then, and record it once it happened,
        # so each week's rotation sees the shifts done before it.
        production.batches_plan(coop=coop, weeks=1, by=None, today=day)
        for batch in Batch.objects.filter(
            coop=coop, date__gte=day, status="planned", date__lt=min(day + timedelta(days=7), today)
        ):
            buyer = members[week % len(members)]
            ledger.expense_post(
                coop=coop,
                payer=buyer,
                amount=Decimal(rng.randint(3600, 4200)) / 100,
                category="ingredients",
                supplier="Shaw's",
                description="24 quarts of whole milk",
                entered_by=buyer,
                occurred_on=batch.date,
                batch=batch,
            )
            if week % 4 == 0:
                ledger.expense_post(
                    coop=coop,
                    payer=eli,
                    amount=Decimal("45.00"),
                    category="ingredients",
                    supplier="Cultures for Health",
                    description="Yogurt cultures",
                    entered_by=eli,
                    occurred_on=batch.date,
                )
            if week % 13 == 0:
                ledger.expense_post(
                    coop=coop,
                    payer=flo,
                    amount=Decimal("31.20"),
                    category="supplies",
                    supplier="Hardware store",
                    description="Two dozen quart jars",
                    entered_by=flo,
                    occurred_on=batch.date,
                )
            _record(batch, rng, weeks_ago=week)
        if week == 26:
            ledger.settlement_record(coop=coop, entered_by=flo)
        _decisions(coop, members, week, day, by_name)
    lou = by_name["lou"]
    production.batches_plan(coop=coop, weeks=8, by=None, today=today)
    production.unavailability_add(
        coop=coop,
        member=lou,
        start=today + timedelta(days=14),
        end=today + timedelta(days=35),
        note="Visiting family",
    )
    upcoming = Shift.objects.filter(
        batch__coop=coop, batch__date__gt=today + timedelta(days=7), member__isnull=False
    ).select_related("member", "batch")
    offered = upcoming.order_by("batch__date").first()
    if offered is not None:
        production.swap_offer(shift=offered, by=offered.member)


def _decisions(coop: Cooperative, members: list[User], week: int, day, by_name) -> None:
    """A year of decisions, made the way members make them."""
    moment = datetime.combine(day, time(19), tzinfo=coop.zone)
    voters = [
        m
        for m in members
        if Membership.objects.filter(coop=coop, user=m, status=Membership.Status.ACTIVE).exists()
    ]

    def decide(proposal, positions=None, rankings=None):
        for index, member in enumerate(voters):
            governance.vote_cast(
                proposal=proposal,
                member=member,
                now=moment + timedelta(hours=index + 1),
                position=positions[index % len(positions)] if positions else "",
                ranking=rankings[index % len(rankings)] if rankings else None,
                reason="More for everyone" if index == 0 and positions else "",
            )

    if week == 48:
        decide(
            governance.proposal_open(
                coop=coop,
                by=by_name["gus"],
                kind="rule_change",
                now=moment,
                title="Spend more than $150 only with the members' approval",
                change={"spending_limit": "150"},
            ),
            positions=["agree"],
        )
    if week == 30:
        decide(
            governance.proposal_open(
                coop=coop,
                by=by_name["ivy"],
                kind="choice",
                now=moment,
                title="Next month's flavour",
                options=["plain", "honey", "maple"],
            ),
            rankings=[["honey", "maple"], ["plain"], ["maple", "honey"], ["honey"]],
        )
    if week == 20:
        decide(
            governance.proposal_open(
                coop=coop,
                by=by_name["ana"],
                kind="rule_change",
                now=moment,
                title="Make 24 quarts a week",
                body="Extras go every week; more hands are free.",
                change={"target_quantity": 24},
            ),
            positions=["agree", "agree", "agree", "abstain"],
        )
    if week == 12:
        mo = _demo_user("mo")
        decide(
            governance.proposal_open(
                coop=coop,
                by=by_name["dee"],
                kind="admit_member",
                now=moment,
                subject=mo,
                title="Admit Mo from Highland Ave",
            ),
            positions=["agree"],
        )
        consumption.share_set(coop=coop, member=mo, units=2)


def run(*, stdout: TextIO) -> Cooperative:
    call_command("migrate", interactive=False, verbosity=0)

    def progress(done: int, total: int) -> None:
        filled = round(30 * done / total)
        stdout.write(
            f"\rBuilding a year of history [{'#' * filled}{'.' * (30 - filled)}] "
            f"{done}/{total} weeks"
        )
        if done == total:
            stdout.write("\n")
        stdout.flush()

    coop, built = build(progress)
    stdout.write(
        ("Built" if built else "Reusing") + f" the demo co-op: {coop.name} (/c/{coop.slug}/)\n"
        f"Log in as any of: {', '.join([*DEMO_MEMBERS, 'mo'])}\n"
        f"Demo password for all of them: {DEMO_PASSWORD}\n"
    )
    return coop


def _record(batch: Batch, rng: random.Random, *, weeks_ago: int) -> None:
    producer = batch.shifts.exclude(member=None).first()
    if producer is None:
        return
    if weeks_ago == 30:
        production.batch_record_missed(
            batch=batch, by=producer.member, reason="Power cut on the block", today=batch.date
        )
        return
    quantity = 20 if rng.random() > 0.12 else rng.choice([17, 18, 19])
    hours = Decimal(rng.choice(["3.25", "3.5", "3.75", "4.0"]))
    production.batch_record_made(
        batch=batch, by=producer.member, quantity=quantity, hours=hours, today=batch.date
    )


BIKE_MEMBERS = ["dee", "eli", "ana", "gus", "nia", "oli", "pat", "raj"]


def _bike_kitchen(yogurt_members: list[User], progress) -> Cooperative:
    """The Somerville Bike Kitchen: a service, not a good. Repair evenings are the batches,
    repair slots are the shares, mechanics are the producers; the same four roles."""
    people = {m.username: m for m in yogurt_members}
    members = [people.get(name) or _demo_user(name) for name in BIKE_MEMBERS]
    founder, *others = members
    coop = services.coop_found(
        founder=founder,
        fields=services.CoopFields(
            slug="bike-kitchen",
            name="Somerville Bike Kitchen",
            product="bike repair",
            unit="repair slot",
            cadence="FREQ=WEEKLY;BYDAY=WE",
            timezone="America/New_York",
            target_quantity=8,
            producers_per_batch=2,
            currency="USD",
            commercial_unit_price=Decimal("45.00"),
            diy_minutes_per_unit=Decimal("120"),
        ),
    )
    for member in others:
        invitation = services.invitation_create(coop=coop, by=founder)
        services.invitation_accept(code=invitation.code, user=member)
    rng = random.Random(20261128)
    today = timezone.now().astimezone(coop.zone).date()
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
    ledger.expense_post(
        coop=coop,
        payer=None,
        amount=Decimal("140.00"),
        category="equipment",
        supplier="Park Tool",
        description="Truing stand and wrenches",
        entered_by=founder,
        occurred_on=today - timedelta(days=360),
        split=dict.fromkeys(members, 1),
    )
    for week in range(52, 0, -1):
        day = today - timedelta(days=7 * week)
        production.batches_plan(coop=coop, weeks=1, by=None, today=day)
        for evening in Batch.objects.filter(
            coop=coop, date__gte=day, status="planned", date__lt=min(day + timedelta(days=7), today)
        ):
            if week % 6 == 0:
                buyer = members[week % len(members)]
                ledger.expense_post(
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
            mechanic = evening.shifts.exclude(member=None).first().member
            production.batch_record_made(
                batch=evening,
                by=mechanic,
                quantity=rng.choice([7, 8, 8, 8, 8, 8, 8, 8]),
                hours=Decimal(rng.choice(["5", "5.5", "6"])),
                today=evening.date,
            )
    production.batches_plan(coop=coop, weeks=8, by=None, today=today)
    progress(52, 52)
    return coop
