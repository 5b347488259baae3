"""What the members decide to end early: a spread cost (its rest to the next batch made, or
written off equally now) and a regular cost (no period after it is entered). Governance checks
a proposal's shape; these check the books and apply a passed one (``workflows.decisions``)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from fourfold.accounts.models import User
from fourfold.coops.audit import audit_record
from fourfold.coops.models import Cooperative
from fourfold.coops.selectors import active_members, coop_today
from fourfold.errors import Invalid
from fourfold.ledger.costs import cost_allocate
from fourfold.ledger.models import RecurringCost, Spread, SpreadEnd, Transaction
from fourfold.ledger.selectors import spread_schedule, spreads_charged
from fourfold.lib.money import from_minor


def spread_require_live(*, coop: Cooperative, transaction_id: int) -> Transaction:
    """The posted, unreversed spread expense still charging that a proposal may end."""
    expense = (
        Transaction.objects.posted()
        .filter(coop=coop, pk=transaction_id, kind=Transaction.Kind.EXPENSE)
        .filter(reversed_by__isnull=True, spread__isnull=False)
        .select_related("coop", "spread")
        .first()
    )
    if expense is None:
        raise Invalid(_("Entry #%(id)d is no spread cost of this co-op.") % {"id": transaction_id})
    if SpreadEnd.objects.filter(spread=expense.spread).exists():
        raise Invalid(_("The spread of entry #%(id)d has ended already.") % {"id": expense.pk})
    schedule = spread_schedule(expense)
    if schedule is None or schedule.remaining <= 0:
        raise Invalid(_("Entry #%(id)d is charged in full already.") % {"id": expense.pk})
    return expense


def spread_endable(expense: Transaction) -> bool:
    """Whether a proposal may end this expense's spread now: what ``spread_require_live``
    asks, so a page offers what the rules accept."""
    try:
        spread_require_live(coop=expense.coop, transaction_id=expense.pk)
    except Invalid:
        return False
    return True


def spreads_endable(*, coop: Cooperative) -> list[tuple[Transaction, Decimal]]:
    """The spread expenses a proposal may end now, oldest first, each with what it has still
    to charge: posted, not reversed, not ended, not charged in full. Two queries."""
    expenses = list(
        Transaction.objects.posted()
        .filter(coop=coop, kind=Transaction.Kind.EXPENSE, reversed_by__isnull=True)
        .filter(spread__isnull=False, spread__ending__isnull=True)
        .select_related("coop")
        .order_by("pk")
    )
    charged = spreads_charged([expense.pk for expense in expenses])
    rest = [
        (expense, from_minor(expense.amount_minor - charged[expense.pk], coop.currency))
        for expense in expenses
    ]
    return [(expense, remaining) for expense, remaining in rest if remaining > 0]


def spread_end(
    *, coop: Cooperative, transaction_id: int, rest: str, by: User, proposal_id: int, now: datetime
) -> SpreadEnd:
    """End the spread now: no more parts; the rest whole to the next batch made, or written
    off now, shared equally by the active members."""
    with transaction.atomic():
        Spread.objects.select_for_update().filter(expense_id=transaction_id).first()
        expense = spread_require_live(coop=coop, transaction_id=transaction_id)
        schedule = spread_schedule(expense)
        assert schedule is not None  # a live spread has one
        ending = SpreadEnd.objects.create(
            spread=expense.spread,
            rest=rest,
            ended_on=coop_today(coop, now=now),
            proposal_id=proposal_id,
        )
        if rest == SpreadEnd.Rest.WRITE_OFF:
            cost_allocate(
                coop=coop,
                amount=schedule.remaining,
                category=expense.category,
                weights=dict.fromkeys(active_members(coop=coop), 1),
                entered_by=by,
                of_expense=expense,
                description=_("Written off by proposal #%(id)d") % {"id": proposal_id},
                occurred_on=ending.ended_on,
            )
        audit_record(
            coop=coop,
            actor=None,
            action="ledger.spread_ended",
            at=now,
            transaction=expense.pk,
            rest=rest,
            remaining=str(schedule.remaining),
            proposal=proposal_id,
        )
    return ending


def recurring_require_running(*, coop: Cooperative, recurring_id: int) -> RecurringCost:
    cost = RecurringCost.objects.filter(coop=coop, pk=recurring_id).first()
    if cost is None:
        raise Invalid(_("No regular cost #%(id)d in this co-op.") % {"id": recurring_id})
    if cost.ended_at is not None:
        raise Invalid(_("Regular cost #%(id)d has ended already.") % {"id": recurring_id})
    return cost


def recurring_costs_running(*, coop: Cooperative) -> QuerySet[RecurringCost]:
    """The regular costs a proposal may end: those not ended yet, oldest first."""
    return (
        RecurringCost.objects.filter(coop=coop, ended_at__isnull=True)
        .select_related("coop")
        .order_by("pk")
    )


def recurring_end_decided(
    *, coop: Cooperative, recurring_id: int, proposal_id: int, now: datetime
) -> RecurringCost | None:
    """The members ended a regular cost: no period after today is entered. Ended meanwhile by
    its payer, nothing more happens."""
    with transaction.atomic():
        cost = RecurringCost.objects.select_for_update().filter(coop=coop, pk=recurring_id).first()
        if cost is None or cost.ended_at is not None:
            return None
        cost.ended_at, cost.ended_by_proposal = now, proposal_id
        cost.save(update_fields=["ended_at", "ended_by_proposal"])
        audit_record(
            coop=coop,
            actor=None,
            action="ledger.recurring_ended",
            at=now,
            recurring=cost.pk,
            description=cost.description,
            proposal=proposal_id,
        )
    return cost
