"""A co-op's kind, a good or a service (issue #15): chosen at founding, changed by proposal,
carried by an export, and the words it picks."""

from __future__ import annotations

import pytest
from django.utils import translation

from fourfold.api.tests.test_api_coops import SOMERVILLE
from fourfold.coops.models import Cooperative
from fourfold.coops.services import CoopFields, coop_found
from fourfold.coops.vocabulary import GOOD_WORDS, SERVICE_WORDS, service_or_good, words
from fourfold.errors import Invalid
from fourfold.portability.export import export_coop
from fourfold.testing import MembershipFactory, UserFactory
from fourfold.workflows import decisions as decisions_flow
from fourfold.workflows.portability import import_coop

pytestmark = pytest.mark.django_db

# The API's founding payload, for a bike kitchen.
BIKES = {
    **SOMERVILLE,
    "slug": "bikes",
    "name": "Bike Kitchen",
    "product": "bike repair",
    "unit": "repair slot",
}


def test_a_coop_makes_a_good_unless_its_founder_says_it_gives_a_service():
    founder = UserFactory()
    assert coop_found(founder=founder, fields=CoopFields(**BIKES)).kind == "good"
    bikes = coop_found(
        founder=founder, fields=CoopFields(**{**BIKES, "slug": "b2"}, kind="service")
    )
    assert bikes.is_service
    assert words(bikes) is SERVICE_WORDS
    assert service_or_good(bikes, "batch", "session") == "session"


def test_founding_refuses_a_kind_that_is_neither():
    with pytest.raises(Invalid) as refused:
        coop_found(founder=UserFactory(), fields=CoopFields(**BIKES, kind="shop"))
    assert refused.value.field == "kind"


def test_the_api_founds_a_service_and_says_its_kind(api_client, personas):
    api = api_client(personas.alice)
    response = api.post("/api/v1/coops", {**BIKES, "kind": "service"})
    assert response.status_code == 201, response.json()
    assert response.json()["kind"] == "service"
    assert api.post("/api/v1/coops", {**BIKES, "slug": "b3", "kind": "shop"}).status_code == 422


def test_the_founding_form_offers_the_kind(client, personas):
    client.force_login(personas.alice)
    form = {
        **{field: value for field, value in BIKES.items() if field != "cadence"},
        "kind": "service",
        "rhythm": "weekly",
        "days": ["TH"],
        "timezone": "America/New_York",
    }
    assert client.post("/coops/new/", form).status_code == 302
    assert Cooperative.objects.get(slug="bikes").is_service
    page = client.get("/coops/new/").content.decode()
    assert 'name="kind" value="service"' in page


def test_the_members_turn_their_coop_into_a_service_by_a_rule_change(personas):
    coop = personas.coop
    carol = MembershipFactory(coop=coop, user__username="carol").user
    proposal = decisions_flow.proposal_open(
        coop=coop,
        by=personas.alice,
        kind="rule_change",
        title="We fix bikes",
        change={"kind": "service"},
    )
    for member in (personas.alice, personas.bob, carol):
        decisions_flow.vote_cast(proposal=proposal, member=member, position="agree")
    proposal.refresh_from_db()
    assert proposal.status == "passed"
    assert Cooperative.objects.get(pk=coop.pk).is_service
    with pytest.raises(Invalid):
        decisions_flow.proposal_open(
            coop=coop, by=personas.alice, kind="rule_change", title="Shop", change={"kind": "shop"}
        )


def test_an_export_carries_the_kind_and_an_older_one_makes_a_good(personas):
    personas.coop.kind = "service"
    personas.coop.save()
    exported = export_coop(coop=personas.coop)
    assert exported["coop"]["kind"] == "service"
    assert import_coop(data=exported, slug="copy").is_service
    exported["coop"].pop("kind")
    assert import_coop(data=exported, slug="older").kind == "good"


def test_each_word_is_its_own_message_in_both_kinds():
    with translation.override("en"):
        assert [str(GOOD_WORDS.batch), str(SERVICE_WORDS.batch)] == ["batch", "session"]
        assert str(SERVICE_WORDS.reserve) == "book"
        assert str(SERVICE_WORDS.producers) == "volunteers"
