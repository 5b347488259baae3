"""Recurring costs: rent, insurance, a storage unit. Each period the round enters the period's
expense as if the member who set the cost up had entered it that day, so it waits for its
payer's say (a second member's for the pool) like any other entry naming someone else.

How the period's cost reaches the batches is the co-op's general-cost rule: shared equally
among active members at once, or, by units, over the batches made within the period
(``ledger.periods``; a period posted after some of them were made is caught up by
``consumption.services.period_catch_up``).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateutil.rrule import rrule
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fourfold.accounts.models import User
from fourfold.coops.audit import audit_record
from fourfold.coops.models import Cooperative
from fourfold.coops.selectors import active_members, coop_today, member_by_username
from fourfold.coops.services import member_require_active
from fourfold.errors import Conflict, FourfoldError, Invalid, NotFound, PrincipleViolation
from fourfold.ledger.models import RecurringCost, RecurringPeriod, Transaction
from fourfold.ledger.posting import parse_amount
from fourfold.ledger.principles import (
    POOL,
    category_clean,
    require_confirmed_if_large,
    supplier_refuse,
    words_check,
)
from fourfold.ledger.services import contribution_post, expense_post
from fourfold.lib.dates import (
    DAY_CODES,
    date_within_reach,
    describe_cadence,
    normalise_cadence,
    parse_cadence,
)
from fourfold.lib.money import to_minor

logger = logging.getLogger(__name__)

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHLY = re.compile(
    r"(?:monthly|every month)(?: on)?(?: the| day)? ?(\d{1,2})(?:st|nd|rd|th)?(?: of the month)?"
)
_WEEKLY = re.compile(r"(?:weekly on|every week on|every) (" + "|".join(_WEEKDAYS) + r")s?")
# Days a month always has: "on the 31st" would skip the months without one.
MONTH_DAYS = range(1, 29)


def cadence_from_words(text: str) -> str:
    """The RRULE for a cadence given in plain English ("monthly on the 1st", "every month on
    day 15", "weekly on Monday", "every Friday") or as an RRULE; ``Invalid`` otherwise."""
    words = " ".join(text.lower().split())
    if match := _MONTHLY.fullmatch(words):
        day = int(match.group(1))
        if day not in MONTH_DAYS:
            raise Invalid(
                _("Choose a day of the month from 1 to 28: every month has it."), field="cadence"
            )
        return f"FREQ=MONTHLY;BYMONTHDAY={day}"
    if match := _WEEKLY.fullmatch(words):
        return f"FREQ=WEEKLY;BYDAY={DAY_CODES[_WEEKDAYS.index(match.group(1))]}"
    try:
        parse_cadence(text)
    except ValueError as error:
        raise Invalid(
            _(
                "Give the cadence as “monthly on the 1st”, “weekly on Monday” or an RRULE "
                "(%(reason)s)."
            )
            % {"reason": error},
            field="cadence",
        ) from error
    return normalise_cadence(text)


def cadence_words(rule: str) -> str:
    return describe_cadence(rule) or rule


def cost_rule(cost: RecurringCost) -> rrule:
    zone = cost.coop.zone
    return parse_cadence(cost.cadence, tz=cost.coop.timezone).replace(
        dtstart=datetime.combine(cost.starts, time(12), tzinfo=zone)
    )


def periods_between(cost: RecurringCost, first: date, last: date) -> list[date]:
    """The cost's period dates from ``first`` to ``last`` (inclusive), in the co-op's zone,
    never before it starts nor after it ends."""
    first = max(first, cost.starts)
    if cost.ends is not None:
        last = min(last, cost.ends)
    if first > last:
        return []
    zone = cost.coop.zone
    return [
        moment.date()
        for moment in cost_rule(cost).between(
            datetime.combine(first, time(0), tzinfo=zone),
            datetime.combine(last, time(23, 59), tzinfo=zone),
            inc=True,
        )
    ]


def next_period(cost: RecurringCost) -> date | None:
    """The first period not yet entered; None once it has ended."""
    if cost.ended_at is not None:
        return None
    after = cost.last_period + timedelta(days=1) if cost.last_period else cost.starts
    zone = cost.coop.zone
    moment = cost_rule(cost).after(datetime.combine(after, time(0), tzinfo=zone), inc=True)
    if moment is None or (cost.ends is not None and moment.date() > cost.ends):
        return None
    return moment.date()


def payer_named(*, coop: Cooperative, name: str | None, by: User) -> User | None:
    """Who pays, by username (``"pool"``: the pool; none given: ``by``). A name that is no
    member of this co-op is refused without telling whether such an account exists."""
    if name is None:
        return by
    if name.strip().lower() == POOL:
        return None
    user = member_by_username(coop=coop, username=name.strip())
    if user is None:
        raise PrincipleViolation(
            "self_funded",
            _("%(name)s is not a member of this co-op (payer).") % {"name": name.strip()},
        )
    return user


def recurring_costs(*, coop: Cooperative) -> QuerySet[RecurringCost]:
    """The co-op's recurring costs, running ones first, newest first."""
    return (
        RecurringCost.objects.filter(coop=coop)
        .select_related("coop", "payer", "created_by", "ended_by")
        .order_by("ended_at", "-created_at", "-pk")
    )


def recurring_for_coop(*, coop: Cooperative, pk: int) -> RecurringCost:
    cost = recurring_costs(coop=coop).filter(pk=pk).first()
    if cost is None:
        raise NotFound(_("No such recurring cost."))
    return cost


def recurring_create(
    *,
    coop: Cooperative,
    by: User,
    amount,
    category: str,
    cadence: str,
    starts: date,
    payer: User | None,
    kind: str = RecurringCost.Kind.EXPENSE,
    description: str = "",
    supplier: str = "",
    ends: date | None = None,
    confirm_large: bool = False,
    declare: str = "",
    now: datetime | None = None,
) -> RecurringCost:
    """Set up a recurring cost; any active member may. Checked as an expense is, once, here:
    each period's entry carries the same answers. ``kind="contribution"``: the member's own
    regular pay-in into the pool (a member pays in only their own money)."""
    member_require_active(coop=coop, user=by, action=_("set up a recurring cost"))
    if kind not in RecurringCost.Kind.values:
        raise Invalid(_("Choose expense or contribution."), field="kind")
    paying_in = kind == RecurringCost.Kind.CONTRIBUTION
    if paying_in:
        if payer is None or payer.pk != by.pk:
            raise Invalid(_("A regular pay-in is your own: you pay it in."), field="payer")
        if supplier.strip():
            raise Invalid(_("A pay-in goes to the pool, not to a supplier."), field="supplier")
        category = ""
    else:
        category = category_clean(category)
        supplier_refuse(supplier, active_members(coop=coop))
    value = parse_amount(amount, currency=coop.currency)
    if payer is not None:
        member_require_active(
            coop=coop, user=payer, action=_("fund the co-op"), principle="self_funded"
        )
    rule = cadence_from_words(cadence)
    now = now or timezone.now()
    today = coop_today(coop, now=now)
    try:
        date_within_reach(starts, today=today)
        if ends is not None:
            date_within_reach(ends, today=today)
    except ValueError as error:
        raise Invalid(str(error), field="ends" if ends is not None else "starts") from error
    if ends is not None and ends < starts:
        raise Invalid(_("It cannot end before it starts."), field="ends")
    declared = words_check(
        kind=Transaction.Kind.CONTRIBUTION if paying_in else Transaction.Kind.EXPENSE,
        declare=declare,
        supplier=supplier,
        description=description,
    )
    require_confirmed_if_large(coop, value, confirm_large)
    with transaction.atomic():
        cost = RecurringCost.objects.create(
            coop=coop,
            kind=kind,
            amount_minor=to_minor(value, coop.currency),
            category=category,
            description=description.strip(),
            supplier=supplier.strip(),
            payer=payer,
            cadence=rule,
            starts=starts,
            ends=ends,
            declared=declared,
            created_by=by,
            created_at=now,
        )
        audit_record(
            coop=coop,
            actor=by,
            action="ledger.recurring_created",
            at=now,
            recurring=cost.pk,
            kind=kind,
            amount=str(value),
            cadence=rule,
            payer=payer.pk if payer else None,
            description=cost.description,
        )
    return cost


def recurring_end(
    *, coop: Cooperative, recurring_id: int, by: User, now: datetime | None = None
) -> RecurringCost:
    """End a recurring cost: no period after this is entered; entries already made stay, to
    be confirmed or declined. Its payer or the member who set it up may end it."""
    now = now or timezone.now()
    with transaction.atomic():
        cost = (
            RecurringCost.objects.select_for_update()
            .filter(coop=coop, pk=recurring_id)
            .select_related("coop")
            .first()
        )
        if cost is None:
            raise NotFound(_("No such recurring cost."))
        if cost.ended_at is not None:
            raise Conflict(_("This recurring cost has ended already."))
        if by.pk not in (cost.payer_id, cost.created_by_id):
            raise Conflict(_("Only its payer or the member who set it up can end it."))
        cost.ended_at, cost.ended_by = now, by
        cost.save(update_fields=["ended_at", "ended_by"])
        audit_record(
            coop=coop,
            actor=by,
            action="ledger.recurring_ended",
            at=now,
            recurring=cost.pk,
            description=cost.description,
        )
    return cost


@dataclass(frozen=True)
class DueResult:
    entries: tuple[Transaction, ...] = ()
    failed: int = 0

    @property
    def entered(self) -> int:
        return len(self.entries)


def _period_enter(cost_id: int, period: date) -> Transaction | None:
    """Enter one period's expense; None when it was entered already (another run)."""
    with transaction.atomic():
        cost = RecurringCost.objects.select_for_update().select_related("coop").get(pk=cost_id)
        if cost.ended_at is not None or (cost.last_period and cost.last_period >= period):
            return None
        description = f"{cost.description} ({period.isoformat()})".strip()
        if cost.kind == RecurringCost.Kind.CONTRIBUTION:
            assert cost.payer is not None  # a pay-in is its member's own
            entry = contribution_post(
                coop=cost.coop,
                payer=cost.payer,
                amount=cost.amount,
                entered_by=cost.created_by,
                description=description,
                occurred_on=period,
                confirm_large=True,
                declare=cost.declared,
            )
        else:
            entry = expense_post(
                coop=cost.coop,
                payer=cost.payer,
                amount=cost.amount,
                category=cost.category,
                entered_by=cost.created_by,
                supplier=cost.supplier,
                description=description,
                occurred_on=period,
                confirm_large=True,
                declare=cost.declared,
            )
        RecurringPeriod.objects.create(recurring=cost, period=period, transaction=entry)
        cost.last_period = period
        cost.save(update_fields=["last_period"])
    return entry


def recurring_due(*, now: datetime | None = None) -> DueResult:
    """Enter every running recurring cost's periods up to today (each co-op's own today).
    Idempotent: a period is entered once however often, and from however many processes,
    this runs. A period refused (the pool short of money, a spending limit) stops its cost
    for this round, logged; the next round tries it again."""
    now = now or timezone.now()
    entries: list[Transaction] = []
    failed = 0
    running = RecurringCost.objects.filter(ended_at__isnull=True).select_related("coop")
    for cost in running.order_by("pk"):
        after = cost.last_period + timedelta(days=1) if cost.last_period else cost.starts
        for period in periods_between(cost, after, coop_today(cost.coop, now=now)):
            try:
                entry = _period_enter(cost.pk, period)
            except FourfoldError:
                logger.warning(
                    "recurring cost %s: the period %s was refused", cost.pk, period, exc_info=True
                )
                failed += 1
                break
            if entry is not None:
                entries.append(entry)
    return DueResult(entries=tuple(entries), failed=failed)
