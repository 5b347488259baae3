"""Money helpers: Decimal only, sized by the currency's minor units."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

from babel.numbers import format_currency, get_currency_precision, list_currencies
from django.utils.translation import gettext as _

from fourfold.lib.language import reader_locale

# ISO 4217 codes Babel knows, minus the historic and fund codes no co-op pays in.
_NOT_FOR_PAYMENT = {
    "XAU",
    "XAG",
    "XPT",
    "XPD",
    "XDR",
    "XSU",
    "XUA",
    "XBA",
    "XBB",
    "XBC",
    "XBD",
    "XTS",
    "XXX",
}


def is_currency(code: str) -> bool:
    return code in list_currencies() and code not in _NOT_FOR_PAYMENT


def exponent_of(value: Decimal) -> int:
    """``value``'s exponent (-2 for 1.25); NaN and infinity have none, and give 0."""
    exponent = value.as_tuple().exponent
    return exponent if isinstance(exponent, int) else 0


def minor_unit(currency: str) -> Decimal:
    """The smallest amount of ``currency``: 0.01 for EUR, 1 for JPY."""
    return Decimal(1).scaleb(-get_currency_precision(currency))


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round to the currency's minor unit, half to even (banker's rounding)."""
    return amount.quantize(minor_unit(currency), rounding=ROUND_HALF_EVEN)


# What a person writes for a number: ASCII digits, one optional point, an optional minus. Not
# "5_000" or "1e1" (Python's Decimal reads both), not full-width or Arabic-Indic digits.
PLAIN_DECIMAL = re.compile(r"-?[0-9]{1,20}(\.[0-9]{1,20})?")
# The same, for a JSON Schema "pattern".
PLAIN_DECIMAL_PATTERN = r"^-?[0-9]{1,20}(\.[0-9]{1,20})?$"


def decimal_from_text(raw) -> Decimal:
    """The one parse of a decimal given as text ("12.50", " 3 "); ``ValueError`` for anything
    else, a float included (money never passes through binary floating point)."""
    if not isinstance(raw, str | int | Decimal) or isinstance(raw, bool):
        raise ValueError(raw)
    if isinstance(raw, Decimal) and (not raw.is_finite() or raw.adjusted() > 20):
        raise ValueError(raw)
    text = f"{raw:f}" if isinstance(raw, Decimal) else str(raw).strip()
    if not PLAIN_DECIMAL.fullmatch(text):
        raise ValueError(raw)
    return Decimal(text)


def parse_money(raw, currency: str, *, maximum: Decimal, zero: bool = False) -> Decimal:
    """An amount of ``currency`` given as a decimal string, at most to its minor unit, above
    zero (or from zero with ``zero``) and below ``maximum``. ``ValueError`` says what is wrong,
    in words."""
    if isinstance(raw, float):
        raise ValueError(_('Send amounts as decimal strings, e.g. "12.50".'))
    try:
        amount = decimal_from_text(raw)
    except ValueError as error:
        raise ValueError(_("Enter an amount such as 12.50.")) from error
    if amount < 0 or (amount == 0 and not zero):
        raise ValueError(_("Enter an amount above zero."))
    if amount >= maximum:
        raise ValueError(_("That amount is too large."))
    if amount != amount.quantize(minor_unit(currency)):
        raise ValueError(
            _("%(currency)s amounts have at most %(digits)d decimals.")
            % {"currency": currency, "digits": get_currency_precision(currency)}
        )
    return amount.quantize(minor_unit(currency))


def format_money(amount: Decimal, currency: str, locale: str | None = None) -> str:
    """``amount`` with its currency, in the active language unless ``locale`` says: $6.50."""
    return format_currency(amount, currency, locale=locale or reader_locale())


def plain(amount: Decimal, currency: str) -> str:
    """``amount`` as a plain decimal string with at least the currency's minor digits
    ("6.50", not "6.5000"), keeping finer digits when it has them ("0.125")."""
    at_minor = amount.quantize(minor_unit(currency))
    if at_minor == amount:
        return f"{at_minor:f}"
    return f"{amount.normalize():f}"


def to_minor(amount: Decimal, currency: str) -> int:
    """``amount`` in whole minor units; refuses an amount finer than the currency allows."""
    units = amount / minor_unit(currency)
    if units != units.to_integral_value():
        raise ValueError(f"{amount} has more decimals than {currency} allows")
    return int(units)


def from_minor(units: int, currency: str) -> Decimal:
    return Decimal(units) * minor_unit(currency)


def split_largest_remainder(
    total: Decimal, weights: Sequence[Decimal | int], currency: str, *, rotate: int = 0
) -> list[Decimal]:
    """Split ``total`` by ``weights`` into parts that sum to ``total`` exactly.

    Each part gets the floor of its exact quota in minor units; the minor units left over go one
    each to the largest fractional remainders. Equal remainders are broken by position, starting
    at ``rotate`` (mod the number of parts), so a caller that rotates the start spreads the odd
    cents over time instead of charging them to the same member every time.
    """
    parts = split_minor(to_minor(total, currency), weights, rotate=rotate)
    return [from_minor(part, currency) for part in parts]


def split_minor(units: int, weights: Sequence[Decimal | int], *, rotate: int = 0) -> list[int]:
    """``split_largest_remainder`` in whole minor units.

    The weights are scaled to integers over one common denominator, so every quota is
    ``units * weight / sum`` with an integer remainder: the same parts as exact fractions give,
    without a fraction per member (a batch shares many costs among hundreds of members)."""
    if not weights:
        raise ValueError("nothing to split among")
    ratios = [Fraction(weight) for weight in weights]
    denominator = math.lcm(*(ratio.denominator for ratio in ratios))
    scaled = [ratio.numerator * denominator // ratio.denominator for ratio in ratios]
    weight_sum = sum(scaled)
    if any(weight < 0 for weight in scaled) or weight_sum <= 0:
        raise ValueError("weights must be non-negative and not all zero")
    parts = []
    remainders = []
    for weight in scaled:
        part, remainder = divmod(units * weight, weight_sum)
        parts.append(part)
        remainders.append(remainder)
    count = len(parts)
    by_remainder = sorted(range(count), key=lambda i: (-remainders[i], (i - rotate) % count))
    for i in by_remainder[: units - sum(parts)]:
        parts[i] += 1
    return parts
