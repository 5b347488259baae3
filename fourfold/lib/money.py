"""Money helpers: Decimal only, sized by the currency's minor units."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from babel.numbers import format_currency, get_currency_precision, list_currencies

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


def format_money(amount: Decimal, currency: str, locale: str = "en") -> str:
    return format_currency(amount, currency, locale=locale)


def plain(amount: Decimal, currency: str) -> str:
    """``amount`` as a plain decimal string with at least the currency's minor digits
    ("6.50", not "6.5000"), keeping finer digits when it has them ("0.125")."""
    at_minor = amount.quantize(minor_unit(currency))
    if at_minor == amount:
        return str(at_minor)
    return str(amount.normalize())
