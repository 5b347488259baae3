"""Bringing back a co-op's regular costs (rent, insurance) from an export, each with the periods
already entered, so that the copy goes on from the next one and enters none twice."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from fourfold.accounts.models import User
from fourfold.coops.models import Cooperative
from fourfold.errors import Invalid, PrincipleViolation
from fourfold.governance.models import Proposal
from fourfold.ledger.models import RecurringCost, RecurringPeriod, Transaction
from fourfold.ledger.principles import category_clean
from fourfold.portability.format import RECURRING_FIELDS
from fourfold.portability.reading import as_list, as_object, money_minor, refused, row_load


def recurring_restore(
    coop: Cooperative,
    rows: list,
    people: dict[str, User],
    postings: dict[int, Transaction],
    proposals: dict[int, Proposal],
) -> list[RecurringCost]:
    """The regular costs in the file's order, each with its periods entered; one the members
    ended names their proposal by its number in the file."""
    costs: list[tuple[RecurringCost, list[tuple[date, Transaction]]]] = []
    for index, raw in enumerate(rows):
        where = f"recurring[{index}]"
        raw = as_object(raw, where)
        cost = RecurringCost(
            coop=coop,
            amount_minor=money_minor(raw.get("amount"), coop.currency, f"{where}.amount"),
            **row_load(RecurringCost, raw, RECURRING_FIELDS, people, where),
        )
        number = raw.get("ended_by_proposal")
        if number is not None:
            if type(number) is not int or number not in proposals:
                raise refused(f"{where}.ended_by_proposal", _("names no proposal of this file"))
            cost.ended_by_proposal = proposals[number].pk
        if cost.kind not in RecurringCost.Kind.values:
            raise refused(f"{where}.kind", _("expected expense or contribution"))
        try:
            if cost.kind == RecurringCost.Kind.EXPENSE:
                category_clean(cost.category)
        except (Invalid, PrincipleViolation) as error:
            raise refused(f"{where}.category", error.detail) from error
        periods: list[tuple[date, Transaction]] = []
        for number, period in enumerate(as_list(raw.get("periods", []), f"{where}.periods")):
            spot = f"{where}.periods[{number}]"
            period = as_object(period, spot)
            number_in_file = period.get("transaction")
            entry = postings.get(number_in_file) if type(number_in_file) is int else None
            if entry is None or entry.kind != cost.kind:
                raise refused(f"{spot}.transaction", _("names no entry of its kind in this file"))
            try:
                day = date.fromisoformat(str(period.get("period")))
            except ValueError as error:
                raise refused(f"{spot}.period", _("expected a date")) from error
            periods.append((day, entry))
        costs.append((cost, periods))
    RecurringCost.objects.bulk_create(cost for cost, _periods in costs)
    RecurringPeriod.objects.bulk_create(
        RecurringPeriod(recurring=cost, period=day, transaction=entry)
        for cost, periods in costs
        for day, entry in periods
    )
    return [cost for cost, _periods in costs]
