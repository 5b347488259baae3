"""`fourfold manage catalogues check` (in `make lint`) fails on a stale catalogue, an
untranslated message and a fuzzy one, and passes a complete, current one. Run on a copy made
in a temporary folder: fourfold's own catalogues are not touched."""

from __future__ import annotations

import gettext
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from django.core.management import CommandError, call_command
from django.test import override_settings

from fourfold.cli.management.commands import catalogues

needs_gettext = pytest.mark.skipif(
    shutil.which("xgettext") is None or shutil.which("msgfmt") is None,
    reason="makemessages and msgfmt need GNU gettext",
)
pytestmark = needs_gettext


def _po(base: Path) -> Path:
    return base / "de" / "LC_MESSAGES" / "django.po"


def _rewrite(path: Path, change) -> None:
    with path.open("rb") as file:
        catalogue = read_po(file)
    change(catalogue)
    with path.open("wb") as file:
        write_po(file, catalogue)


def _translate_all(catalogue) -> None:
    # As a translator's editor does: the language, and with it German's plural forms.
    catalogue.locale = "de"
    for message in catalogue:
        if message.id:
            message.string = (
                tuple(f"«{part}»" for part in message.id)
                if isinstance(message.id, tuple)
                else f"«{message.id}»"
            )


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    """A German catalogue made from the code now, every message "translated"."""
    base = tmp_path_factory.mktemp("made") / "locale"
    catalogues.messages_make(base, ["de"])
    _rewrite(_po(base), _translate_all)
    return base


@pytest.fixture
def base(fresh, tmp_path) -> Path:
    copy = tmp_path / "locale"
    shutil.copytree(fresh, copy)
    return copy


def check(base: Path) -> None:
    with override_settings(LOCALE_PATHS=[base]):
        call_command("catalogues", "check")


def test_a_complete_current_catalogue_passes(base):
    check(base)


def test_the_fresh_catalogue_holds_the_codes_messages(base):
    keys = catalogues.keys_of(_po(base))
    assert (None, "Your language is saved.") in keys
    assert (None, ("Your payment is recorded.", "Your %(n)d payments are recorded.")) in keys
    assert (None, "Choose one of the languages offered.") in keys


def test_a_catalogue_missing_a_message_is_stale(base):
    def drop(catalogue) -> None:
        del catalogue["Your language is saved."]

    _rewrite(_po(base), drop)
    with pytest.raises(CommandError, match=r"stale — 1 message\(s\) the code has are missing"):
        check(base)


def test_a_catalogue_with_a_message_the_code_lost_is_stale(base):
    _rewrite(_po(base), lambda catalogue: catalogue.add("A sentence no code says", "Weg"))
    with pytest.raises(CommandError, match="1 the code no longer has"):
        check(base)


def test_an_untranslated_message_fails(base):
    def blank(catalogue) -> None:
        catalogue["Your language is saved."].string = ""

    _rewrite(_po(base), blank)
    with pytest.raises(CommandError, match="untranslated"):
        check(base)


def test_a_fuzzy_message_fails(base):
    def fuzzy(catalogue) -> None:
        catalogue["Your language is saved."].flags.add("fuzzy")

    _rewrite(_po(base), fuzzy)
    with pytest.raises(CommandError, match="fuzzy"):
        check(base)


def test_no_catalogue_yet_passes(tmp_path):
    check(tmp_path / "locale")


def test_compile_writes_a_catalogue_gettext_reads(base):
    with override_settings(LOCALE_PATHS=[base]):
        call_command("catalogues", "compile")
    mo = _po(base).with_suffix(".mo")
    with mo.open("rb") as file:
        translations = gettext.GNUTranslations(file)
    assert translations.gettext("Your language is saved.") == "«Your language is saved.»"
