"""``fourfold demo``: the Somerville Yogurt Cooperative and the Somerville Bike Kitchen, a year
of each built through the services."""

from __future__ import annotations

import functools
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TextIO
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from fourfold.accounts.models import User
from fourfold.cli.demo_bike import BIKE_ONLY, BIKE_SLUG, bike_kitchen_build
from fourfold.cli.demo_story import (
    DEMO_MEMBERS,
    DEMO_PASSWORD,
    confirmed,
    coop_found_with_members,
    demo_user,
    facilitators_and_calendars,
    pick_up,
)
from fourfold.consumption import services as consumption
from fourfold.coops import selectors as coops_selectors
from fourfold.coops import services
from fourfold.coops.models import Cooperative, Membership
from fourfold.coops.selectors import coop_today
from fourfold.governance.models import Proposal
from fourfold.ledger import consent as ledger_consent
from fourfold.ledger import corrections as ledger_corrections
from fourfold.ledger import selectors as ledger_selectors
from fourfold.ledger import services as ledger
from fourfold.production import services as production
from fourfold.production import swaps as production_swaps
from fourfold.production.models import Batch, Shift
from fourfold.workflows import decisions as decisions_flow
from fourfold.workflows import membership as membership_flow
from fourfold.workflows import money as money_flow
from fourfold.workflows import production as production_flow

DEMO_SLUG = "somerville"
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


def _quiet(done: int, total: int) -> None:
    """No progress to show."""


@transaction.atomic
def build(progress=_quiet) -> tuple[Cooperative, bool]:
    """The demo yogurt co-op and whether the demo was built now (False: it was there and is
    reused); the bike kitchen is built with it."""
    hashed = make_password(DEMO_PASSWORD)
    members = [demo_user(username, hashed=hashed) for username in DEMO_MEMBERS]
    # Mo, admitted during the demo year, and the bike kitchen's own members: the printed
    # password works for them too.
    for username in ["mo", *BIKE_ONLY]:
        if User.objects.filter(username=username).exists():
            demo_user(username, hashed=hashed)
    coop = Cooperative.objects.filter(slug=DEMO_SLUG).first()
    if coop is not None:
        return coop, False
    today = timezone.now().astimezone(ZoneInfo(DEMO_COOP.timezone)).date()
    # A year of Sundays from the pay-ins; the members met to found the co-op the evening before.
    coop = coop_found_with_members(DEMO_COOP, members, on=today - timedelta(days=365))
    _year(coop, members, progress)
    bike_kitchen_build(members, progress)
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
    units, one missed batch and a few short ones, a settle-up half-way through and another a
    month ago; then the next eight weeks planned, a member away for a while and a shift on the
    swap board."""
    rng = random.Random(20261126)  # the same story on every machine
    pickups = random.Random(20261127)  # its own stream: who collects leaves the rest unchanged
    now = timezone.now()
    today = coop_today(coop, now=now)
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
    # Paid out of the jar: Eli, there when the pots came, confirms it.
    confirmed(
        money_flow.expense_post(
            coop=coop,
            payer=None,
            amount=Decimal("89.00"),
            category="equipment",
            supplier="Restaurant supply",
            description="Two 12-quart stock pots",
            entered_by=dee,
            occurred_on=start,
            split=dict.fromkeys(members, 1),
        ),
        second=[eli],
    )
    for week in range(52, 0, -1):
        day = today - timedelta(days=7 * week)
        progress(52 - week + 1, 52)
        if week == 11:
            # Hal drifts out of the producer role: away on every production day since, while
            # still taking a share. The dashboard shows it.
            production_flow.unavailability_add(
                coop=coop,
                member=by_name["hal"],
                start=day,
                end=today + timedelta(days=60),
                note="Evening classes",
            )
        # Plan the coming week as the co-op would have then, and record it once it happened,
        # so each week's rotation sees the shifts done before it.
        production_flow.batches_plan(coop=coop, weeks=1, by=None, today=day)
        settle_on = day
        week_batches = list(
            Batch.objects.filter(
                coop=coop,
                date__gte=day,
                status="planned",
                date__lt=min(day + timedelta(days=7), today),
            ).order_by("date")
        )
        # The week's decisions are taken on its first evening: a batch made that day comes
        # before them, a batch later in the week follows what they decided (the new target).
        decisions = functools.partial(_decisions, coop, members, week, day, by_name)
        for batch in _in_order(week_batches, day, decisions):
            buyer = members[week % len(members)]
            money_flow.expense_post(
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
                money_flow.expense_post(
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
                money_flow.expense_post(
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
            # Collected from the maker's fridge that evening or the next two.
            pick_up(batch, pickups, now=now, hours=(16, 21), days=3)
            settle_on = batch.date
        if week in SETTLE_UPS:
            # Half-way through the year, and again a month ago, the members settle up on the
            # evening of that week's batch, after its costs are charged: the pool is paid out
            # and every balance is even that evening.
            _settle_up(coop, members, organiser=by_name[SETTLE_UPS[week]], on=settle_on)
    _waiting_and_declined(coop, by_name, today)
    lou = by_name["lou"]
    production_flow.batches_plan(coop=coop, weeks=8, by=None, today=today)
    facilitators_and_calendars(coop, today)
    production_flow.unavailability_add(
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
    if offered is not None and offered.member is not None:
        production_swaps.swap_offer(shift=offered, by=offered.member)


def _settle_up(coop: Cooperative, members: list[User], *, organiser: User, on: date) -> None:
    """Everyone even on the evening of ``on``: each member who pays records their own part of
    the plan (and each member the pool pays, that payment), and each receiver confirms what
    reached them; ``organiser`` is the second pair of eyes on what the pool pays out."""
    # Each round posts at least one transfer, so the plan is done within one round a member.
    for _round in range(len(members) + 1):
        plan = ledger_selectors.settlement_plan(coop=coop)
        if not plan.transfers:
            return
        step = plan.transfers[0]
        side = step.payer or step.payee
        assert side is not None  # the pool never pays itself
        # Mo, admitted in the spring, is not among the founding members.
        recorder = User.objects.get(pk=side.pk)
        for payment in ledger_corrections.settlement_record(
            coop=coop, entered_by=recorder, occurred_on=on
        ):
            confirmed(payment, second=[organiser, *members])
    raise AssertionError("the demo's settle-up did not even everyone out")


def _waiting_and_declined(coop: Cooperative, by_name: dict[str, User], today: date) -> None:
    """What a member finds waiting on any day: jars Hal never bought, entered for him by
    mistake and declined with his reason, and honey Kai bought two days ago, entered by Jo and
    waiting for Kai to confirm it."""
    hal, kai, cam, jo = by_name["hal"], by_name["kai"], by_name["cam"], by_name["jo"]
    jars = money_flow.expense_post(
        coop=coop,
        payer=hal,
        amount=Decimal("9.60"),
        category="supplies",
        supplier="Hardware store",
        description="A dozen quart jars",
        entered_by=cam,
        occurred_on=today - timedelta(days=10),
    )
    ledger_consent.entry_decline(
        coop=coop,
        transaction_id=jars.pk,
        member=hal,
        reason="Flo bought those jars; I only carried them home.",
    )
    money_flow.expense_post(
        coop=coop,
        payer=kai,
        amount=Decimal("14.50"),
        category="ingredients",
        supplier="Union Square farmers market",
        description="Local honey",
        entered_by=jo,
        occurred_on=today - timedelta(days=2),
    )


def _in_order(batches: list[Batch], day: date, decide):
    """The week's batches, with ``decide()`` called after those on ``day`` and before the
    later ones; each later batch is read again, as the decisions may have changed its plan."""
    for batch in batches:
        if batch.date == day:
            yield batch
    decide()
    for batch in batches:
        if batch.date > day:
            batch.refresh_from_db()
            yield batch


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
            decisions_flow.vote_cast(
                proposal=proposal,
                member=member,
                now=moment + timedelta(hours=index + 1),
                position=positions[index % len(positions)] if positions else "",
                ranking=rankings[index % len(rankings)] if rankings else None,
                reason="More for everyone" if index == 0 and positions else "",
            )

    if week == 48:
        decide(
            decisions_flow.proposal_open(
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
            decisions_flow.proposal_open(
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
            decisions_flow.proposal_open(
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
    if week == 14:
        decide(
            decisions_flow.proposal_open(
                coop=coop,
                by=by_name["dee"],
                kind="rule_change",
                now=moment,
                title="Admit new members by vote",
                body="Everyone meets a newcomer before they join.",
                change={"admission_mode": "vote"},
            ),
            positions=["agree"],
        )
    if week == 12:
        # Mo from Highland Ave accepts Dee's invitation, which asks the members to admit him.
        mo = demo_user("mo")
        invitation = services.invitation_create(coop=coop, by=by_name["dee"], now=moment)
        membership_flow.invitation_accept(code=invitation.code, user=mo, now=moment)
        decide(
            Proposal.objects.get(
                coop=coop, kind=Proposal.Kind.ADMIT_MEMBER, subject=mo, status=Proposal.Status.OPEN
            ),
            positions=["agree"],
        )
        consumption.share_set(coop=coop, member=mo, units=2)


def _logins(coop: Cooperative) -> list[str]:
    """The demo's own members of ``coop``, in the order they joined: the printed password is
    theirs (a visitor's own account keeps its own password)."""
    order = {name: index for index, name in enumerate(DEMO_LOGINS)}
    names = [m.user.username for m in coops_selectors.coop_members(coop=coop)]
    return sorted((name for name in names if name in order), key=order.__getitem__)


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
    stdout.write(("Built" if built else "Reusing") + " the demo co-ops:\n")
    for each in Cooperative.objects.filter(slug__in=[DEMO_SLUG, BIKE_SLUG]).order_by("pk"):
        stdout.write(f"  {each.name} (/c/{each.slug}/): log in as {', '.join(_logins(each))}\n")
    stdout.write(f"Demo password for all of them: {DEMO_PASSWORD}\n")
    return coop


# Weeks ago a settle-up happened, and who did it.
SETTLE_UPS = {26: "flo", 4: "jo"}
# Weeks ago a batch came out short, and by how many quarts: a scorched pot in the winter, a
# jar dropped in the spring, and the milk short at Shaw's a few weeks ago.
SHORT_BATCHES = {44: 2, 31: 1, 7: 2}


def _record(batch: Batch, rng: random.Random, *, weeks_ago: int) -> None:
    shift = batch.shifts.exclude(member=None).first()
    producer = shift.member if shift is not None else None
    if producer is None:
        return
    if weeks_ago == 30:
        production.batch_record_missed(
            batch=batch, by=producer, reason="Power cut on the block", today=batch.date
        )
        return
    # Made at the target the batch was planned at (24 once the members voted for it), but
    # for the odd short batch the story tells of.
    quantity = batch.planned_quantity - SHORT_BATCHES.get(weeks_ago, 0)
    hours = Decimal(rng.choice(["3.25", "3.5", "3.75", "4.0"]))
    production_flow.batch_record_made(
        batch=batch, by=producer, quantity=quantity, hours=hours, today=batch.date
    )


# Everyone the demo gives the printed password, in the order they joined.
DEMO_LOGINS = [*DEMO_MEMBERS, "mo", *BIKE_ONLY]
