"""Instant-runoff: the option a majority prefers once weaker options are set aside."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class Round:
    counts: dict[str, int]
    eliminated: str | None = None
    why: str = ""


@dataclass
class Result:
    winner: str | None
    rounds: list[Round] = field(default_factory=list)


def instant_runoff(options: Sequence[str], ballots: Sequence[Sequence[str]]) -> Result:
    """Count first preferences among the options still standing; a majority of the ballots
    still expressing a preference wins; otherwise the weakest option goes and its ballots move
    to their next choice.

    Ties for elimination are broken by the earlier rounds' counts (the option that was weaker
    earlier goes first), then by position in ``options`` (the later-listed goes first), so the
    same ballots always give the same result, and each round says why.
    """
    standing = list(options)
    history: list[dict[str, int]] = []
    result = Result(winner=None)
    clean = [[choice for choice in ballot if choice in options] for ballot in ballots]
    while standing:
        counts = dict.fromkeys(standing, 0)
        for ballot in clean:
            for choice in ballot:
                if choice in counts:
                    counts[choice] += 1
                    break
        history.append(counts)
        live = sum(counts.values())
        round_ = Round(counts=counts)
        result.rounds.append(round_)
        leader = max(standing, key=lambda o: (counts[o], -options.index(o)))
        if live and counts[leader] * 2 > live:
            result.winner = leader
            return result
        if len(standing) == 1:
            result.winner = standing[0] if live else None
            return result
        fewest = min(counts.values())
        tied = [o for o in standing if counts[o] == fewest]
        if len(tied) > 1:
            for earlier in history[:-1]:
                low = min(earlier.get(o, 0) for o in tied)
                tied = [o for o in tied if earlier.get(o, 0) == low]
                if len(tied) == 1:
                    round_.why = "tie broken by an earlier round's count"
                    break
            if len(tied) > 1:
                round_.why = "tie broken by the order of the options"
        loser = max(tied, key=options.index)
        round_.eliminated = loser
        standing.remove(loser)
    return result
