"""Numbers in the reader's language: the one Django has active for this request."""

from __future__ import annotations

from babel import Locale
from babel.dates import get_timezone_name
from babel.numbers import format_decimal, format_percent
from django.utils.translation import get_language, to_locale


def reader_locale() -> str:
    """The active language as a Babel locale: "en", "de", "pt_BR"."""
    return to_locale(get_language() or "en")


def language_in_itself(code: str) -> str:
    """A language's name as its speakers write it, for a list to choose one from: "Deutsch",
    "Français", "Português (Brasil)" (capitalised: it begins a line)."""
    locale = to_locale(code)
    name = Locale.parse(locale).get_display_name(locale) or code
    return name[:1].upper() + name[1:]


def first_week_day() -> int:
    """The day a week begins on where the reader lives, 0 (Monday) to 6 (Sunday): Sunday in
    the United States and Brazil, Monday in Germany, France and Spain."""
    return Locale.parse(reader_locale()).first_week_day


def format_count(count: int) -> str:
    """24 as "24", 1200 as "1,200" (or "1.200"), as the reader writes it."""
    return format_decimal(count, locale=reader_locale())


def format_ratio(ratio: float) -> str:
    """0.833 as "83%" (or "83 %", "83,3 %"), as the reader writes it."""
    return format_percent(ratio, locale=reader_locale())


# Abbreviations read the same for one and for many: "24 kg", not "24 kgs".
SAME_IN_PLURAL = frozenset(
    {"g", "kg", "mg", "l", "ml", "cl", "dl", "lb", "lbs", "oz", "m", "cm", "km", "h", "min"}
)


# A few English nouns a co-op may count by that an added s would get wrong.
IRREGULAR_PLURALS = {
    "loaf": "loaves",
    "half": "halves",
    "knife": "knives",
    "leaf": "leaves",
    "shelf": "shelves",
    "person": "people",
    "child": "children",
}


def plural_guess(unit: str) -> str:
    """An English plural for a co-op's unit, as a first suggestion the founder may correct:
    "quart" → "quarts", "repair slot" → "repair slots", "box" → "boxes", "jelly" → "jellies".
    Only the last word changes; an abbreviation ("kg") stays as it is."""
    text = unit.strip()
    if not text:
        return text
    head, _space, last = text.rpartition(" ")
    lower = last.lower()
    if lower in SAME_IN_PLURAL or not last.isalpha():
        plural = last
    elif lower in IRREGULAR_PLURALS:
        plural = last[0] + IRREGULAR_PLURALS[lower][1:]
    elif lower.endswith(("s", "x", "z", "ch", "sh")):
        plural = last + ("ES" if last.isupper() else "es")
    elif lower.endswith("y") and len(lower) > 1 and lower[-2] not in "aeiou":
        plural = last[:-1] + ("IES" if last.isupper() else "ies")
    else:
        plural = last + ("S" if last.isupper() else "s")
    return f"{head} {plural}" if head else plural


def count_noun(count: int, singular: str, plural: str) -> str:
    """The noun for ``count`` of a co-op's own unit: ``singular`` where the reader's language
    says "one" (1 in English and German; 0 and 1 in French and Brazilian Portuguese, by CLDR's
    rules), else ``plural``. gettext cannot plural a word the members typed (it is not in any
    catalogue); the co-op writes both forms in the language its members speak."""
    if Locale.parse(reader_locale()).plural_form(abs(count)) == "one":
        return singular
    return plural or singular


def zone_in_words(name: str) -> str:
    """A time zone as people say it ("Eastern Time"), in the reader's language; the zone's
    own name when there is no common one (or only an offset from UTC)."""
    try:
        words = get_timezone_name(name, width="long", locale=reader_locale())
    except (LookupError, ValueError):
        return name
    return name if "UTC" in words or "GMT" in words else words


def zone_with_city(name: str) -> str:
    """A time zone to pick from a list: "Eastern Time (New York)", or "UTC"."""
    words = zone_in_words(name)
    if words == name:
        return name.replace("_", " ")
    return f"{words} ({name.rpartition('/')[2].replace('_', ' ')})"
