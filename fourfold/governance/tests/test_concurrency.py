"""Double votes racing on PostgreSQL leave one vote: the unique constraint decides."""

import pytest
from django.db import connection

from fourfold.governance import services
from fourfold.governance.models import Vote
from fourfold.testing import MembershipFactory, make_personas, race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("a real race needs PostgreSQL")


def test_concurrent_double_votes_leave_one_vote():
    people = make_personas()
    for _ in range(3):
        MembershipFactory(coop=people.coop)
    proposal = services.proposal_open(
        coop=people.coop, by=people.alice, kind="general", title="Race"
    )
    positions = iter(["agree", "disagree"] * 5)
    chosen = [next(positions) for _ in range(10)]

    def vote():
        return services.vote_cast(
            proposal=proposal, member=people.bob, position=chosen.pop()
        ).position

    results = race(10, vote)
    assert all(isinstance(r, str) for r in results), results
    assert Vote.objects.filter(proposal=proposal, member=people.bob).count() == 1
