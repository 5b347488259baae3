import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from fourfold.lib.irv import instant_runoff

OPTIONS = ["vanilla", "honey", "plain", "maple"]


def test_a_first_round_majority_wins_at_once():
    result = instant_runoff(OPTIONS, [["honey"], ["honey"], ["plain"]])
    assert result.winner == "honey"
    assert len(result.rounds) == 1


def test_second_preferences_decide_when_nobody_has_a_majority():
    ballots = [["vanilla", "honey"]] * 4 + [["honey"]] * 3 + [["plain", "honey"]] * 2
    result = instant_runoff(["vanilla", "honey", "plain"], ballots)
    assert result.rounds[0].eliminated == "plain"
    assert result.winner == "honey"


def test_a_tie_is_broken_by_option_order_and_explained():
    result = instant_runoff(["vanilla", "honey"], [["vanilla"], ["honey"]])
    assert result.rounds[0].eliminated == "honey"
    assert "order" in result.rounds[0].why
    assert result.winner == "vanilla"


def reference(options, ballots):
    """A slow, direct reading of the same rules."""
    standing = list(options)
    history = []
    while True:
        counts = {
            o: sum(1 for b in ballots if next((c for c in b if c in standing), None) == o)
            for o in standing
        }
        history.append(counts)
        live = sum(counts.values())
        for o in standing:
            if live and counts[o] * 2 > live:
                return o
        if len(standing) == 1:
            return standing[0] if live else None
        fewest = min(counts.values())
        tied = [o for o in standing if counts[o] == fewest]
        for earlier in history[:-1]:
            if len(tied) == 1:
                break
            low = min(earlier.get(o, 0) for o in tied)
            tied = [o for o in tied if earlier.get(o, 0) == low]
        standing.remove(max(tied, key=options.index))


rankings = st.lists(
    st.sampled_from(
        list(itertools.chain.from_iterable(itertools.permutations(OPTIONS, n) for n in range(1, 4)))
    ).map(list),
    min_size=0,
    max_size=15,
)


@settings(max_examples=300, deadline=None)
@given(rankings)
def test_random_ballots_give_the_reference_count(ballots):
    assert instant_runoff(OPTIONS, ballots).winner == reference(OPTIONS, ballots)
