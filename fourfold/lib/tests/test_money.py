"""The one parse of money and the one plain format of it."""

from decimal import Decimal

import pytest

from fourfold.lib.money import decimal_from_text, parse_money, plain

MOST = Decimal("1e12")


@pytest.mark.parametrize("text, amount", [("12.50", "12.50"), (" 7 ", "7.00"), ("0.1", "0.10")])
def test_it_reads_an_amount_as_a_person_writes_it(text, amount):
    assert parse_money(text, "USD", maximum=MOST) == Decimal(amount)


@pytest.mark.parametrize(
    "text",
    ["5_000", "1e1", "1E+2", "\uff15", "\u0665", "NaN", "Infinity", "", "1,5", "-0", "12.345"],
)
def test_it_refuses_what_a_person_would_not_mean(text):
    with pytest.raises(ValueError):
        parse_money(text, "USD", maximum=MOST)


def test_it_refuses_a_float_whatever_its_value():
    with pytest.raises(ValueError, match="decimal strings"):
        parse_money(12.5, "USD", maximum=MOST)


def test_a_currency_without_minor_units_takes_whole_amounts_only():
    assert parse_money("500", "JPY", maximum=MOST) == Decimal("500")
    with pytest.raises(ValueError, match="JPY amounts have at most 0 decimals"):
        parse_money("500.5", "JPY", maximum=MOST)


def test_zero_is_taken_only_when_asked():
    assert parse_money("0", "EUR", maximum=MOST, zero=True) == Decimal("0.00")
    with pytest.raises(ValueError):
        parse_money("0", "EUR", maximum=MOST)


def test_a_decimal_with_a_huge_exponent_is_refused_before_it_is_written_out():
    with pytest.raises(ValueError):
        decimal_from_text(Decimal("1e999999999"))


@pytest.mark.parametrize(
    "amount, currency, shown",
    [
        ("5E+2", "USD", "500.00"),
        ("2.4E+2", "USD", "240.00"),
        ("99.5", "EUR", "99.50"),
        ("0.125", "USD", "0.125"),
        ("1E+3", "JPY", "1000"),
        ("6.5000", "USD", "6.50"),
    ],
)
def test_plain_writes_the_currencys_decimals_and_never_an_exponent(amount, currency, shown):
    assert plain(Decimal(amount), currency) == shown
