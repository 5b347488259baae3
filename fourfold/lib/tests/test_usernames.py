import pytest

from fourfold.lib.usernames import username_mixes_scripts, username_normalise, username_skeleton

LATIN_DEE = "dee"
CYRILLIC_IE = "\N{CYRILLIC SMALL LETTER IE}"


@pytest.mark.parametrize(
    "name",
    [
        f"d{CYRILLIC_IE}e",  # one Cyrillic letter among Latin ones
        "\N{GREEK SMALL LETTER OMICRON}tto",
        "bob\N{CYRILLIC SMALL LETTER O}",
    ],
)
def test_a_name_mixing_latin_with_cyrillic_or_greek_mixes_scripts(name):
    assert username_mixes_scripts(name)


@pytest.mark.parametrize(
    "name",
    [
        "dee",
        "ma\N{LATIN SMALL LETTER N WITH TILDE}ana",
        "ma" + "n\N{COMBINING TILDE}" + "ana",  # a combining mark belongs to its letter
        "dee_42.coop",
        "\N{CYRILLIC SMALL LETTER ZHE}\N{CYRILLIC SMALL LETTER ER}",
        "tanaka\N{CJK UNIFIED IDEOGRAPH-592A}\N{CJK UNIFIED IDEOGRAPH-90CE}",  # Latin and Han
        "\N{HIRAGANA LETTER A}\N{KATAKANA LETTER A}\N{CJK UNIFIED IDEOGRAPH-6F22}",
        "\N{FULLWIDTH LATIN SMALL LETTER D}ee",  # NFKC makes it Latin
    ],
)
def test_names_in_one_script_or_scripts_written_together_do_not_mix(name):
    assert not username_mixes_scripts(name)


def test_look_alikes_share_a_skeleton():
    assert username_skeleton(f"D{CYRILLIC_IE.upper()}E") == username_skeleton(LATIN_DEE)
    assert username_skeleton("\N{FULLWIDTH LATIN SMALL LETTER D}ee") == "dee"
    assert username_skeleton("DEE") == "dee"
    assert username_skeleton("dea") != username_skeleton(LATIN_DEE)


def test_a_username_is_stored_in_nfkc_without_outer_spaces():
    assert username_normalise("  \N{FULLWIDTH LATIN SMALL LETTER D}ee ") == "dee"
    assert username_normalise("\N{LATIN SMALL LIGATURE FI}sh") == "fish"
