"""Settle-up: the fewest transfers that bring every balance to zero.

Balances are whole minor units (ints) summing to zero; positive means the person is owed.
The minimum number of transfers is n - g, where n is the number of non-zero balances and g the
largest number of disjoint zero-sum groups they can be split into (each group of k settles in
k - 1 transfers). Finding g is NP-hard; we compute it exactly by dynamic programming over subsets
when that stays within about 50 ms, and otherwise use a greedy plan. Nothing here recurses, so
10,000 members are as safe as 10.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Hashable, Mapping
from typing import TypeVar

K = TypeVar("K", bound=Hashable)  # whatever the caller keys people by
Transfer = tuple[K, K, int]  # (from debtor, to creditor, minor units)

# 2^n subsets, each touched once: 15 non-zero balances take ~30 ms in CPython here (the
# benchmark measures it); beyond that the greedy plan answers in well under a millisecond.
EXACT_LIMIT = 15


def settle(balances: Mapping[K, int], *, exact_limit: int = EXACT_LIMIT) -> list[Transfer[K]]:
    """Transfers (debtor, creditor, amount) after which every balance is zero.

    Deterministic for the same input: people are taken in the order of ``sorted(keys)``.
    """
    if sum(balances.values()) != 0:
        raise ValueError("balances must sum to zero to be settled")
    people = sorted((key for key, value in balances.items() if value), key=_sort_key)
    amounts = {key: balances[key] for key in people}
    transfers, rest = _pair_opposites(people, amounts)
    groups = _zero_sum_groups(rest, amounts) if len(rest) <= exact_limit else [rest]
    for group in groups:
        transfers.extend(_greedy(group, amounts))
    return transfers


def _sort_key(key: Hashable):
    return (type(key).__name__, str(key))


def _pair_opposites(people: list[K], amounts: dict[K, int]) -> tuple[list[Transfer[K]], list[K]]:
    """Settle every pair of equal and opposite balances with one transfer each.

    Some optimal plan always contains these pairs (swapping a pair into any plan never adds a
    transfer), and removing them shrinks what the exact search must look at.
    """
    waiting: dict[int, list] = defaultdict(list)
    transfers: list[Transfer[K]] = []
    paired: set = set()
    for person in people:
        amount = amounts[person]
        partners = waiting[-amount]
        if partners:
            partner = partners.pop(0)
            paired.update((person, partner))
            debtor, creditor = (person, partner) if amount < 0 else (partner, person)
            transfers.append((debtor, creditor, abs(amount)))
        else:
            waiting[amount].append(person)
    return transfers, [person for person in people if person not in paired]


def _zero_sum_groups(people: list, amounts: dict) -> list[list]:
    """Split ``people`` into the most disjoint zero-sum groups (exact, O(2^n · n))."""
    count = len(people)
    if count == 0:
        return []
    full = (1 << count) - 1
    values = [amounts[person] for person in people]
    subset_sum = [0] * (full + 1)
    best = [0] * (full + 1)
    last = [0] * (full + 1)  # the member added last on the best path to each subset
    for mask in range(1, full + 1):
        low = mask & -mask
        subset_sum[mask] = subset_sum[mask ^ low] + values[low.bit_length() - 1]
        top, top_bit, bits = -1, 0, mask
        while bits:
            bit = bits & -bits
            if best[mask ^ bit] > top:
                top, top_bit = best[mask ^ bit], bit
            bits ^= bit
        best[mask] = top + (1 if subset_sum[mask] == 0 else 0)
        last[mask] = top_bit
    groups: list[list] = []
    current: list = []
    mask = full
    # Walk the best path back: each time the remaining subset sums to zero, a group closes.
    while mask:
        if subset_sum[mask] == 0 and current:
            groups.append(current)
            current = []
        bit = last[mask]
        current.append(people[bit.bit_length() - 1])
        mask ^= bit
    if current:
        groups.append(current)
    return groups


def _greedy(group: list[K], amounts: dict[K, int]) -> list[Transfer[K]]:
    """The largest debtor pays the largest creditor until all are even: at most k - 1
    transfers for k people, since each transfer clears at least one of them."""
    order = {person: index for index, person in enumerate(group)}
    creditors = [(-amounts[p], order[p], p) for p in group if amounts[p] > 0]
    debtors = [(amounts[p], order[p], p) for p in group if amounts[p] < 0]
    heapq.heapify(creditors)
    heapq.heapify(debtors)
    transfers: list[Transfer[K]] = []
    while creditors and debtors:
        owed, creditor_rank, creditor = heapq.heappop(creditors)
        owing, debtor_rank, debtor = heapq.heappop(debtors)
        amount = min(-owed, -owing)
        transfers.append((debtor, creditor, amount))
        if -owed > amount:
            heapq.heappush(creditors, (owed + amount, creditor_rank, creditor))
        if -owing > amount:
            heapq.heappush(debtors, (owing + amount, debtor_rank, debtor))
    return transfers
