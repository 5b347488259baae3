"""Forms in plain words: a cadence is chosen in words, never typed as a rule; the proposal form
shows and checks only the chosen kind's fields; the rule change form shows the chosen rule's
value today beside an input that fits it."""

import re
from datetime import UTC, datetime

import pytest
import time_machine

from fourfold.coops.models import Cooperative
from fourfold.governance.models import Proposal
from fourfold.testing import UserFactory
from fourfold.web.forms.governance import KIND_FIELDS
from fourfold.web.tests.test_pages import FOUNDING

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)
DECISIONS = "/c/home/decisions/"
FIELDS = "/c/home/decisions/fields/"
SETTINGS = "/c/home/settings/"
VALUE = "/c/home/settings/value/"
FORM_INPUT = re.compile(r'<(?:input|select|textarea)[^>]* name="([^"]+)"')


def names(response) -> set[str]:
    """The fields of the page's own forms (in <main>, on a whole page: the header's language
    switcher aside)."""
    html = response.content.decode()
    return set(FORM_INPUT.findall(html.split("<main", 1)[-1]))


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def founder(client):
    with time_machine.travel(NOW, tick=False):
        client.force_login(UserFactory(username="dee"))
        yield client


@pytest.fixture
def alice_client(client, personas):
    with time_machine.travel(NOW, tick=False):
        client.force_login(personas.alice)
        yield client


# --- Founding --------------------------------------------------------------------------------


def test_the_founding_form_has_no_rule_to_type(founder):
    response = founder.get("/coops/new/")
    fields = names(response)
    assert "cadence" not in fields
    assert {"rhythm", "days", "week_of_month"} <= fields
    assert response.content.decode().count('type="checkbox" name="days"') == 7
    assert "RRULE" not in text(response)
    assert "FREQ=" not in text(response)


@pytest.mark.parametrize(
    ("words", "rule"),
    [
        ({"rhythm": "weekly", "days": ["SA"]}, "FREQ=WEEKLY;BYDAY=SA"),
        ({"rhythm": "weekly", "days": ["FR", "TU"]}, "FREQ=WEEKLY;BYDAY=TU,FR"),
        ({"rhythm": "fortnightly", "days": ["TU"]}, "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"),
        ({"rhythm": "monthly", "days": ["SU"], "week_of_month": "1"}, "FREQ=MONTHLY;BYDAY=1SU"),
        ({"rhythm": "monthly", "days": ["SA"], "week_of_month": "-1"}, "FREQ=MONTHLY;BYDAY=-1SA"),
    ],
)
def test_founding_makes_the_rule_the_words_say(founder, words, rule):
    response = founder.post("/coops/new/", {**FOUNDING, **words})
    assert response.status_code == 302
    assert Cooperative.objects.get().cadence == rule


@pytest.mark.parametrize(
    ("words", "message"),
    [
        ({"rhythm": "weekly", "days": []}, "Tick the day, or the days, of the batch."),
        ({"rhythm": "monthly", "days": ["SA", "SU"]}, "Once a month is on one day"),
    ],
)
def test_founding_refuses_words_that_make_no_rule_next_to_the_days(founder, words, message):
    response = founder.post("/coops/new/", {**FOUNDING, **words})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["days"]
    assert message in errors["days"][0]
    assert not Cooperative.objects.exists()


# --- The proposal form, one kind at a time ----------------------------------------------------


@pytest.mark.parametrize("kind", list(KIND_FIELDS))
def test_the_proposal_form_shows_only_the_chosen_kinds_fields(alice_client, kind):
    response = alice_client.get(DECISIONS, {"kind": kind})
    assert names(response) == {
        "csrfmiddlewaretoken",
        "kind",
        "shown",
        "title",
        "body",
        *KIND_FIELDS[kind],
    }
    assert f'name="shown" value="{kind}"' in response.content.decode()


def test_the_proposal_form_checks_only_the_chosen_kinds_fields(alice_client):
    # What another kind's fields would hold (a bad entry number, one option) is not read.
    response = alice_client.post(
        DECISIONS,
        {"kind": "spending", "title": "Fridge", "amount": "150", "entry": "x", "options": "a"},
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert (proposal.kind, str(proposal.amount), proposal.options) == (
        "spending",
        "150.0000",
        [],
    )


def test_a_kind_with_a_field_missing_is_refused_next_to_that_field_only(alice_client):
    response = alice_client.post(DECISIONS, {"kind": "reversal", "title": ""})
    assert response.status_code == 200
    assert dict(response.context["form"].errors) == {
        "entry": ["Give the number of the entry to reverse."]
    }
    assert not Proposal.objects.exists()


def test_choose_shows_the_kinds_fields_without_checking_the_rest(alice_client):
    response = alice_client.post(DECISIONS, {"kind": "spending", "title": "", "choose": "1"})
    assert response.status_code == 200
    form = response.context["form"]
    assert not form.is_bound
    assert not form.errors
    assert "amount" in names(response)
    assert 'aria-invalid="true"' not in response.content.decode()
    assert not Proposal.objects.exists()


def test_choose_keeps_the_title_and_details_typed_so_far(alice_client):
    response = alice_client.post(
        DECISIONS, {"kind": "choice", "title": "Flavour", "body": "For June.", "choose": "1"}
    )
    html = response.content.decode()
    assert 'value="Flavour"' in html
    assert "For June.</textarea>" in html
    assert "options" in names(response)


def test_a_kind_changed_under_another_kinds_fields_only_chooses(alice_client):
    """Without scripts, a member changes the kind and presses Open: the fields shown were the
    other kind's, so the form comes back with the new kind's instead of opening anything."""
    response = alice_client.post(
        DECISIONS, {"kind": "choice", "shown": "spending", "title": "Fridge", "amount": "150"}
    )
    assert response.status_code == 200
    assert "options" in names(response)
    assert not response.context["form"].errors
    assert not Proposal.objects.exists()


def test_the_kinds_fields_come_alone_for_htmx_to_swap_in(alice_client):
    response = alice_client.get(FIELDS, {"kind": "spread_end"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert names(response) == {"shown", "transaction", "rest"}
    assert "<fieldset" in html
    assert "<h1" not in html
    assert "<legend>End a spread cost early</legend>" in html


def test_the_kind_select_fetches_the_fields_when_it_changes(alice_client):
    html = alice_client.get(DECISIONS).content.decode()
    select = re.search(r'<select name="kind"[^>]*>', html).group(0)
    assert f'hx-get="{FIELDS}"' in select
    assert 'hx-target="#proposal-kind-fields"' in select
    assert 'id="proposal-kind-fields"' in html
    assert 'name="choose"' in html


def test_the_kinds_fields_are_for_members_only(client, personas):
    client.force_login(personas.outsider)
    assert client.get(FIELDS, {"kind": "spending"}).status_code == 404
    assert client.get(VALUE, {"rule": "cadence"}).status_code == 404


# --- The rule change form ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "today"),
    [
        ("target_quantity", "Today: 20."),
        ("spending_limit", "Today: $100.00."),
        ("admission_mode", "Today: an invitation from any member."),
        ("cadence", "Today: Every Sunday."),
    ],
)
def test_the_rule_change_form_shows_the_chosen_rules_value_today(
    alice_client, personas, rule, today
):
    personas.coop.spending_limit = 100
    personas.coop.save()
    for response in (
        alice_client.get(SETTINGS, {"rule": rule}),
        alice_client.get(VALUE, {"rule": rule}, HTTP_HX_REQUEST="true"),
    ):
        assert today in text(response)


def test_the_value_input_fits_the_rule(alice_client):
    number = alice_client.get(VALUE, {"rule": "target_quantity"}).content.decode()
    assert 'inputmode="numeric"' in number
    money = alice_client.get(VALUE, {"rule": "buy_in"}).content.decode()
    assert 'inputmode="decimal"' in money
    assert "New value (USD)" in money
    choice = alice_client.get(VALUE, {"rule": "general_cost_mode"}).content.decode()
    assert '<select name="value"' in choice
    cadence = alice_client.get(VALUE, {"rule": "cadence"})
    assert names(cadence) == {"shown", "rhythm", "days", "week_of_month"}
    assert re.search(r'value="SU"[^>]*checked', cadence.content.decode())


def test_the_rule_select_fetches_the_rules_input_when_it_changes(alice_client):
    html = alice_client.get(SETTINGS).content.decode()
    select = re.search(r'<select name="rule"[^>]*>', html).group(0)
    assert f'hx-get="{VALUE}"' in select
    assert 'hx-target="#rule-value-fields"' in select


@pytest.mark.parametrize(
    ("words", "rule", "after"),
    [
        (
            {"rhythm": "weekly", "days": ["TU", "FR"]},
            "FREQ=WEEKLY;BYDAY=TU,FR",
            "Every Tuesday and Friday",
        ),
        (
            {"rhythm": "monthly", "days": ["SA"], "week_of_month": "-1"},
            "FREQ=MONTHLY;BYDAY=-1SA",
            "On the last Saturday of every month",
        ),
    ],
)
def test_a_cadence_change_is_built_from_words(alice_client, words, rule, after):
    response = alice_client.post(SETTINGS, {"rule": "cadence", "shown": "cadence", **words})
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert proposal.change == {"cadence": rule}
    assert proposal.title == f"Change the cadence (RRULE) from Every Sunday to {after}"


def test_choosing_the_cadence_without_scripts_shows_its_words(alice_client):
    response = alice_client.post(
        SETTINGS, {"rule": "cadence", "shown": "target_quantity", "value": "24", "title": "Hi"}
    )
    assert response.status_code == 200
    assert not response.context["form"].errors
    assert {"rhythm", "days"} <= names(response)
    assert "value" not in names(response)
    assert 'value="Hi"' in response.content.decode()
    assert not Proposal.objects.exists()


def test_a_rhythm_no_words_say_is_kept_unless_new_words_are_chosen(alice_client, personas):
    personas.coop.cadence = "FREQ=MONTHLY;BYMONTHDAY=15"
    personas.coop.save()
    response = alice_client.get(SETTINGS, {"rule": "cadence"})
    page = text(response)
    assert "These words cannot say that rhythm: it stays as it is" in page
    assert "Today: On day 15 of every month." in page
    assert re.search(
        r'<option value="keep" selected>Keep it: On day 15 of every month</option>',
        response.content.decode(),
    )
    kept = alice_client.post(SETTINGS, {"rule": "cadence", "rhythm": "keep", "days": ["SU"]})
    assert kept.context["form"].errors == {"rhythm": ["That is already the rule."]}
    alice_client.post(SETTINGS, {"rule": "cadence", "rhythm": "weekly", "days": ["SU"]})
    assert Proposal.objects.get().change == {"cadence": "FREQ=WEEKLY;BYDAY=SU"}
