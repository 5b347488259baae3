import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fourfold.lib.money import split_largest_remainder, split_minor


def test_ten_dollars_in_three_gives_one_extra_cent():
    assert sorted(split_largest_remainder(Decimal("10.00"), [1, 1, 1], "USD")) == [
        Decimal("3.33"),
        Decimal("3.33"),
        Decimal("3.34"),
    ]


def test_the_extra_cent_moves_when_the_start_rotates():
    firsts = {
        split_largest_remainder(Decimal("10.00"), [1, 1, 1], "USD", rotate=r).index(Decimal("3.34"))
        for r in range(3)
    }
    assert firsts == {0, 1, 2}


def test_yen_have_no_minor_unit():
    assert split_largest_remainder(Decimal("100"), [1, 2], "JPY") == [Decimal("33"), Decimal("67")]


def test_weights_follow_units_taken():
    assert split_largest_remainder(Decimal("20.00"), [1, 3], "USD") == [
        Decimal("5.00"),
        Decimal("15.00"),
    ]


def test_it_refuses_an_amount_finer_than_the_currency():
    with pytest.raises(ValueError):
        split_largest_remainder(Decimal("1.001"), [1, 1], "USD")


@given(
    cents=st.integers(min_value=1, max_value=10**9),
    weights=st.lists(st.integers(min_value=1, max_value=1000), min_size=1, max_size=40),
    rotate=st.integers(min_value=0, max_value=100),
)
def test_parts_always_sum_exactly_and_stay_within_one_cent_of_the_quota(cents, weights, rotate):
    total = Decimal(cents) / 100
    parts = split_largest_remainder(total, weights, "USD", rotate=rotate)
    assert sum(parts) == total
    for part, weight in zip(parts, weights, strict=True):
        quota = total * weight / sum(weights)
        assert abs(part - quota) < Decimal("0.01")
    assert split_largest_remainder(total, weights, "USD", rotate=rotate) == parts


def _by_fractions(units: int, weights: list[Decimal], rotate: int) -> list[int]:
    """The split as first written, with an exact fraction per quota: the reference."""
    exact = [Fraction(weight) for weight in weights]
    quotas = [units * weight / sum(exact) for weight in exact]
    parts = [math.floor(quota) for quota in quotas]
    order = sorted(
        range(len(parts)), key=lambda i: (-(quotas[i] - parts[i]), (i - rotate) % len(parts))
    )
    for i in order[: units - sum(parts)]:
        parts[i] += 1
    return parts


@given(
    units=st.integers(min_value=0, max_value=10**9),
    weights=st.lists(
        st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(1000), places=4),
        min_size=1,
        max_size=40,
    ),
    rotate=st.integers(min_value=0, max_value=100),
)
def test_integer_split_gives_the_same_parts_as_exact_fractions(units, weights, rotate):
    assert split_minor(units, weights, rotate=rotate) == _by_fractions(units, weights, rotate)


def test_whole_and_decimal_weights_mix():
    assert split_minor(100, [1, Decimal("0.5"), Decimal("1.5")]) == [33, 17, 50]
