import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from fourfold.lib.settlement import settle


def apply(balances, plan):
    after = dict(balances)
    for debtor, creditor, amount in plan:
        assert amount > 0
        after[debtor] += amount
        after[creditor] -= amount
    return after


def _partitions(items: list[int]):
    """Every way to cut ``items`` into groups, each once (a new person joins a group so far or
    starts the next one): 877 ways for seven people, where labelling them would try 823,543."""
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for partition in _partitions(rest):
        for index in range(len(partition)):
            yield [*partition[:index], [first, *partition[index]], *partition[index + 1 :]]
        yield [[first], *partition]


def brute_force_minimum(values: list[int]) -> int:
    """n minus the most zero-sum groups, by trying every partition of the people."""
    people = [v for v in values if v]
    n = len(people)
    best = 0
    for groups in _partitions(people):
        if all(sum(group) == 0 for group in groups):
            best = max(best, len(groups))
    return n - best if n else 0


balances_strategy = st.lists(st.integers(min_value=-60, max_value=60), min_size=1, max_size=6).map(
    lambda values: [*values, -sum(values)]
)


@settings(max_examples=150, deadline=None)
@given(balances_strategy)
def test_the_plan_is_as_short_as_brute_force_finds_on_small_cases(values):
    balances = {f"m{i}": value for i, value in enumerate(values)}
    plan = settle(balances)
    assert all(value == 0 for value in apply(balances, plan).values())
    assert len(plan) == brute_force_minimum(values)


@given(
    st.lists(st.integers(min_value=-(10**6), max_value=10**6), min_size=1, max_size=60).map(
        lambda values: [*values, -sum(values)]
    )
)
def test_any_plan_settles_everyone_in_at_most_n_minus_one_transfers(values):
    balances = dict(enumerate(values))
    plan = settle(balances, exact_limit=8)
    assert all(value == 0 for value in apply(balances, plan).values())
    nonzero = sum(1 for v in values if v)
    assert len(plan) <= max(0, nonzero - 1)


def test_equal_and_opposite_balances_are_paired_first():
    plan = settle({"a": 5, "b": -5, "c": 7, "d": -3, "e": -4}, exact_limit=0)
    assert ("b", "a", 5) in plan
    assert len(plan) == 3


def test_ten_thousand_members_settle_without_recursion():
    values = [((i * 7919) % 2001) - 1000 for i in range(9_999)]
    balances = dict(enumerate([*values, -sum(values)]))
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)
    try:
        plan = settle(balances)
    finally:
        sys.setrecursionlimit(limit)
    assert all(value == 0 for value in apply(balances, plan).values())
    assert len(plan) <= 9_999


def test_it_refuses_balances_that_do_not_sum_to_zero():
    import pytest

    with pytest.raises(ValueError):
        settle({"a": 1, "b": -2})


def test_the_plan_is_deterministic():
    balances = {"dee": 2667, "eli": -833, "flo": -1834}
    assert settle(balances) == settle(dict(reversed(balances.items())))
