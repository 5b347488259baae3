"""A co-op's unit reads in the plural: "24 quarts", "8 repair slots", "1 quart"."""

from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps

from fourfold.coops.models import Cooperative
from fourfold.coops.services import CoopFields, coop_found
from fourfold.errors import Invalid
from fourfold.lib.language import count_noun, plural_guess
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


@pytest.mark.parametrize(
    ("unit", "plural"),
    [
        ("quart", "quarts"),
        ("repair slot", "repair slots"),
        ("bottle", "bottles"),
        ("box", "boxes"),
        ("batch", "batches"),
        ("jelly", "jellies"),
        ("day", "days"),
        ("kg", "kg"),
        ("loaf", "loaves"),
        ("Loaf", "Loaves"),
        ("500 g", "500 g"),
    ],
)
def test_the_plural_is_guessed_from_the_unit(unit, plural):
    assert plural_guess(unit) == plural


@pytest.mark.parametrize(("count", "noun"), [(0, "quarts"), (1, "quart"), (2, "quarts")])
def test_one_takes_the_singular_and_every_other_count_the_plural(count, noun):
    assert count_noun(count, "quart", "quarts") == noun


def test_founding_guesses_the_plural_when_none_is_given():
    coop = coop_found(founder=UserFactory(), fields=fields(unit="repair slot"))
    assert coop.unit_plural == "repair slots"
    assert (coop.units(8), coop.units(1)) == ("8 repair slots", "1 repair slot")


def test_founding_keeps_the_plural_the_founder_writes():
    coop = coop_found(founder=UserFactory(), fields=fields(unit="loaf", unit_plural=" loaves "))
    assert (coop.units(1), coop.units(30)) == ("1 loaf", "30 loaves")


def test_founding_refuses_an_overlong_plural():
    with pytest.raises(Invalid) as refused:
        coop_found(founder=UserFactory(), fields=fields(unit_plural="x" * 41))
    assert refused.value.field == "unit_plural"
    assert not Cooperative.objects.exists()


def test_the_data_migration_gives_existing_coops_a_plural():
    coop = CoopFactory(unit="bottle")
    Cooperative.objects.filter(pk=coop.pk).update(unit_plural="")
    migration = import_module("fourfold.coops.migrations.0006_cooperative_unit_plural")
    migration.guess_plurals(apps, None)
    assert Cooperative.objects.get(pk=coop.pk).unit_plural == "bottles"
