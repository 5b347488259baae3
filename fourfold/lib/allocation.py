"""Sharing out what was made when members ask for more than there is."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence


def allocate(
    demands: Mapping[Hashable, int], quantity: int, *, order: Sequence[Hashable], rotate: int = 0
) -> dict[Hashable, int]:
    """Whole units, max-min fair, never more than ``quantity`` in total.

    Everyone gets up to a common level L, the highest level the quantity covers; the few units
    left over (fewer than the members still wanting more) go one each to members wanting more
    than L, in ``order`` starting at position ``rotate`` — so a caller that advances ``rotate``
    batch by batch does not short the same member every time. When demand fits, everyone gets
    exactly what they asked.
    """
    if quantity < 0 or any(d < 0 for d in demands.values()):
        raise ValueError("quantities are never negative")
    wants = {member: demands.get(member, 0) for member in order}
    if sum(wants.values()) <= quantity:
        return dict(wants)
    # Binary search the level: sum(min(want, level)) is monotone in level.
    low, high = 0, max(wants.values())
    while low < high:
        level = (low + high + 1) // 2
        if sum(min(want, level) for want in wants.values()) <= quantity:
            low = level
        else:
            high = level - 1
    given = {member: min(want, low) for member, want in wants.items()}
    left = quantity - sum(given.values())
    count = len(order)
    for step in range(count):
        if not left:
            break
        member = order[(rotate + step) % count]
        if wants[member] > given[member]:
            given[member] += 1
            left -= 1
    return given
