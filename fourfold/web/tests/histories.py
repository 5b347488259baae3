"""A co-op with some weeks behind it, built through the services as members would have; and
smaller stories the page tests share."""

from __future__ import annotations

from datetime import timedelta

from fourfold.accounts.models import User
from fourfold.consumption import services as consumption
from fourfold.coops.models import Cooperative
from fourfold.coops.selectors import coop_today
from fourfold.ledger.models import Transaction
from fourfold.production import services as production
from fourfold.production.models import Batch, Shift
from fourfold.workflows import decisions as decisions_flow
from fourfold.workflows import money as money_flow
from fourfold.workflows import production as production_flow


def build_history(
    coop: Cooperative,
    people: list[User],
    *,
    weeks: int = 10,
    missed: tuple[int, ...] = (),
    short: tuple[int, ...] = (),
    shares: int | None = None,
    titles: tuple[str, ...] = ("Add a vanilla batch", "Buy a second pot"),
) -> None:
    """``weeks`` Sundays before today planned and recorded (``missed`` and ``short`` are week
    numbers counted back from today), each made batch's milk paid by a member in turn and shared
    by units taken; every member but the last takes a standing share (so the last never
    produces), and all but the last vote on the proposals ``titles``."""
    today = coop_today(coop)
    takers = people[:-1] if len(people) > 1 else people
    for index, person in enumerate(takers):
        consumption.share_set(coop=coop, member=person, units=shares or 1 + index % 3)
    for week in range(weeks, 0, -1):
        day = today - timedelta(weeks=week)
        production_flow.batches_plan(coop=coop, weeks=1, by=None, today=day)
        for batch in Batch.objects.filter(
            coop=coop, status=Batch.Status.PLANNED, date__gte=day, date__lt=day + timedelta(days=7)
        ):
            producer = Shift.objects.filter(batch=batch).exclude(member=None).first().member
            if week in missed:
                production.batch_record_missed(
                    batch=batch, by=producer, reason="no milk", today=batch.date
                )
                continue
            payer = takers[week % len(takers)]
            money_flow.expense_post(
                coop=coop,
                payer=payer,
                amount="38.40",
                category="ingredients",
                supplier="Valley Farm",
                description="milk",
                entered_by=payer,
                batch=batch,
                occurred_on=batch.date,
            )
            quantity = coop.target_quantity - (2 if week in short else 0)
            production_flow.batch_record_made(
                batch=batch, by=producer, quantity=quantity, hours="3", today=batch.date
            )
    for title in titles:
        proposal = decisions_flow.proposal_open(
            coop=coop, by=takers[0], kind="general", title=title
        )
        for person in takers:
            decisions_flow.vote_cast(proposal=proposal, member=person, position="agree")


def milk_paid_by_alice(personas) -> Transaction:
    """Bob records an expense Alice paid: it waits for Alice."""
    return money_flow.expense_post(
        coop=personas.coop,
        payer=personas.alice,
        amount="40.00",
        category="ingredients",
        supplier="Valley Farm",
        description="milk",
        entered_by=personas.bob,
        split={personas.alice: 1, personas.bob: 1},
    )
