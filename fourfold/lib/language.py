"""Numbers in the reader's language: the one Django has active for this request."""

from __future__ import annotations

from babel.numbers import format_percent
from django.utils.translation import get_language, to_locale


def reader_locale() -> str:
    """The active language as a Babel locale: "en", "de", "pt_BR"."""
    return to_locale(get_language() or "en")


def format_ratio(ratio: float) -> str:
    """0.833 as "83%" (or "83 %", "83,3 %"), as the reader writes it."""
    return format_percent(ratio, locale=reader_locale())
