import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fourfold.lib.allocation import allocate

ORDER = ["ana", "ben", "cam", "dee", "eli", "flo"]


def test_when_demand_fits_everyone_gets_what_they_asked():
    asked = {"ana": 2, "ben": 3, "cam": 0}
    assert allocate(asked, 10, order=["ana", "ben", "cam"]) == asked


def test_scarcity_is_shared_max_min_fair():
    assert allocate({"ana": 1, "ben": 5, "cam": 5}, 7, order=["ana", "ben", "cam"]) == {
        "ana": 1,
        "ben": 3,
        "cam": 3,
    }


def test_the_odd_unit_rotates():
    winners = set()
    for rotate in range(3):
        got = allocate(
            {"ana": 2, "ben": 2, "cam": 2}, 4, order=["ana", "ben", "cam"], rotate=rotate
        )
        winners.add(next(m for m, n in got.items() if n == 2 and sum(got.values()) == 4))
    assert len(winners) >= 2


def test_negative_quantities_are_refused():
    with pytest.raises(ValueError):
        allocate({"ana": -1}, 3, order=["ana"])


def brute_force_best_minimum(demands: dict, quantity: int) -> list[int]:
    """The sorted allocation vector that is lexicographically largest (max-min fair)."""
    people = list(demands)
    best = None
    for combo in itertools.product(*(range(demands[p] + 1) for p in people)):
        if sum(combo) != min(quantity, sum(demands.values())):
            continue
        key = sorted(combo)
        if best is None or key > best:
            best = key
    return best


@settings(max_examples=200, deadline=None)
@given(
    demands=st.lists(st.integers(0, 5), min_size=1, max_size=5),
    quantity=st.integers(0, 20),
    rotate=st.integers(0, 10),
)
def test_allocation_never_exceeds_what_was_made_or_asked_and_is_max_min_fair(
    demands, quantity, rotate
):
    order = ORDER[: len(demands)]
    asked = dict(zip(order, demands, strict=False))
    given_ = allocate(asked, quantity, order=order, rotate=rotate)
    assert sum(given_.values()) == min(quantity, sum(demands))
    assert all(0 <= given_[m] <= asked[m] for m in order)
    assert sorted(given_.values()) == brute_force_best_minimum(asked, quantity)
