"""Fifty neighbours reach for the last five quarts at once (PostgreSQL: real row locks)."""

import pytest
from django.db import connection

from fourfold.consumption import selectors, services
from fourfold.consumption.models import Allocation
from fourfold.errors import Conflict
from fourfold.production.models import Batch, Shift
from fourfold.testing import CoopFactory, MembershipFactory, race
from fourfold.workflows import production as production_flow

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("a real race needs PostgreSQL")


def test_fifty_concurrent_claims_for_five_extras_take_exactly_five():
    coop = CoopFactory()
    members = [MembershipFactory(coop=coop).user for _ in range(50)]
    services.share_set(coop=coop, member=members[0], units=15)
    production_flow.batches_plan(coop=coop, weeks=1, by=None)
    batch = Batch.objects.filter(coop=coop).order_by("date").first()
    producer = Shift.objects.filter(batch=batch).exclude(member=None).first().member
    batch = production_flow.batch_record_made(
        batch=batch, by=producer, quantity=20, hours="3", today=batch.date
    )
    assert selectors.extras_left(batch=batch) == 5
    queue = list(members)  # list.pop is atomic: each thread claims for its own member

    def claim():
        member = queue.pop()
        return services.extras_claim(batch=batch, member=member).units

    results = race(50, claim)
    won = [r for r in results if isinstance(r, int)]
    lost = [r for r in results if isinstance(r, Conflict)]
    assert len(won) == 5, results
    assert len(lost) == 45
    assert sum(a.units for a in Allocation.objects.filter(batch=batch)) == 20
    assert selectors.extras_left(batch=batch) == 0
