"""Money helpers: Decimal only, sized by the currency's minor units."""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

from babel.numbers import format_currency, get_currency_precision, list_currencies

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


def minor_unit(currency: str) -> Decimal:
    """The smallest amount of ``currency``: 0.01 for EUR, 1 for JPY."""
    return Decimal(1).scaleb(-get_currency_precision(currency))


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round to the currency's minor unit, half to even (banker's rounding)."""
    return amount.quantize(minor_unit(currency), rounding=ROUND_HALF_EVEN)


def format_money(amount: Decimal, currency: str, locale: str | None = None) -> str:
    """``amount`` with its currency, in the active language unless ``locale`` says: $6.50."""
    return format_currency(amount, currency, locale=locale or reader_locale())


def plain(amount: Decimal, currency: str) -> str:
    """``amount`` as a plain decimal string with at least the currency's minor digits
    ("6.50", not "6.5000"), keeping finer digits when it has them ("0.125")."""
    at_minor = amount.quantize(minor_unit(currency))
    if at_minor == amount:
        return str(at_minor)
    return str(amount.normalize())


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
    if not weights:
        raise ValueError("nothing to split among")
    exact = [Fraction(weight) for weight in weights]
    if any(weight < 0 for weight in exact) or sum(exact) <= 0:
        raise ValueError("weights must be non-negative and not all zero")
    units = to_minor(total, currency)
    weight_sum = sum(exact)
    quotas = [units * weight / weight_sum for weight in exact]
    parts = [math.floor(quota) for quota in quotas]
    count = len(parts)
    by_remainder = sorted(
        range(count), key=lambda i: (-(quotas[i] - parts[i]), (i - rotate) % count)
    )
    for i in by_remainder[: units - sum(parts)]:
        parts[i] += 1
    return [from_minor(part, currency) for part in parts]
