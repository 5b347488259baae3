from decimal import Decimal

import pytest

from fourfold.coops.models import AuditEvent, Cooperative, Membership
from fourfold.coops.services import CoopFields, coop_found
from fourfold.errors import Conflict, Invalid
from fourfold.testing import CoopFactory, UserFactory

pytestmark = pytest.mark.django_db


def fields(**overrides) -> CoopFields:
    values = dict(
        slug="somerville",
        name="Somerville Yogurt Cooperative",
        product="yogurt",
        unit="quart",
        cadence="FREQ=WEEKLY;BYDAY=SU",
        target_quantity=20,
        producers_per_batch=2,
        currency="USD",
        commercial_unit_price=Decimal("6.50"),
        diy_minutes_per_unit=Decimal("30"),
        timezone="America/New_York",
    )
    values.update(overrides)
    return CoopFields(**values)


def test_the_founder_becomes_an_ordinary_active_member():
    founder = UserFactory()
    coop = coop_found(founder=founder, fields=fields())
    membership = Membership.objects.get(coop=coop)
    assert membership.user == founder
    assert membership.status == Membership.Status.ACTIVE
    assert [f.name for f in Membership._meta.get_fields() if "role" in f.name] == []


def test_it_records_who_founded_it_in_the_audit_trail():
    founder = UserFactory()
    coop = coop_found(founder=founder, fields=fields())
    event = AuditEvent.objects.get(coop=coop)
    assert (event.actor, event.action) == (founder, "coop.founded")


def test_it_normalises_slug_currency_and_cadence():
    coop = coop_found(
        founder=UserFactory(),
        fields=fields(slug=" Somerville ", currency="usd", cadence="rrule:freq=weekly;byday=su"),
    )
    assert (coop.slug, coop.currency, coop.cadence) == ("somerville", "USD", "FREQ=WEEKLY;BYDAY=SU")


def test_the_joined_date_is_the_coops_local_date(settings):
    import time_machine

    # 02:00 UTC on 2 March is still 1 March in Somerville.
    with time_machine.travel("2026-03-02T02:00:00Z", tick=False):
        coop = coop_found(founder=UserFactory(), fields=fields())
    assert str(Membership.objects.get(coop=coop).joined_on) == "2026-03-01"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"cadence": "every sunday"}, "cadence"),
        ({"cadence": "FREQ=FORTNIGHTLY"}, "cadence"),
        ({"cadence": ""}, "cadence"),
        ({"target_quantity": 0}, "target_quantity"),
        ({"target_quantity": -5}, "target_quantity"),
        ({"producers_per_batch": 0}, "producers_per_batch"),
        ({"currency": "XYZ"}, "currency"),
        ({"currency": "dollars"}, "currency"),
        ({"commercial_unit_price": Decimal("-1")}, "commercial_unit_price"),
        ({"commercial_unit_price": Decimal("NaN")}, "commercial_unit_price"),
        ({"diy_minutes_per_unit": Decimal("-3")}, "diy_minutes_per_unit"),
        ({"slug": "has spaces"}, "slug"),
        ({"slug": "new"}, "slug"),
        ({"name": "  "}, "name"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
    ],
)
def test_it_refuses_bad_input_and_writes_nothing(overrides, field):
    with pytest.raises(Invalid) as refused:
        coop_found(founder=UserFactory(), fields=fields(**overrides))
    assert refused.value.field == field
    assert not Cooperative.objects.exists()
    assert not AuditEvent.objects.exists()


def test_it_refuses_a_duplicate_slug():
    CoopFactory(slug="somerville")
    with pytest.raises(Conflict) as refused:
        coop_found(founder=UserFactory(), fields=fields())
    assert refused.value.field == "slug"
    assert Cooperative.objects.count() == 1
