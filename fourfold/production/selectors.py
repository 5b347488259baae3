"""Reads about production: batches, shifts, availability, the rotation's explanation."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from django.db.models import Prefetch, Q, QuerySet

from fourfold.accounts.models import User
from fourfold.coops.models import Cooperative, Membership
from fourfold.coops.selectors import MEMBER_STATUSES, active_members, coop_today
from fourfold.production.models import Batch, CalendarFeed, Shift, Swap, Unavailability

HISTORY_WEEKS = 12


def rotation_weights(*, members: list[User], shares: Mapping[int, int]) -> dict[int, Fraction]:
    """Each producer's weight in the rotation: their standing share of the product, so that
    their share of the production follows ("producers as consumers"). Equal while nobody has
    a standing share yet. ``shares``: consumption's ``share_weights``, passed in."""
    if not any(shares.get(member.pk, 0) for member in members):
        return {member.pk: Fraction(1) for member in members}
    return {member.pk: Fraction(shares.get(member.pk, 0)) for member in members}


def active_producers(*, coop: Cooperative) -> list[User]:
    """Only active members produce: paused and former members are never assigned."""
    return list(active_members(coop=coop))


def batches(
    *,
    coop: Cooperative,
    start: date | None = None,
    end: date | None = None,
    status: str | None = None,
) -> QuerySet[Batch]:
    items = Batch.objects.filter(coop=coop)
    if start:
        items = items.filter(date__gte=start)
    if end:
        items = items.filter(date__lte=end)
    if status:
        items = items.filter(status=status)
    shifts = Shift.objects.select_related("member").order_by("slot")
    return items.prefetch_related(Prefetch("shifts", shifts)).order_by("date")


def batch_for_coop(*, coop: Cooperative, pk: int) -> Batch | None:
    return batches(coop=coop).filter(pk=pk).first()


def shifts(
    *,
    coop: Cooperative,
    member: User | None = None,
    start: date | None = None,
    end: date | None = None,
) -> QuerySet[Shift]:
    items = Shift.objects.filter(batch__coop=coop).select_related("batch", "member")
    if member is not None:
        items = items.filter(member=member)
    if start:
        items = items.filter(batch__date__gte=start)
    if end:
        items = items.filter(batch__date__lte=end)
    open_swaps = Swap.objects.filter(status=Swap.Status.OPEN)
    return items.prefetch_related(Prefetch("swaps", open_swaps, to_attr="open_swaps")).order_by(
        "batch__date", "slot"
    )


def shift_for_coop(*, coop: Cooperative, pk: int) -> Shift | None:
    return shifts(coop=coop).filter(pk=pk).first()


def unavailability(
    *, coop: Cooperative, member: User, from_date: date | None = None
) -> QuerySet[Unavailability]:
    items = Unavailability.objects.filter(coop=coop, member=member)
    if from_date:
        items = items.filter(end__gte=from_date)
    return items.order_by("start")


def open_swaps(*, coop: Cooperative) -> QuerySet[Swap]:
    return (
        Swap.objects.filter(
            shift__batch__coop=coop,
            status=Swap.Status.OPEN,
            shift__batch__date__gte=coop_today(coop),
        )
        .select_related("shift__batch", "offered_by")
        .order_by("shift__batch__date")
    )


def swap_for_coop(*, coop: Cooperative, pk: int) -> Swap | None:
    return (
        Swap.objects.filter(shift__batch__coop=coop, pk=pk)
        .select_related("shift__batch", "offered_by", "taken_by")
        .first()
    )


def is_away(*, coop: Cooperative, member: User, on: date) -> bool:
    return Unavailability.objects.filter(
        coop=coop, member=member, start__lte=on, end__gte=on
    ).exists()


@dataclass(frozen=True)
class MonthConsistency:
    month: date  # the first of the month
    planned: int
    on_target: int

    @property
    def ratio(self) -> float | None:
        return self.on_target / self.planned if self.planned else None


@dataclass(frozen=True)
class Consistency:
    planned: int
    on_target: int
    months: list[MonthConsistency]

    @property
    def ratio(self) -> float | None:
        return self.on_target / self.planned if self.planned else None


def consistency(*, coop: Cooperative, since: date | None = None) -> Consistency:
    """Batches made on their date at or above target, over batches due: those of the days
    before today, and today's once it is recorded (the day is not over before that)."""
    today = coop_today(coop)
    rows = Batch.objects.filter(coop=coop).filter(
        Q(date__lt=today) | Q(date=today, status__in=[Batch.Status.MADE, Batch.Status.MISSED])
    )
    if since:
        rows = rows.filter(date__gte=since)
    months: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for day, status, planned, made in rows.values_list(
        "date", "status", "planned_quantity", "made_quantity"
    ):
        month = months[day.replace(day=1)]
        month[0] += 1
        if status == Batch.Status.MADE and made is not None and made >= planned:
            month[1] += 1
    by_month = [
        MonthConsistency(month=m, planned=p, on_target=o) for m, (p, o) in sorted(months.items())
    ]
    return Consistency(
        planned=sum(m.planned for m in by_month),
        on_target=sum(m.on_target for m in by_month),
        months=by_month,
    )


def calendar_feed(*, coop: Cooperative, member: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(coop=coop, member=member).first()


def feed_of(*, coop: Cooperative, member: User) -> CalendarFeed | None:
    """The member's calendar address in this co-op, if they made one."""
    return CalendarFeed.objects.filter(coop=coop, member=member).first()


def feed_for_token(*, token: str) -> CalendarFeed | None:
    """The feed behind a secret token, while its member still belongs to the co-op and their
    account is not switched off."""
    feed = CalendarFeed.objects.select_related("coop", "member").filter(token=token).first()
    if feed is None or not feed.member.is_active:
        return None
    belongs = Membership.objects.filter(
        coop=feed.coop, user=feed.member, status__in=MEMBER_STATUSES
    ).exists()
    return feed if belongs else None


@dataclass(frozen=True)
class RotationExplanation:
    planned: int
    done_recently: int
    fair_share: Fraction
    total: int
    weight_share: Fraction
    away_on: list[date]


def rotation_explanation(
    *, coop: Cooperative, member: User, shares: Mapping[int, int]
) -> RotationExplanation:
    """Why a member has the shifts they have: their count, their fair share and their days away,
    over the same history and window the rotation uses."""
    today = coop_today(coop)
    history_start = today - timedelta(weeks=HISTORY_WEEKS)
    producers = active_producers(coop=coop)
    # The places the producers share, as the rotation counts them: the planned ones and those
    # made today, open or theirs (a former member's done shifts are not theirs to share).
    theirs = Q(member__isnull=True) | Q(member__in=producers)
    window = Shift.objects.filter(
        Q(batch__status=Batch.Status.PLANNED) | Q(done=True),
        theirs,
        batch__coop=coop,
        batch__date__gte=today,
    )
    history = Shift.objects.filter(
        batch__coop=coop,
        batch__date__gte=history_start,
        batch__date__lt=today,
        done=True,
        member__in=producers,
    )
    total = window.count() + history.count()
    weights = rotation_weights(members=producers, shares=shares)
    weight_sum = sum(weights.values())
    weight = weights.get(member.pk, Fraction(0))
    share = weight / weight_sum if weight_sum else Fraction(0)
    last = Batch.objects.filter(coop=coop).order_by("-date").values_list("date", flat=True).first()
    away = Unavailability.objects.filter(coop=coop, member=member, end__gte=today)
    batch_days = set(
        Batch.objects.filter(coop=coop, date__gte=today).values_list("date", flat=True)
    )
    away_on = sorted(
        day
        for spell in away
        for day in _days(spell.start, spell.end)
        if day in batch_days and (last is None or day <= last)
    )
    return RotationExplanation(
        planned=window.filter(member=member).count(),
        done_recently=history.filter(member=member).count(),
        fair_share=total * share,
        total=total,
        weight_share=share,
        away_on=away_on,
    )


def _days(start: date, end: date):
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def upcoming_for_member(*, coop: Cooperative, member: User) -> QuerySet[Shift]:
    return shifts(coop=coop, member=member, start=coop_today(coop))
