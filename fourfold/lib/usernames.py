"""Usernames that look alike: a Cyrillic "e" in "dee" must not pass for the Latin "dee".

A small, dependency-free cut of Unicode's confusables advice (UTS #39): normalise with NFKC,
refuse a name that mixes scripts (Latin with Cyrillic, Greek with Latin, ...), and compare
names by a "skeleton" (NFKC, case-folded, the common Cyrillic and Greek look-alikes of Latin
letters mapped to them), so a whole-script look-alike ("ape" written in Cyrillic) is caught
as well.
"""

from __future__ import annotations

import unicodedata

# Cyrillic and Greek letters (lower case: the skeleton is case-folded first) that read as a
# Latin letter in most fonts, by their Unicode names (the letters themselves would be the
# very confusion this module is about, in the source too).
_LOOKALIKE_NAMES = {
    "a": ["CYRILLIC SMALL LETTER A", "GREEK SMALL LETTER ALPHA"],
    "b": ["CYRILLIC SMALL LETTER VE", "GREEK SMALL LETTER BETA"],
    "c": ["CYRILLIC SMALL LETTER ES", "GREEK LUNATE SIGMA SYMBOL"],
    "d": ["CYRILLIC SMALL LETTER KOMI DE"],
    "e": ["CYRILLIC SMALL LETTER IE", "CYRILLIC SMALL LETTER IO", "GREEK SMALL LETTER EPSILON"],
    "h": ["CYRILLIC SMALL LETTER SHHA", "CYRILLIC SMALL LETTER EN"],
    "i": [
        "CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I",
        "CYRILLIC SMALL LETTER YI",
        "GREEK SMALL LETTER IOTA",
    ],
    "j": ["CYRILLIC SMALL LETTER JE"],
    "k": ["CYRILLIC SMALL LETTER KA", "GREEK SMALL LETTER KAPPA"],
    "l": ["CYRILLIC SMALL LETTER PALOCHKA"],
    "m": ["CYRILLIC SMALL LETTER EM"],
    "n": ["GREEK SMALL LETTER ETA"],
    "o": ["CYRILLIC SMALL LETTER O", "GREEK SMALL LETTER OMICRON"],
    "p": ["CYRILLIC SMALL LETTER ER", "GREEK SMALL LETTER RHO"],
    "q": ["CYRILLIC SMALL LETTER QA"],
    "s": ["CYRILLIC SMALL LETTER DZE"],
    "t": ["CYRILLIC SMALL LETTER TE", "GREEK SMALL LETTER TAU"],
    "u": ["GREEK SMALL LETTER UPSILON"],
    "v": ["GREEK SMALL LETTER NU"],
    "w": ["CYRILLIC SMALL LETTER WE"],
    "x": ["CYRILLIC SMALL LETTER HA", "GREEK SMALL LETTER CHI"],
    "y": ["CYRILLIC SMALL LETTER U"],
}
_LOOKALIKES = str.maketrans(
    {unicodedata.lookup(name): latin for latin, names in _LOOKALIKE_NAMES.items() for name in names}
)

# Scripts that are written together: Japanese mixes Han, Hiragana and Katakana, Korean Han
# and Hangul, Chinese Han and Bopomofo, each with Latin (UTS #39 "highly restrictive").
_WRITTEN_TOGETHER = (
    frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "HAN", "BOPOMOFO"}),
    frozenset({"LATIN", "HAN", "HANGUL"}),
)


def username_normalise(name: str) -> str:
    """The form a username is stored in: NFKC (full-width "dee" becomes "dee"), no outer spaces."""
    return unicodedata.normalize("NFKC", name).strip()


def username_skeleton(name: str) -> str:
    """What a username looks like: two names with one skeleton cannot be told apart."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return unicodedata.normalize("NFKC", folded).translate(_LOOKALIKES)


def _script(char: str) -> str | None:
    """The script of a letter, from its Unicode name; None for digits, marks, punctuation."""
    if not unicodedata.category(char).startswith("L"):
        return None
    word = unicodedata.name(char, "UNKNOWN").split(" ")[0]
    return "HAN" if word == "CJK" else word


def username_scripts(name: str) -> set[str]:
    normalised = unicodedata.normalize("NFKC", name)
    return {script for char in normalised if (script := _script(char)) is not None}


def username_mixes_scripts(name: str) -> bool:
    """True when a name's letters come from scripts that are not written together."""
    scripts = username_scripts(name)
    if len(scripts) <= 1:
        return False
    return not any(scripts <= together for together in _WRITTEN_TOGETHER)
