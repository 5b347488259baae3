"""What both demo co-ops are built from: the people, a founding, pick-ups, the last chores."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password

from fourfold.accounts.models import User
from fourfold.accounts.services import user_signup
from fourfold.consumption import selectors as consumption_selectors
from fourfold.consumption import services as consumption
from fourfold.coops import selectors as coops_selectors
from fourfold.coops import services
from fourfold.coops.models import Cooperative, Membership
from fourfold.governance import facilitators as governance_facilitators
from fourfold.ledger import statements as ledger_statements
from fourfold.ledger.models import Transaction
from fourfold.production import services as production
from fourfold.production.models import Batch
from fourfold.workflows import membership as membership_flow
from fourfold.workflows import money as money_flow

DEMO_PASSWORD = "yogurt-on-sunday"
DEMO_MEMBERS = ["dee", "eli", "flo", "ana", "ben", "cam", "gus", "hal", "ivy", "jo", "kai", "lou"]


def demo_user(username: str, *, hashed: str | None = None) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        return user_signup(
            username=username, email=f"{username}@somerville.example", password=DEMO_PASSWORD
        )
    # Reusing the demo: whatever a visitor changed, the printed password works again. One
    # hash serves every demo member (the password is printed for all of them anyway):
    # hashing it twenty times over was most of the wait when the demo is reused.
    user.password = hashed or make_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    return user


def coop_found_with_members(
    fields: services.CoopFields, members: list[User], *, on: date
) -> Cooperative:
    """Found the co-op on the evening of ``on``, the first of ``members`` inviting the rest."""
    founder, *others = members
    evening = datetime.combine(on, time(19), tzinfo=ZoneInfo(fields.timezone))
    coop = services.coop_found(founder=founder, fields=fields, now=evening)
    for minutes, member in enumerate(others, start=1):
        moment = evening + timedelta(minutes=minutes)
        invitation = services.invitation_create(coop=coop, by=founder, now=moment)
        membership_flow.invitation_accept(code=invitation.code, user=member, now=moment)
    return coop


def pick_up(
    batch: Batch, rng: random.Random, *, now: datetime, hours: tuple[int, int], days: int
) -> None:
    """Nearly everyone collects their share in the ``days`` from the batch's day on, inside
    the pick-up window; now and then one is forgotten (that is the co-op's waste). A pick-up
    still ahead of ``now`` waits, as it would."""
    coop = batch.coop
    for allocation in consumption_selectors.allocations(batch=batch):
        if not allocation.units or rng.random() >= 0.95:
            continue
        day = batch.date + timedelta(days=rng.randrange(days))
        moment = datetime.combine(
            day, time(rng.randint(*hours), rng.randrange(60)), tzinfo=coop.zone
        )
        if moment >= now:
            continue
        consumption.pickup_mark(
            batch=batch, member=allocation.member, by=allocation.member, now=moment
        )


def facilitators_and_calendars(coop: Cooperative, today: date) -> None:
    """What the daily task and the members themselves would have done by now: the coming
    months' facilitators planned, and each active member's calendar address made."""
    governance_facilitators.facilitators_plan(coop=coop, today=today)
    for row in coops_selectors.coop_members(coop=coop):
        if row.status == Membership.Status.ACTIVE:
            production.calendar_feed_ensure(coop=coop, member=row.user)


def confirmed(entry: Transaction, *, second: list[User]) -> Transaction:
    """``entry`` once everyone it waits for has said the money moved as it says: each member
    it names confirms, and a payment out of the pool is confirmed by the first of ``second``
    who may (not the one who entered it)."""
    for ask in list(entry.asks.order_by("pk")):
        member = ask.member or next(
            m for m in second if ledger_statements.can_answer(entry, m) is not None
        )
        entry = money_flow.entry_confirm(coop=entry.coop, transaction_id=entry.pk, member=member)
    return entry
