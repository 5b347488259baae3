"""A member's week: what they have to do in the next seven days, across all their co-ops.

Each co-op's week runs over its own local dates, from its today. The reads go over every co-op
at once, so the number of queries does not grow with the co-ops' size or history; only the
settle-up plan is read per co-op, and only where the member owes or is owed."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fourfold.accounts.models import User
from fourfold.consumption.models import Allocation, Reservation, StandingShare
from fourfold.consumption.selectors import reservation_cutoff
from fourfold.coops.models import Cooperative, Membership
from fourfold.coops.selectors import coop_today
from fourfold.coops.vocabulary import service_or_good
from fourfold.governance.models import Proposal, Vote
from fourfold.insights.principles import STATUSES, principles_audit
from fourfold.ledger.models import Account
from fourfold.ledger.selectors import PlannedTransfer, settlement_plan
from fourfold.ledger.statements import waiting_across
from fourfold.lib.money import from_minor
from fourfold.production.models import Batch, Shift, Swap, Unavailability

WEEK_DAYS = 7  # today and the six days after it, in each co-op's own dates


class Kind:
    SHIFT = "shift"  # produce a batch
    TAKE = "take"  # a batch I take a share of
    COLLECT = "collect"  # my share of a made batch, still to pick up
    CONFIRM = "confirm"  # an entry waiting for my say
    VOTE = "vote"  # an open proposal I have not voted on
    SWAP = "swap"  # another member's shift I could take

    ALL = (SHIFT, TAKE, COLLECT, CONFIRM, VOTE, SWAP)


@dataclass(frozen=True)
class WeekItem:
    """One thing to do. ``ref`` is the id of what the action acts on: the shift to offer,
    the batch to take from or collect, the entry to confirm, the proposal to vote on, the swap
    to take. ``when`` is a local date (shifts, batches) or an instant (deadlines)."""

    kind: str
    coop: Cooperative
    when: date | datetime
    title: str
    ref: int
    batch_id: int | None = None
    units: int | None = None
    people: list[str] = field(default_factory=list)  # co-producers, who offers, who entered
    amount: Decimal | None = None
    deadline: datetime | None = None  # reservations close, the entry lapses
    offered: bool = False  # my shift is on the swap board already

    @property
    def moment(self) -> datetime:
        """``when`` as an instant, to put days and deadlines in one order: a day counts from
        its start in the co-op's zone."""
        if isinstance(self.when, datetime):
            return self.when
        return datetime.combine(self.when, time(0), tzinfo=self.coop.zone)


@dataclass(frozen=True)
class Owing:
    """My balance in a co-op (positive: it owes me) and the settle-up plan's transfers that
    name me; none while costs wait to be allocated (``unallocated``)."""

    coop: Cooperative
    balance: Decimal
    transfers: list[PlannedTransfer]
    unallocated: Decimal

    @property
    def owed(self) -> Decimal:
        """What I owe the co-op (negative: what it owes me)."""
        return -self.balance


@dataclass(frozen=True)
class Health:
    """A co-op's principles audit counted by status: holds, at_risk, broken, not_yet."""

    coop: Cooperative
    counts: dict[str, int]


@dataclass(frozen=True)
class Week:
    start: date  # the earliest of the co-ops' todays
    end: date  # the latest last day
    coops: list[Cooperative]
    items: list[WeekItem]
    owing: list[Owing]


@dataclass(frozen=True)
class _Span:
    today: date
    last: date

    def holds(self, day: date) -> bool:
        return self.today <= day <= self.last


def _span(today: date) -> _Span:
    return _Span(today, today + timedelta(days=WEEK_DAYS - 1))


def member_week(
    *, user: User, coop: Cooperative | None = None, now: datetime | None = None
) -> Week:
    """What ``user`` has to do in the next seven days in every co-op where they are an active
    member (or in ``coop`` alone), in time order, and where they owe or are owed."""
    now = now or timezone.now()
    memberships = Membership.objects.filter(user=user, status=Membership.Status.ACTIVE)
    if coop is not None:
        memberships = memberships.filter(coop=coop)
    coops = [m.coop for m in memberships.select_related("coop").order_by("coop__name", "coop_id")]
    spans = {c.pk: _span(coop_today(c, now=now)) for c in coops}
    if not coops:
        # Nowhere active: the week of the co-op asked about, else the week in UTC.
        empty = _span(coop_today(coop, now=now) if coop else now.astimezone(UTC).date())
        return Week(start=empty.today, end=empty.last, coops=[], items=[], owing=[])
    by_id = {c.pk: c for c in coops}
    start = min(s.today for s in spans.values())
    end = max(s.last for s in spans.values())
    items = [
        *_production(user, by_id, spans, start, end),
        *_collecting(user, by_id, spans, start, end),
        *_confirming(user, by_id, now),
        *_voting(user, by_id, now),
    ]
    items.sort(key=lambda item: (item.moment, Kind.ALL.index(item.kind), item.ref))
    return Week(start=start, end=end, coops=coops, items=items, owing=_owing(user, by_id))


def _production(
    user: User, coops: dict[int, Cooperative], spans: dict[int, _Span], start: date, end: date
) -> list[WeekItem]:
    """My shifts, the batches I take from and the shifts offered that I could take: three
    queries for the batches of the week with their shifts and my reservations, two more for my
    standing shares and my days away."""
    open_swap = Swap.objects.filter(shift=OuterRef("pk"), status=Swap.Status.OPEN).values("pk")[:1]
    shifts = (
        Shift.objects.select_related("member")
        .annotate(open_swap=Subquery(open_swap))
        .order_by("slot")
    )
    week_batches = (
        Batch.objects.filter(
            coop_id__in=list(coops), date__gte=start, date__lte=end, status=Batch.Status.PLANNED
        )
        .prefetch_related(
            Prefetch("shifts", shifts),
            Prefetch(
                "reservations", Reservation.objects.filter(member=user), to_attr="my_reservations"
            ),
        )
        .order_by("date", "pk")
    )
    shares = {
        share.coop_id: 0 if share.paused else share.units
        for share in StandingShare.objects.filter(member=user, coop_id__in=list(coops))
    }
    away = list(
        Unavailability.objects.filter(
            member=user, coop_id__in=list(coops), end__gte=start, start__lte=end
        ).values_list("coop_id", "start", "end")
    )
    items: list[WeekItem] = []
    for batch in week_batches:
        coop = coops[batch.coop_id]
        if not spans[coop.pk].holds(batch.date):
            continue
        batch_shifts = list(batch.shifts.all())
        mine = next((s for s in batch_shifts if s.member_id == user.pk), None)
        amount = _("%(n)d %(unit)s of %(product)s") % {
            "n": batch.planned_quantity,
            "unit": coop.unit_for(batch.planned_quantity),
            "product": coop.product,
        }
        if mine is not None and not mine.done:
            items.append(
                WeekItem(
                    kind=Kind.SHIFT,
                    coop=coop,
                    when=batch.date,
                    title=service_or_good(coop, _("Produce %(amount)s"), _("Give %(amount)s"))
                    % {"amount": amount},
                    ref=mine.pk,
                    batch_id=batch.pk,
                    people=[
                        s.member.username
                        for s in batch_shifts
                        if s.member is not None and s.pk != mine.pk
                    ],
                    offered=_offer(mine) is not None,
                )
            )
        is_away = any(c == coop.pk and first <= batch.date <= last for c, first, last in away)
        offers = [(s, _offer(s)) for s in batch_shifts] if mine is None and not is_away else []
        for shift, offer in offers:
            if offer is None or shift.member is None:
                continue
            items.append(
                WeekItem(
                    kind=Kind.SWAP,
                    coop=coop,
                    when=batch.date,
                    title=_("Take %(name)s's shift: %(amount)s")
                    % {"name": shift.member.username, "amount": amount},
                    ref=offer,
                    batch_id=batch.pk,
                    people=[shift.member.username],
                )
            )
        reserved = batch.my_reservations
        units = reserved[0].units if reserved else shares.get(coop.pk, 0)
        if units:
            items.append(
                WeekItem(
                    kind=Kind.TAKE,
                    coop=coop,
                    when=batch.date,
                    title=ngettext(
                        "Take %(n)d %(unit)s of %(product)s",
                        "Take %(n)d %(unit)s of %(product)s",
                        units,
                    )
                    % {"n": units, "unit": coop.unit_for(units), "product": coop.product},
                    ref=batch.pk,
                    batch_id=batch.pk,
                    units=units,
                    deadline=reservation_cutoff(batch, coop),
                )
            )
    return items


def _offer(shift: Shift) -> int | None:
    """The open swap of ``shift``, which ``_production``'s query annotates."""
    return shift.open_swap  # type: ignore[attr-defined]


def _collecting(
    user: User, coops: dict[int, Cooperative], spans: dict[int, _Span], start: date, end: date
) -> list[WeekItem]:
    """My shares of made batches not collected yet, while their pick-up days last: one query.
    The item's day is the last day to pick up."""
    longest = max(c.pickup_days for c in coops.values())
    rows = (
        Allocation.objects.filter(
            member=user,
            batch__coop_id__in=list(coops),
            batch__status=Batch.Status.MADE,
            batch__date__gte=start - timedelta(days=longest),
            batch__date__lte=end,
            collected_at__isnull=True,
            units__gt=0,
        )
        .select_related("batch")
        .order_by("batch__date", "pk")
    )
    items = []
    for allocation in rows:
        batch = allocation.batch
        coop = coops[batch.coop_id]
        last_day = batch.date + timedelta(days=coop.pickup_days)
        span = spans[coop.pk]
        if last_day < span.today or batch.date > span.last:
            continue
        items.append(
            WeekItem(
                kind=Kind.COLLECT,
                coop=coop,
                when=last_day,
                title=service_or_good(
                    coop,
                    ngettext(
                        "Collect %(n)d %(unit)s of %(product)s",
                        "Collect %(n)d %(unit)s of %(product)s",
                        allocation.units,
                    ),
                    ngettext(
                        "Use %(n)d %(unit)s of %(product)s",
                        "Use %(n)d %(unit)s of %(product)s",
                        allocation.units,
                    ),
                )
                % {
                    "n": allocation.units,
                    "unit": coop.unit_for(allocation.units),
                    "product": coop.product,
                },
                ref=batch.pk,
                batch_id=batch.pk,
                units=allocation.units,
            )
        )
    return items


def _confirming(user: User, coops: dict[int, Cooperative], now: datetime) -> list[WeekItem]:
    """The entries waiting for my say, whenever they lapse: they move no money until I
    answer. Due at their lapse (or now, when they never lapse)."""
    items = []
    for entry in waiting_across(coop_ids=coops, member=user):
        if entry.lapses_at is not None and entry.lapses_at <= now:
            continue  # lapsed: nothing left to confirm
        coop = coops[entry.coop_id]
        items.append(
            WeekItem(
                kind=Kind.CONFIRM,
                coop=coop,
                when=entry.lapses_at or now,
                title=_("Confirm entry #%(id)d: %(kind)s%(what)s")
                % {
                    "id": entry.pk,
                    "kind": entry.get_kind_display(),
                    "what": f" ({entry.description})" if entry.description else "",
                },
                ref=entry.pk,
                people=[entry.entered_by.username],
                amount=entry.amount,
                deadline=entry.lapses_at,
            )
        )
    return items


def _voting(user: User, coops: dict[int, Cooperative], now: datetime) -> list[WeekItem]:
    """Every open proposal I have not voted on, due when its vote closes: one query. (A
    member is not asked to vote on their own removal.)"""
    voted = Vote.objects.filter(proposal=OuterRef("pk"), member=user)
    proposals = (
        Proposal.objects.filter(
            coop_id__in=list(coops), status=Proposal.Status.OPEN, closes_at__gt=now
        )
        .exclude(Exists(voted))
        .exclude(Q(kind=Proposal.Kind.REMOVE_MEMBER) & Q(subject=user))
        .order_by("closes_at", "pk")
    )
    return [
        WeekItem(
            kind=Kind.VOTE,
            coop=coops[proposal.coop_id],
            when=proposal.closes_at,
            title=_("Vote on “%(title)s”") % {"title": proposal.title},
            ref=proposal.pk,
            deadline=proposal.closes_at,
        )
        for proposal in proposals
    ]


def _owing(user: User, coops: dict[int, Cooperative]) -> list[Owing]:
    """Where I owe or am owed: one query for my balances, then the settle-up plan of only
    those co-ops."""
    totals = dict(
        Account.objects.filter(
            user=user, coop_id__in=list(coops), kind=Account.Kind.MEMBER
        ).values_list("coop_id", "total_minor")
    )
    owing = []
    for coop in coops.values():
        # A member's account is credit-normal: a positive total is what they owe.
        if not totals.get(coop.pk):
            continue
        plan = settlement_plan(coop=coop)
        owing.append(
            Owing(
                coop=coop,
                balance=from_minor(-totals[coop.pk], coop.currency),
                transfers=[
                    t
                    for t in plan.transfers
                    if user.pk in {p.pk for p in (t.payer, t.payee) if p is not None}
                ],
                unallocated=plan.unallocated,
            )
        )
    return owing


def coop_health(*, coop: Cooperative, today: date | None = None) -> Health:
    """One line of a co-op's health: how many of its principles hold, are at risk, broken or
    not measured yet. The full audit's queries: read it one co-op at a time."""
    counts = Counter(p.status for p in principles_audit(coop=coop, today=today))
    return Health(coop=coop, counts={status: counts.get(status, 0) for status in STATUSES})
