"""The rotation: who produces which batch. Framework-free: plain data in, plain data out.

Two exact stages, both from OR-Tools:

1. A min-cost max-flow (source -> member -> batch -> sink). Flow fills as many open places as
   the constraints allow: nobody on a day they are away or twice in a batch (arcs exist only
   where allowed), nobody above the ceiling of their fair share (member capacity). Among the
   fullest plans, the cost prefers, in this order: reaching every member's floor of their fair
   share, keeping a member away from the batches next to ones they already have, and keeping
   the places already given (so re-planning moves as little as possible).
2. If stage 1 still leaves someone in two consecutive batches, CP-SAT searches the plans that
   are as full and as fair as stage 1's for one with the fewest back-to-back shifts, starting
   from stage 1's plan. It proves the minimum or stops at a deterministic work limit.

Both solvers are deterministic for the same input, and members and batches are taken in a fixed
order, so the same input always gives the same plan.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Generic, TypeVar

from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model

# A member and a place (a shift, a month) are whatever the caller keys them by.
M = TypeVar("M", bound=Hashable)
K = TypeVar("K", bound=Hashable)

NEIGHBOUR_PENALTY = 1_000  # a place next to one the member already has
LONG_RUN_CAP = 400  # below the neighbour penalty: spreading out comes first
# Keeping a place where it was outweighs any long-run tilt, so a plan re-solved from itself
# stays put: were it 1, a tilt of a few units moved shifts on every re-plan.
STAY_REWARD = LONG_RUN_CAP + 1
REWEIGHT_ROUNDS = 8
ANCHOR_REWARD = NEIGHBOUR_PENALTY // 2  # a well-spread place from the last round stays
POLISH_WORK_LIMIT = 0.5  # CP-SAT deterministic work units: a bounded, repeatable effort


@dataclass(frozen=True)
class Slot(Generic[K]):
    key: K  # the shift's id
    batch: int  # index into Problem.batches


@dataclass(frozen=True)
class Problem(Generic[M, K]):
    """``batches`` run in date order over the history and the planning window.

    ``fixed[b]`` are the members who hold a place in batch ``b`` that the planner must not move
    (done, inside the lock window, offered for a swap); ``slots`` are the places to fill.
    """

    batch_count: int
    members: Sequence[M]
    weights: Mapping[M, Fraction]
    fixed: Mapping[int, frozenset] = field(default_factory=dict)
    slots: Sequence[Slot[K]] = ()
    unavailable: Mapping[M, frozenset[int]] = field(default_factory=dict)
    previous: Mapping[K, M] = field(default_factory=dict)
    # Shifts done over a longer past (a year): among members equally near their fair share,
    # the place goes to whoever has done fewer, so the rolling window does not forget drift.
    long_run: Mapping[M, int] = field(default_factory=dict)


@dataclass
class Plan(Generic[M, K]):
    assignment: dict[K, M | None]
    fair_share: dict[M, Fraction]
    counts: dict[M, int]  # fixed + assigned, over history and window
    total: int  # every place the members share over history and window
    back_to_back: int
    proven_optimal: bool


def _floor_reward(problem: Problem[M, K]) -> int:
    """Each place that lifts a member towards their floor: more than every other cost of the
    flow together (two neighbours, the tilt and the stay, on every place), so fairness always
    comes first however many places there are."""
    return (2 * NEIGHBOUR_PENALTY + LONG_RUN_CAP + STAY_REWARD) * (len(problem.slots) + 1)


def fair_shares(problem: Problem[M, K]) -> tuple[int, dict[M, Fraction]]:
    """The places the members share (theirs in the history and the window, and the open ones)
    split by weight. Places held by others (a member who left) are not the members' to share:
    counting them would lift every share out of reach."""
    members = set(problem.members)
    held = sum(1 for holders in problem.fixed.values() for m in holders if m in members)
    total = held + len(problem.slots)
    weight_sum = sum(problem.weights[m] for m in problem.members)
    if not weight_sum:
        return total, dict.fromkeys(problem.members, Fraction(0))
    return total, {m: total * problem.weights[m] / weight_sum for m in problem.members}


def _fixed_counts(problem: Problem[M, K]) -> dict[M, int]:
    counts: dict[M, int] = defaultdict(int)
    for members in problem.fixed.values():
        for member in members:
            counts[member] += 1
    return counts


def _bounds(problem: Problem[M, K], share: Mapping[M, Fraction]) -> dict[M, tuple[int, int]]:
    held = _fixed_counts(problem)
    return {
        m: (max(0, math.floor(share[m]) - held[m]), max(0, math.ceil(share[m]) - held[m]))
        for m in problem.members
    }


def _allowed(problem: Problem[M, K], member: M, batch: int) -> bool:
    return batch not in problem.unavailable.get(member, frozenset()) and member not in (
        problem.fixed.get(batch, frozenset())
    )


def count_back_to_back(batches_of: Mapping[M, set[int]]) -> int:
    return sum(1 for held in batches_of.values() for b in held if b + 1 in held)


def solve(problem: Problem[M, K]) -> Plan[M, K]:
    total, share = fair_shares(problem)
    bounds = _bounds(problem, share)
    members = list(problem.members)
    by_batch: dict[int, list[Slot]] = defaultdict(list)
    for slot in problem.slots:
        by_batch[slot.batch].append(slot)
    batches = sorted(by_batch)
    fixed_of: dict[M, set[int]] = defaultdict(set)
    for batch, holders in problem.fixed.items():
        for member in holders:
            fixed_of[member].add(batch)

    chosen = _flow(problem, members, bounds, by_batch, batches, fixed_of, {}, set())
    # Re-solve while someone sits in two consecutive batches, steering each such member away
    # from the neighbours of their other places; each round is one more exact min-cost flow.
    tried: dict[M, set[int]] = defaultdict(set)
    for _round in range(REWEIGHT_ROUNDS):
        batches_of = _batches_of(members, fixed_of, chosen)
        if not count_back_to_back(batches_of):
            break
        # Remember every place a member was given in any round: steering away from all of
        # them, not just the last, keeps the rounds from swinging back and forth.
        for m, held in batches_of.items():
            tried[m] |= held
        anchors = {
            (m, b)
            for m, held in batches_of.items()
            for b in held
            if b - 1 not in held and b + 1 not in held
        }
        chosen = _flow(problem, members, bounds, by_batch, batches, fixed_of, tried, anchors)

    proven = True
    batches_of = _batches_of(members, fixed_of, chosen)
    if count_back_to_back(batches_of):
        chosen, proven = _polish(problem, bounds, by_batch, fixed_of, chosen)
        batches_of = _batches_of(members, fixed_of, chosen)

    assignment = _place(problem, by_batch, chosen)
    counts = {m: len(batches_of[m]) for m in members}
    return Plan(
        assignment=assignment,
        fair_share=share,
        counts=counts,
        total=total,
        back_to_back=count_back_to_back(batches_of),
        proven_optimal=proven,
    )


def _batches_of(
    members: Sequence[M], fixed_of: Mapping[M, set[int]], chosen: Mapping[int, list[M]]
) -> dict[M, set[int]]:
    held = {m: set(fixed_of[m]) for m in members}
    for b, holders in chosen.items():
        for m in holders:
            held[m].add(b)
    return held


def _flow(
    problem: Problem[M, K], members, bounds, by_batch, batches, fixed_of, crowded, anchors
) -> dict[int, list[M]]:
    """Stage 1: one min-cost max-flow. ``crowded`` holds each member's batches from earlier
    rounds; places next to them cost as much as places next to fixed ones. ``anchors`` are the
    places of the last round that were already well spread: keeping them is rewarded."""
    flow = min_cost_flow.SimpleMinCostFlow()
    source, sink = 0, 1
    member_node = {m: 2 + i for i, m in enumerate(members)}
    batch_node = {b: 2 + len(members) + i for i, b in enumerate(batches)}
    previous_in_batch = {(problem.previous.get(s.key), s.batch) for s in problem.slots}
    pair_arcs: dict[int, tuple[M, int]] = {}
    tilts = _long_run_tilts(problem)
    for m in members:
        low, high = bounds[m]
        if low:
            flow.add_arc_with_capacity_and_unit_cost(
                source, member_node[m], low, -_floor_reward(problem)
            )
        if high > low:
            tilt = tilts[m]
            flow.add_arc_with_capacity_and_unit_cost(source, member_node[m], high - low, tilt)
        for b in batches:
            if not _allowed(problem, m, b):
                continue
            near = fixed_of[m] | (crowded.get(m, set()) - {b})
            cost = NEIGHBOUR_PENALTY * sum(1 for n in (b - 1, b + 1) if n in near)
            if (m, b) in previous_in_batch:
                cost -= STAY_REWARD
            if (m, b) in anchors:
                cost -= ANCHOR_REWARD
            arc = flow.add_arc_with_capacity_and_unit_cost(member_node[m], batch_node[b], 1, cost)
            pair_arcs[arc] = (m, b)
    for b in batches:
        flow.add_arc_with_capacity_and_unit_cost(batch_node[b], sink, len(by_batch[b]), 0)
    # Offer every place from the source; the solver sends as much as the arcs allow.
    flow.set_node_supply(source, len(problem.slots))
    flow.set_node_supply(sink, -len(problem.slots))
    chosen: dict[int, list[M]] = defaultdict(list)
    if pair_arcs and flow.solve_max_flow_with_min_cost() == flow.OPTIMAL:
        for arc, (m, b) in pair_arcs.items():
            if flow.flow(arc):
                chosen[b].append(m)
    return chosen


def _long_run_tilts(problem: Problem[M, K]) -> dict[M, int]:
    """Cost of one more place above a member's floor: lower for members behind their share of
    the year's shifts (by weight), so ties go to them. Kept within 0..LONG_RUN_CAP. All members
    at once: the sums are taken once, not once per member (200 members: 1.3 s -> 10 ms)."""
    done = sum(problem.long_run.values())
    weight_sum = sum(problem.weights[m] for m in problem.members)
    if not done or not weight_sum:
        return dict.fromkeys(problem.members, LONG_RUN_CAP // 2)
    tilts = {}
    for member in problem.members:
        expected = done * problem.weights[member] / weight_sum
        ahead = problem.long_run.get(member, 0) - expected
        tilts[member] = max(0, min(LONG_RUN_CAP, round(LONG_RUN_CAP // 2 + 50 * ahead)))
    return tilts


def _place(problem: Problem[M, K], by_batch, chosen) -> dict[K, M | None]:
    """Give each chosen member a slot of their batch, keeping their previous slot if any."""
    assignment: dict[K, M | None] = {}
    order = members_order(problem)
    for b, slots in by_batch.items():
        holders = sorted(chosen.get(b, []), key=order.__getitem__)
        free = list(slots)
        for slot in slots:
            member = problem.previous.get(slot.key)
            if member in holders:
                assignment[slot.key] = member
                holders.remove(member)
                free.remove(slot)
        for slot in free:
            assignment[slot.key] = holders.pop(0) if holders else None
    return assignment


def members_order(problem: Problem[M, K]) -> dict[M, int]:
    return {m: i for i, m in enumerate(problem.members)}


def _polish(problem: Problem[M, K], bounds, by_batch, fixed_of, chosen):
    """Fewest back-to-back shifts among plans as full and as fair as stage 1's (CP-SAT)."""
    model = cp_model.CpModel()
    members = list(problem.members)
    order = members_order(problem)
    x: dict[tuple[M, int], cp_model.IntVar] = {}
    for m in members:
        for b in by_batch:
            if _allowed(problem, m, b):
                x[m, b] = model.new_bool_var(f"x_{order[m]}_{b}")
    for b, slots in by_batch.items():
        model.add(sum(x[m, b] for m in members if (m, b) in x) <= len(slots))
    filled = sum(len(v) for v in chosen.values())
    model.add(sum(x.values()) == filled)
    deficits = []
    stage_one_deficit = 0
    for m in members:
        low, high = bounds[m]
        mine = [x[m, b] for b in by_batch if (m, b) in x]
        model.add(sum(mine) <= high)
        got = sum(1 for holders in chosen.values() if m in holders)
        stage_one_deficit += max(0, low - got)
        if low:
            deficit = model.new_int_var(0, low, f"d_{order[m]}")
            model.add(deficit >= low - sum(mine))
            deficits.append(deficit)
    if deficits:
        model.add(sum(deficits) <= stage_one_deficit)
    penalties = []
    for m in members:
        held = fixed_of[m]

        def term(batch: int, member=m, held=held):
            return 1 if batch in held else x.get((member, batch))

        for b in range(problem.batch_count - 1):
            left, right = term(b), term(b + 1)
            if left is None or right is None or (isinstance(left, int) and isinstance(right, int)):
                continue
            both = model.new_bool_var("")
            model.add(both >= left + right - 1)
            penalties.append(both)
    stays = [
        x[holder, s.batch]
        for s in problem.slots
        if (holder := problem.previous.get(s.key)) is not None and (holder, s.batch) in x
    ]
    # The flow's tie-breaks, so a polished plan is also the one a re-plan keeps: the long-run
    # tilt on each place above a member's floor, the stay reward on each place kept.
    tilts = []
    tilt_of = _long_run_tilts(problem)
    for m in members:
        low, high = bounds[m]
        mine = [x[m, b] for b in by_batch if (m, b) in x]
        if high > low and mine and (tilt := tilt_of[m]):
            above = model.new_int_var(0, high - low, "")
            model.add(above >= sum(mine) - low)
            tilts.append(tilt * above)
    # One back-to-back pair fewer is worth more than every stay and tilt together.
    spread = (STAY_REWARD + LONG_RUN_CAP) * len(problem.slots) + 1
    model.minimize(spread * sum(penalties) - STAY_REWARD * sum(stays) + sum(tilts))

    def score(plan: Mapping[int, list]) -> int:
        """The objective above, for a plan in hand."""
        got: dict[M, int] = defaultdict(int)
        for holders in plan.values():
            for m in holders:
                got[m] += 1
        kept = sum(
            1
            for s in problem.slots
            if (m := problem.previous.get(s.key)) is not None and m in plan.get(s.batch, ())
        )
        tilt = sum(
            tilt_of[m] * max(0, got[m] - bounds[m][0])
            for m in members
            if bounds[m][1] > bounds[m][0]
        )
        pairs = count_back_to_back(_batches_of(members, fixed_of, plan))
        return spread * pairs - STAY_REWARD * kept + tilt

    # Start from the better of stage 1's plan and the plan as it stands (when that is still as
    # full and as fair), and never end worse than the start: when the work limit stops the
    # search, a re-plan must not move shifts for nothing.
    start = chosen
    standing = _standing(problem, x, by_batch)
    standing_got = {m: sum(1 for holders in standing.values() if m in holders) for m in members}
    if (
        sum(standing_got.values()) == filled
        and all(len(standing[b]) <= len(by_batch[b]) for b in standing)
        and all(standing_got[m] <= bounds[m][1] for m in members)
        and sum(max(0, bounds[m][0] - standing_got[m]) for m in members) <= stage_one_deficit
        and score(standing) <= score(chosen)
    ):
        start = standing
    for (m, b), var in x.items():
        model.add_hint(var, m in start.get(b, ()))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_deterministic_time = POLISH_WORK_LIMIT
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return start, False
    polished: dict[int, list[M]] = defaultdict(list)
    for (m, b), var in x.items():
        if solver.value(var):
            polished[b].append(m)
    if score(polished) >= score(start):
        # Equal scores keep every standing place, so ``start`` is then the same plan.
        return start, status == cp_model.OPTIMAL
    return polished, status == cp_model.OPTIMAL


def _standing(problem: Problem[M, K], x, by_batch) -> dict[int, list[M]]:
    """The previous plan's places that are still allowed, as a plan."""
    standing: dict[int, list[M]] = defaultdict(list)
    for b, slots in by_batch.items():
        for slot in slots:
            m = problem.previous.get(slot.key)
            if m is not None and (m, b) in x and m not in standing[b]:
                standing[b].append(m)
    return standing


def open_reasons(problem: Problem[M, K], plan: Plan, batch: int) -> dict[str, int]:
    """Why a batch's places stayed open: how many members were away, already in the batch,
    or already at the ceiling of their fair share."""
    away = sum(1 for m in problem.members if batch in problem.unavailable.get(m, frozenset()))
    in_batch = len(problem.fixed.get(batch, frozenset())) + sum(
        1 for s in problem.slots if s.batch == batch and plan.assignment.get(s.key) is not None
    )
    at_share = sum(
        1
        for m in problem.members
        if batch not in problem.unavailable.get(m, frozenset())
        and plan.counts[m] >= math.ceil(plan.fair_share[m])
    )
    return {"away": away, "producing": in_batch, "at_fair_share": at_share}
