"""Money flows that reach other domains: an expense for a made batch is charged to the
batch's consumers by the units they received (consumption)."""

from __future__ import annotations

from django.db import transaction

from fourfold.accounts.models import User
from fourfold.consumption import services as consumption
from fourfold.coops.models import Cooperative
from fourfold.ledger import consent
from fourfold.ledger import entries as ledger_entries
from fourfold.ledger import services as ledger
from fourfold.ledger.models import Transaction
from fourfold.ledger.retry import retry_on_conflict


def _charge_batch(entry: Transaction, *, split, by) -> None:
    """A cost for a batch, not split by hand, goes to the batch's consumers by units received:
    now if the batch is made (consumption says who they are), else when it is. An expense
    waiting for its payer's consent is charged when they confirm it."""
    if (
        entry.kind == Transaction.Kind.EXPENSE
        and split is None
        and entry.batch is not None
        and not entry.awaits_consent
    ):
        consumption.batch_costs_allocate(batch=entry.batch, by=by)


@retry_on_conflict
def expense_post(*, split=None, **fields) -> Transaction:
    """``ledger.services.expense_post`` (same arguments), then the batch's charges."""
    with transaction.atomic():
        expense = ledger.expense_post(split=split, **fields)
        _charge_batch(expense, split=split, by=fields["entered_by"])
    return expense


@retry_on_conflict
def entry_record(*, split=None, **fields) -> Transaction:
    """``ledger.entries.entry_record`` (same arguments), then the batch's charges."""
    with transaction.atomic():
        entry = ledger_entries.entry_record(split=split, **fields)
        _charge_batch(entry, split=split, by=fields["entered_by"])
    return entry


@retry_on_conflict
def entry_confirm(*, coop: Cooperative, transaction_id: int, member: User) -> Transaction:
    """``ledger.consent.entry_confirm``; an expense for a made batch that this confirmation
    posts is then charged to the batch's consumers."""
    with transaction.atomic():
        entry = consent.entry_confirm(coop=coop, transaction_id=transaction_id, member=member)
        posted = getattr(entry, "outcome", None) is not None
        for_batch = entry.kind == Transaction.Kind.EXPENSE and entry.batch_id is not None
        if posted and for_batch and not entry.allocations.exists():
            consumption.batch_costs_allocate(batch=entry.batch, by=member)
        elif posted and entry.kind == Transaction.Kind.EXPENSE:
            consumption.period_catch_up(expense=entry, by=member)
    return entry
