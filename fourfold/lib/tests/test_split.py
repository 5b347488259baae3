from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fourfold.lib.money import split_largest_remainder


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
