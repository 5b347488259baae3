"""Money, dates, weekdays and plurals in each language fourfold offers.

Money, dates and the co-op's own unit need no catalogue of fourfold's: Babel (CLDR) writes
them in the active language. The plural test at the end reads fourfold's catalogues; it runs
for each language whose compiled catalogue (django.mo) exists, and is skipped before then."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import ngettext, to_locale

from fourfold.lib.dates import describe_cadence, format_day, format_moment, reader_week
from fourfold.lib.language import count_noun, language_in_itself
from fourfold.lib.money import format_money

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    ("language", "currency", "written"),
    [
        ("en", "USD", "$1,234.50"),
        ("de", "EUR", f"1.234,50{NBSP}€"),
        ("fr", "EUR", f"1{NNBSP}234,50{NBSP}€"),
        ("es", "EUR", f"1.234,50{NBSP}€"),
        ("pt-br", "BRL", f"R${NBSP}1.234,50"),
        # The co-op's currency, the reader's way of writing it.
        ("de", "USD", f"1.234,50{NBSP}$"),
    ],
)
def test_money_is_written_as_the_reader_writes_it(language, currency, written):
    with translation.override(language):
        assert format_money(Decimal("1234.50"), currency) == written


@pytest.mark.parametrize(
    ("language", "day", "moment"),
    [
        ("en", "Tue 1 Dec 2026", "Tue 1 Dec 2026, 16:45"),
        ("de", "Di., 1. Dez. 2026", "Di., 1. Dez. 2026, 16:45"),
        ("fr", "mar. 1 déc. 2026", "mar. 1 déc. 2026, 16:45"),
        ("es", "mar, 1 dic 2026", "mar, 1 dic 2026, 16:45"),
        ("pt-br", "ter., 1 de dez. de 2026", "ter., 1 de dez. de 2026 16:45"),
    ],
)
def test_days_and_moments_are_written_in_the_readers_language(language, day, moment):
    # 21:45 UTC is 16:45 in New York: the co-op's zone, not the reader's or the server's.
    instant = datetime(2026, 12, 1, 21, 45, tzinfo=UTC)
    with translation.override(language):
        assert format_day(date(2026, 12, 1)) == day
        assert format_moment(instant, ZoneInfo("America/New_York")) == moment


@pytest.mark.parametrize(
    ("language", "first"),
    [("en", "MO"), ("de", "MO"), ("fr", "MO"), ("es", "MO"), ("pt-br", "SU")],
)
def test_the_week_begins_where_the_readers_does(language, first):
    with translation.override(language):
        week = reader_week()
    assert week[0] == first
    assert sorted(week) == sorted(["MO", "TU", "WE", "TH", "FR", "SA", "SU"])


@pytest.mark.parametrize(
    ("language", "sunday"),
    [
        ("en", "Sunday"),
        ("de", "Sonntag"),
        ("fr", "dimanche"),
        ("es", "domingo"),
        ("pt-br", "domingo"),
    ],
)
def test_the_cadence_names_its_weekday_in_the_readers_language(language, sunday):
    with translation.override(language):
        words = describe_cadence("FREQ=WEEKLY;BYDAY=SU")
    assert words is not None
    assert sunday in words


# The co-op's own unit, as its members typed it in both forms: which form a count takes is
# the reader's language's rule (CLDR): 0 is plural in English, German and Spanish, singular in
# French and Brazilian Portuguese.
UNIT_FORMS = {
    "en": ("quart", "quarts", {0: "quarts", 1: "quart", 2: "quarts", 5: "quarts"}),
    "de": ("Glas", "Gläser", {0: "Gläser", 1: "Glas", 2: "Gläser", 5: "Gläser"}),
    "es": ("litro", "litros", {0: "litros", 1: "litro", 2: "litros", 5: "litros"}),
    "fr": ("pot", "pots", {0: "pot", 1: "pot", 2: "pots", 5: "pots"}),
    "pt-br": ("pote", "potes", {0: "pote", 1: "pote", 2: "potes", 5: "potes"}),
}


@pytest.mark.parametrize("language", list(UNIT_FORMS))
def test_a_coops_unit_takes_the_readers_plural_rule(language):
    singular, plural, expected = UNIT_FORMS[language]
    with translation.override(language):
        assert {n: count_noun(n, singular, plural) for n in expected} == expected


def test_every_language_is_named_in_itself():
    names = {code: language_in_itself(code) for code, _name in settings.LANGUAGES}
    assert names == {
        "en": "English",
        "es": "Español",
        "fr": "Français",
        "de": "Deutsch",
        "pt-br": "Português (Brasil)",
    }


def _compiled(language: str) -> bool:
    return (settings.LOCALE_PATHS[0] / to_locale(language) / "LC_MESSAGES" / "django.mo").exists()


# A message of fourfold's own with the number in both forms.
SINGULAR = "Choose a date within %(n)d year of today (%(earliest)s to %(latest)s)."
PLURAL = "Choose a date within %(n)d years of today (%(earliest)s to %(latest)s)."
# Languages whose "one" form covers 0 as well as 1 (gettext's Plural-Forms, as Django's own).
ZERO_IS_ONE = {"fr", "pt-br"}


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES if code != "en"])
def test_a_count_takes_the_catalogues_plural_form(language):
    if not _compiled(language):
        pytest.skip(f"no compiled catalogue for {language} yet (make install compiles it)")
    with translation.override(language):
        forms = {n: ngettext(SINGULAR, PLURAL, n) for n in (0, 1, 2, 5)}
        written = {n: forms[n] % {"n": n, "earliest": "A", "latest": "B"} for n in forms}
    assert all(form not in (SINGULAR, PLURAL) for form in forms.values()), forms
    assert all(str(n) in text for n, text in written.items())
    assert forms[2] == forms[5] != forms[1]
    assert (forms[0] == forms[1]) == (language in ZERO_IS_ONE)
