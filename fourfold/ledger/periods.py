"""A recurring cost's period falls on the batches made within it: December's hall rent is
shared by December's sessions, not carried whole by the first one (issue #14)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Q, Sum

from fourfold.coops.models import Cooperative
from fourfold.ledger.models import RecurringCost, RecurringPeriod, Transaction
from fourfold.ledger.recurring import cost_rule
from fourfold.lib.money import from_minor, to_minor
from fourfold.production.models import Batch


@dataclass(frozen=True)
class Period:
    """The entry of one period and the days it covers, ``start`` to ``end`` (exclusive)."""

    expense: Transaction
    start: date
    end: date


def period_end(period: RecurringPeriod) -> date:
    """The day the next period starts (the end of this one, exclusive); a cost that ends
    after this period, or whose rule has no next date, covers one cadence step at most."""
    cost = period.recurring
    zone = cost.coop.zone
    moment = cost_rule(cost).after(datetime.combine(period.period, time(23, 59), tzinfo=zone))
    following = moment.date() if moment is not None else period.period + timedelta(days=31)
    if cost.ends is not None and cost.ends < following:
        return max(cost.ends + timedelta(days=1), period.period + timedelta(days=1))
    return following


def period_expense_ids(*, coop: Cooperative):
    """The entries made for recurring costs' periods: a subquery for excluding them from the
    general costs that the next batch made carries whole."""
    return RecurringPeriod.objects.filter(recurring__coop=coop).values("transaction_id")


def periods_owing(
    *, coop: Cooperative, until: date, expense: Transaction | None = None
) -> list[tuple[Period, int]]:
    """The posted, unreversed period entries starting by ``until`` (or just ``expense``'s)
    that their batches have not carried whole, each with the minor units still to charge. One
    query for the periods, one for what they have charged."""
    periods = RecurringPeriod.objects.all()
    if expense is not None:
        periods = periods.filter(transaction=expense)
    rows = list(
        periods.filter(
            recurring__coop=coop,
            recurring__kind=RecurringCost.Kind.EXPENSE,
            period__lte=until,
            transaction__in=Transaction.objects.posted().filter(
                coop=coop, reversed_by__isnull=True
            ),
        )
        .select_related("transaction__coop", "recurring__coop")
        .order_by("period", "pk")
    )
    if not rows:
        return []
    charged = dict(
        Transaction.objects.posted()
        .filter(
            coop=coop,
            kind=Transaction.Kind.COST_ALLOCATION,
            reversed_by__isnull=True,
            allocates__in=[row.transaction_id for row in rows],
        )
        .values("allocates_id")
        .annotate(total=Sum("amount_minor"))
        .values_list("allocates_id", "total")
    )
    owing = []
    for row in rows:
        entry = row.transaction
        due = to_minor(entry.amount, coop.currency) - (charged.get(entry.pk) or 0)
        if due > 0:
            owing.append((Period(expense=entry, start=row.period, end=period_end(row)), due))
    return owing


def period_part(period: Period, due: int, batch: Batch) -> Decimal | None:
    """What this made batch carries of the period's cost still due: none before the period;
    within it, an even share with the period's batches still to carry it (planned, or made
    and not yet charged, as when the entry was confirmed late); all of it once the period is
    over, so a period with no batch made passes its cost to the next one made. Integer
    division leaves the odd cents to the period's last batch."""
    if batch.date < period.start:
        return None
    currency = period.expense.coop.currency
    if batch.date >= period.end:
        return from_minor(due, currency)
    carried = Transaction.objects.filter(
        kind=Transaction.Kind.COST_ALLOCATION, allocates=period.expense, reversed_by__isnull=True
    ).values("batch_id")
    later = (
        Batch.objects.filter(coop=batch.coop, date__gt=batch.date, date__lt=period.end)
        .filter(Q(status=Batch.Status.PLANNED) | (Q(status=Batch.Status.MADE) & ~Q(pk__in=carried)))
        .count()
    )
    return from_minor(due // (later + 1), currency) or None
