"""Every state change writes its audit row, in the transaction of the change: a change whose
row cannot be written does not happen."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine

from fourfold.consumption import services as consumption
from fourfold.consumption.models import StandingShare
from fourfold.coops.models import AuditEvent
from fourfold.governance import facilitators as governance_facilitators
from fourfold.governance import votes as governance_votes
from fourfold.governance.models import FacilitatorDuty, Proxy
from fourfold.production import services as production
from fourfold.production.models import CalendarFeed
from fourfold.workflows import production as production_flow

pytestmark = pytest.mark.django_db

LAST_DAY = date(2026, 12, 31)


def proxy_given(p):
    governance_votes.proxy_grant(coop=p.coop, giver=p.alice, holder=p.bob, until=LAST_DAY)


def proxy_revoked(p):
    governance_votes.proxy_revoke(coop=p.coop, giver=p.alice)


def facilitators_planned(p):
    governance_facilitators.facilitators_plan(coop=p.coop)


def replanned(p):
    production_flow.replan_after_membership_change(coop=p.coop)


def calendar_made(p):
    production.calendar_feed_ensure(coop=p.coop, member=p.alice)


def calendar_rotated(p):
    production.calendar_feed_rotate(coop=p.coop, member=p.alice)


def share_stopped(p):
    consumption.member_stop_consuming(coop=p.coop, member=p.alice)


def give_a_proxy(p):
    proxy_given(p)


def make_a_feed(p):
    calendar_made(p)


def take_a_share(p):
    consumption.share_set(coop=p.coop, member=p.alice, units=1)


def nothing(p):
    pass


def state(p):
    """What the services above change, to see that a refused audit row leaves it as it was."""
    return (
        sorted(Proxy.objects.filter(coop=p.coop).values_list("pk", "revoked_at")),
        FacilitatorDuty.objects.filter(coop=p.coop).count(),
        sorted(CalendarFeed.objects.filter(coop=p.coop).values_list("pk", "token")),
        StandingShare.objects.filter(coop=p.coop).count(),
    )


# (the service, what is there before it, the audit action it writes, who it names)
SERVICES = [
    (proxy_given, nothing, "governance.proxy_given", "alice"),
    (proxy_revoked, give_a_proxy, "governance.proxy_revoked", "alice"),
    (facilitators_planned, nothing, "governance.facilitators_planned", None),
    (replanned, nothing, "production.replanned", None),
    (calendar_made, nothing, "production.calendar_made", "alice"),
    (calendar_rotated, make_a_feed, "production.calendar_rotated", "alice"),
    (share_stopped, take_a_share, "consumption.share_stopped", None),
]
IDS = [service.__name__ for service, *_rest in SERVICES]


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2026, 3, 2, 15, 0, tzinfo=UTC), tick=False):
        yield


@pytest.mark.parametrize(("service", "before", "action", "actor"), SERVICES, ids=IDS)
def test_each_state_change_writes_its_audit_row(personas, service, before, action, actor):
    before(personas)
    already = set(AuditEvent.objects.values_list("pk", flat=True))
    service(personas)
    [row] = AuditEvent.objects.exclude(pk__in=already)
    assert (row.coop, row.action) == (personas.coop, action)
    assert (row.actor.username if row.actor else None) == actor


@pytest.mark.parametrize(("service", "before", "action", "actor"), SERVICES, ids=IDS)
def test_a_change_whose_audit_row_fails_does_not_happen(
    personas, monkeypatch, service, before, action, actor
):
    before(personas)
    was = state(personas)

    def refuse(**fields):
        raise RuntimeError("the audit trail is unavailable")

    monkeypatch.setattr(AuditEvent.objects, "create", refuse)
    with pytest.raises(RuntimeError):
        service(personas)
    assert state(personas) == was
