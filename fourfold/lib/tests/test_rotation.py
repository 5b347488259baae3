"""The rotation on random small co-ops, checked against exact searches written here.

Two independent oracles: a CP-SAT model solved lexicographically (fill, then fairness, then
back-to-back), and on the tiniest instances an exhaustive search over every plan (dynamic
programming over the batches, so it enumerates every plan without listing them one by one).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, replace
from fractions import Fraction
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from fourfold.lib import rotation
from fourfold.lib.rotation import Problem, Slot

FAST = settings(max_examples=80, deadline=None)


@st.composite
def problems(draw, max_members: int = 6, max_batches: int = 8, max_places: int = 3) -> Problem:
    """A co-op's rotation: a few done batches of history, then batches to plan, some places
    already fixed (locked or offered), random weights, members away on random days."""
    members = [f"m{i}" for i in range(draw(st.integers(3, max_members)))]
    weights = {m: Fraction(draw(st.integers(1, 3))) for m in members}
    batch_count = draw(st.integers(2, max_batches))
    history = draw(st.integers(0, batch_count - 1))
    fixed: dict[int, frozenset] = {}
    slots: list[Slot] = []
    previous: dict[str, str] = {}
    for b in range(batch_count):
        places = min(draw(st.integers(1, max_places)), len(members))
        if b < history:
            # Someone who has since left may have done some of the history.
            done = draw(st.lists(st.sampled_from([*members, "gone"]), max_size=places, unique=True))
            if done:
                fixed[b] = frozenset(done)
            continue
        locked = draw(st.lists(st.sampled_from(members), max_size=places - 1, unique=True))
        if locked:
            fixed[b] = frozenset(locked)
        # What the last plan said, as re-planning sees it: distinct members, some places open.
        before = draw(st.lists(st.sampled_from(members), max_size=places, unique=True))
        before = [m for m in before if m not in locked]
        for i in range(places - len(locked)):
            key = f"b{b}s{i}"
            slots.append(Slot(key=key, batch=b))
            if i < len(before):
                previous[key] = before[i]
    window = list(range(history, batch_count))
    unavailable = {
        m: frozenset(days)
        for m in members
        if (days := draw(st.sets(st.sampled_from(window), max_size=len(window))))
        and draw(st.booleans())
    }
    long_run = {m: draw(st.integers(0, 60)) for m in members if draw(st.booleans())}
    return Problem(
        batch_count=batch_count,
        members=members,
        weights=weights,
        fixed=fixed,
        slots=slots,
        unavailable=unavailable,
        previous=previous,
        long_run=long_run,
    )


# -- what a plan is, computed from scratch -------------------------------------------------------


@dataclass(frozen=True)
class Score:
    filled: int
    deficit: int  # places short of the members' floors, summed
    back_to_back: int


def shares(problem: Problem) -> dict:
    """Fair shares of the places the members share: theirs, and the ones to fill."""
    total = held(problem).total() + len(problem.slots)
    weight_sum = sum(problem.weights.values())
    return {m: Fraction(total) * problem.weights[m] / weight_sum for m in problem.members}


def held(problem: Problem) -> Counter:
    return Counter(m for holders in problem.fixed.values() for m in holders if m in problem.members)


def ceiling(problem: Problem) -> dict:
    """New places each member may still take: up to the ceiling of their fair share."""
    share, already = shares(problem), held(problem)
    return {m: max(0, math.ceil(share[m]) - already[m]) for m in problem.members}


def floor_needed(problem: Problem) -> dict:
    share, already = shares(problem), held(problem)
    return {m: max(0, math.floor(share[m]) - already[m]) for m in problem.members}


def holders_by_batch(problem: Problem, assignment: dict) -> dict[int, list]:
    """The members in each batch (a former member's history is no one's back-to-back)."""
    holders = {
        b: [m for m in problem.fixed.get(b, ()) if m in problem.members]
        for b in range(problem.batch_count)
    }
    for slot in problem.slots:
        if (member := assignment.get(slot.key)) is not None:
            holders[slot.batch].append(member)
    return holders


def back_to_back(holders: dict[int, list]) -> int:
    return sum(len(set(holders[b]) & set(holders[b + 1])) for b in range(len(holders) - 1))


def score(problem: Problem, assignment: dict) -> Score:
    assigned = Counter(m for m in assignment.values() if m is not None)
    need = floor_needed(problem)
    return Score(
        filled=sum(assigned.values()),
        deficit=sum(max(0, need[m] - assigned[m]) for m in problem.members),
        back_to_back=back_to_back(holders_by_batch(problem, assignment)),
    )


def allowed(problem: Problem, member, batch: int) -> bool:
    return batch not in problem.unavailable.get(member, ()) and member not in problem.fixed.get(
        batch, ()
    )


# -- oracle 1: CP-SAT, lexicographic ------------------------------------------------------------


def best_by_cp_sat(problem: Problem) -> tuple[Score, bool]:
    """The best (fill, fairness, spread) any plan reaches, and whether a max-fill plan keeps
    every member within [floor, ceil] of their fair share."""
    places = Counter(slot.batch for slot in problem.slots)
    share, already, high, need = (
        shares(problem),
        held(problem),
        ceiling(problem),
        floor_needed(problem),
    )
    model = cp_model.CpModel()
    x = {
        (m, b): model.new_bool_var(f"{m}@{b}")
        for m in problem.members
        for b in places
        if allowed(problem, m, b)
    }
    for b, count in places.items():
        model.add(sum(x[m, b] for m in problem.members if (m, b) in x) <= count)
    taken = {m: sum(v for (who, _b), v in x.items() if who == m) for m in problem.members}
    for m in problem.members:
        model.add(taken[m] <= high[m])
    filled = sum(x.values())
    deficits = []
    for m in problem.members:
        short = model.new_int_var(0, need[m], f"short_{m}")
        model.add(short >= need[m] - taken[m])
        deficits.append(short)
    pairs = []
    for m in problem.members:

        def on(b, m=m):
            return 1 if m in problem.fixed.get(b, ()) else x.get((m, b), 0)

        for b in range(problem.batch_count - 1):
            both = model.new_bool_var("")
            model.add(both >= on(b) + on(b + 1) - 1)
            pairs.append(both)

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1

    def optimum(objective, maximise=False):
        (model.maximize if maximise else model.minimize)(objective)
        assert solver.solve(model) == cp_model.OPTIMAL
        return round(solver.objective_value)

    best_fill = optimum(filled, maximise=True)
    model.add(filled == best_fill)
    best_deficit = optimum(sum(deficits))
    model.add(sum(deficits) == best_deficit)
    best_spread = optimum(sum(pairs))
    within = best_deficit == 0 and all(already[m] <= math.ceil(share[m]) for m in problem.members)
    return Score(best_fill, best_deficit, best_spread), within


# -- oracle 2: every plan, for the tiniest instances ----------------------------------------------


def best_by_exhaustion(problem: Problem) -> Score:
    """Walk every plan batch by batch, keeping per (places taken so far per member, holders of
    the last batch) the fewest back-to-back pairs: an exhaustive search without repetition."""
    members = list(problem.members)
    places = Counter(slot.batch for slot in problem.slots)
    high, need = ceiling(problem), floor_needed(problem)
    states = {(tuple(0 for _ in members), frozenset()): 0}
    for b in range(problem.batch_count):
        fixed = frozenset(problem.fixed.get(b, ())) & set(members)
        candidates = [m for m in members if allowed(problem, m, b)]
        choices = [
            frozenset(group)
            for size in range(min(places[b], len(candidates)) + 1)
            for group in combinations(candidates, size)
        ]
        following: dict = {}
        for (taken, last), pairs in states.items():
            for group in choices:
                counts = list(taken)
                for m in group:
                    counts[members.index(m)] += 1
                if any(counts[i] > high[m] for i, m in enumerate(members)):
                    continue
                holders = fixed | group
                key = (tuple(counts), holders)
                value = pairs + len(holders & last)
                if value < following.get(key, math.inf):
                    following[key] = value
        states = following
    return min(
        (
            Score(
                filled=sum(taken),
                deficit=sum(max(0, need[m] - taken[i]) for i, m in enumerate(members)),
                back_to_back=pairs,
            )
            for (taken, _last), pairs in states.items()
        ),
        key=lambda s: (-s.filled, s.deficit, s.back_to_back),
    )


# -- the properties -----------------------------------------------------------------------------


def assert_respects_availability(problem: Problem, plan: rotation.Plan) -> None:
    assert set(plan.assignment) == {slot.key for slot in problem.slots}
    for b, holders in holders_by_batch(problem, plan.assignment).items():
        assert len(holders) == len(set(holders)), f"someone twice in batch {b}"
    for slot in problem.slots:
        member = plan.assignment[slot.key]
        if member is None:
            continue
        assert member in problem.members
        assert slot.batch not in problem.unavailable.get(member, ()), (
            f"{member} placed on batch {slot.batch}, a day they are away"
        )


@FAST
@given(problems())
def test_nobody_works_on_a_day_away_nor_twice_in_a_batch(problem):
    assert_respects_availability(problem, rotation.solve(problem))


@FAST
@given(problems())
def test_the_plan_is_as_full_as_fair_and_as_spread_out_as_any_plan_can_be(problem):
    plan = rotation.solve(problem)
    got = score(problem, plan.assignment)
    best, _within = best_by_cp_sat(problem)
    assert got.filled == best.filled, "a place was left open that some member could take"
    assert got.deficit == best.deficit, "a member is further below their floor than necessary"
    assert plan.proven_optimal
    assert got.back_to_back == best.back_to_back
    assert plan.back_to_back == got.back_to_back


@FAST
@given(problems())
def test_everyone_is_within_one_of_their_fair_share_whenever_that_is_possible(problem):
    plan = rotation.solve(problem)
    share, already = shares(problem), held(problem)
    assigned = Counter(m for m in plan.assignment.values() if m is not None)
    for m in problem.members:
        assert plan.fair_share[m] == share[m]
        assert plan.counts[m] == already[m] + assigned[m]
        # Never above the ceiling through the planner's doing.
        assert plan.counts[m] <= max(math.ceil(share[m]), already[m])
    _best, within = best_by_cp_sat(problem)
    if within:
        for m in problem.members:
            assert math.floor(share[m]) <= plan.counts[m] <= math.ceil(share[m]), (
                f"{m}: {plan.counts[m]} shifts for a fair share of {float(share[m]):.2f}"
            )


@settings(max_examples=60, deadline=None)
@given(problems(max_members=4, max_batches=5, max_places=2))
def test_an_exhaustive_search_finds_no_better_plan_on_tiny_co_ops(problem):
    plan = rotation.solve(problem)
    best = best_by_exhaustion(problem)
    assert score(problem, plan.assignment) == best
    # The two oracles agree with each other, too.
    assert best_by_cp_sat(problem)[0] == best


@FAST
@given(problems())
def test_the_same_input_gives_the_same_plan(problem):
    first, second = rotation.solve(problem), rotation.solve(problem)
    assert first.assignment == second.assignment
    assert first.counts == second.counts


@FAST
@given(problems())
def test_re_solving_from_its_own_plan_moves_nothing(problem):
    plan = rotation.solve(problem)
    kept = {key: member for key, member in plan.assignment.items() if member is not None}
    again = rotation.solve(replace(problem, previous=kept))
    assert again.assignment == plan.assignment


# -- examples you can check by hand ---------------------------------------------------------------


def weekly(members, weeks: int, places: int = 1, **kwargs) -> Problem:
    return Problem(
        batch_count=weeks,
        members=members,
        weights=kwargs.pop("weights", dict.fromkeys(members, Fraction(1))),
        slots=[Slot(key=(b, i), batch=b) for b in range(weeks) for i in range(places)],
        **kwargs,
    )


def test_three_members_and_six_sundays_take_two_each_never_back_to_back():
    plan = rotation.solve(weekly(["ann", "ben", "cy"], 6))
    assert plan.counts == {"ann": 2, "ben": 2, "cy": 2}
    assert plan.back_to_back == 0


def test_a_double_weight_means_a_double_share():
    plan = rotation.solve(
        weekly(["ann", "ben", "cy"], 8, weights={"ann": Fraction(2), "ben": 1, "cy": 1})
    )
    assert plan.fair_share == {"ann": 4, "ben": 2, "cy": 2}
    assert plan.counts == {"ann": 4, "ben": 2, "cy": 2}


def test_shifts_done_in_the_history_count_toward_the_fair_share():
    # Ann did the last three batches of history; the next three go to the others.
    history = {0: frozenset({"ann"}), 1: frozenset({"ann"}), 2: frozenset({"ann"})}
    problem = Problem(
        batch_count=6,
        members=["ann", "ben", "cy"],
        weights=dict.fromkeys(["ann", "ben", "cy"], Fraction(1)),
        fixed=history,
        slots=[Slot(key=b, batch=b) for b in range(3, 6)],
    )
    plan = rotation.solve(problem)
    assert plan.counts == {"ann": 3, "ben": 2, "cy": 1} or plan.counts == {
        "ann": 3,
        "ben": 1,
        "cy": 2,
    }
    assert "ann" not in plan.assignment.values()


def test_when_everyone_is_away_the_place_stays_open_and_says_why():
    members = ["ann", "ben", "cy"]
    problem = weekly(members, 3, unavailable={m: frozenset({1}) for m in members})
    plan = rotation.solve(problem)
    assert plan.assignment[(1, 0)] is None
    assert rotation.open_reasons(problem, plan, 1) == {
        "away": 3,
        "producing": 0,
        "at_fair_share": 0,
    }


def test_places_beyond_everyones_ceiling_stay_open():
    # Ann is away all month: Ben and Cy reach the ceiling of their share (4 of 6 -> 2 each).
    problem = weekly(["ann", "ben", "cy"], 6, unavailable={"ann": frozenset(range(6))})
    plan = rotation.solve(problem)
    assert sorted(m or "-" for m in plan.assignment.values()).count("-") == 2
    assert plan.counts == {"ann": 0, "ben": 2, "cy": 2}
