""" "Cost charged to a member" is one selector: every page that shows it agrees with the
member's statement, also after a charge was reversed and shared again."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from fourfold.consumption import selectors as consumption_selectors
from fourfold.consumption import services as consumption
from fourfold.ledger import selectors
from fourfold.lib.money import format_money
from fourfold.production.models import Batch, Shift
from fourfold.workflows import money as money_flow
from fourfold.workflows import production as production_flow

pytestmark = pytest.mark.django_db

SUNDAY = date(2026, 3, 1)


@pytest.fixture
def reshared(personas):
    """Alice pays 9.00 for a batch of 3 that she and Bob take 1 each (4.50 apiece); Bob then
    claims the extra, which reverses both charges and charges again: 3.00 and 6.00."""
    with time_machine.travel("2026-03-01 20:00Z", tick=False):
        consumption.share_set(coop=personas.coop, member=personas.alice, units=1)
        consumption.share_set(coop=personas.coop, member=personas.bob, units=1)
        production_flow.batches_plan(
            coop=personas.coop, weeks=1, by=None, today=SUNDAY - timedelta(days=3)
        )
        batch = Batch.objects.get(coop=personas.coop, date=SUNDAY)
        money_flow.expense_post(
            coop=personas.coop,
            payer=personas.alice,
            amount="9.00",
            category="ingredients",
            entered_by=personas.alice,
            batch=batch,
        )
        producer = Shift.objects.filter(batch=batch).exclude(member=None).first().member
        batch = production_flow.batch_record_made(
            batch=batch, by=producer, quantity=3, hours="3", today=SUNDAY
        )
        consumption.extras_claim(batch=batch, member=personas.bob)
    return batch


def _charged_on_statement(client, username: str) -> Decimal:
    lines = client.get(
        "/api/v1/coops/home/ledger/statement", {"member": username, "limit": 100}
    ).json()
    # The only reversals here are of charges; a statement line is the change to the balance.
    return -sum(
        (Decimal(line["amount"]) for line in lines if line["kind"] != "expense"), Decimal(0)
    )


def test_a_reshared_charge_counts_once_everywhere_a_members_charges_show(
    personas, reshared, api_client
):
    client = api_client(personas.alice)
    statement = {name: _charged_on_statement(client, name) for name in ("alice", "bob")}
    assert statement == {"alice": Decimal("3.00"), "bob": Decimal("6.00")}
    ids = {"alice": personas.alice.pk, "bob": personas.bob.pk}
    with time_machine.travel("2026-03-02 12:00Z", tick=False):
        assert selectors.member_charges(coop=personas.coop) == {
            ids[name]: amount for name, amount in statement.items()
        }
        mine = consumption_selectors.member_batch_costs(
            coop=personas.coop, member=personas.bob, batches=[reshared]
        )
        assert mine == {reshared.pk: statement["bob"]}
        year = consumption_selectors.member_costs(coop=personas.coop, start=SUNDAY, end=SUNDAY)
        assert {name: year[pk].cost for name, pk in ids.items()} == statement

        roles = {row["username"]: row for row in client.get("/api/v1/coops/home/roles").json()}
        web = Client()
        web.force_login(personas.alice)
        dashboard = web.get("/c/home/dashboard/").content.decode()
        for name, amount in statement.items():
            charged = f"charged {format_money(amount, 'USD')}"
            assert charged in roles[name]["funder"]["figure"], roles[name]["funder"]
            assert charged in web.get(f"/c/home/members/{name}/").content.decode()
            assert charged in dashboard
        assert "10.50" not in roles["bob"]["funder"]["figure"]
