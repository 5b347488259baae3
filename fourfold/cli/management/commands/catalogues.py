"""fourfold's translation catalogues (fourfold/locale/<lang>/LC_MESSAGES/django.po), kept
complete: ``update`` (for translators) takes in the messages the code marks, ``check`` (part
of ``make lint``) fails when a catalogue is stale or has an untranslated or fuzzy message, and
``compile`` (part of ``make install``) writes the .mo files the server reads.

The makemessages options live here only, so the translators' catalogues and the check's
fresh one are made alike."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import override_settings

# What is not fourfold's own text: the virtualenv, benchmarks, tests, what builds leave.
# The catalogues too: makemessages would otherwise write into any locale folder it walks past
# rather than the one it is given.
IGNORE = [
    ".venv",
    "bench",
    "node_modules",
    "test-artifacts",
    "build",
    "staticfiles",
    "tests",
    "locale",
]
MAKEMESSAGES_OPTIONS: dict[str, object] = {
    "domain": "django",
    "extensions": ["html", "txt", "py"],
    "ignore_patterns": IGNORE,
    # The file, not the line: a translator sees where a message is used, and an edit above
    # it does not rewrite every catalogue.
    "add_location": "file",
    "no_obsolete": True,
    "verbosity": 0,
}
# A catalogue's messages: (context, id); a plural's id is (singular, plural).
Key = tuple[str | None, str | tuple[str, ...]]


def source_root() -> Path:
    """The folder makemessages reads: the checkout, with fourfold/ in it."""
    return Path(settings.BASE_DIR).parent


def locale_dir() -> Path:
    return Path(settings.LOCALE_PATHS[0])


def catalogue_paths(base: Path) -> list[Path]:
    """Every language's django.po below ``base``: each locale that exists is checked."""
    return sorted(base.glob("*/LC_MESSAGES/django.po"))


@contextmanager
def _in_source_root() -> Iterator[None]:
    before = Path.cwd()
    os.chdir(source_root())
    try:
        yield
    finally:
        os.chdir(before)


def messages_make(base: Path, languages: list[str]) -> None:
    """makemessages for ``languages`` into ``base`` (a locale folder), with fourfold's
    options: existing catalogues are merged, new ones made."""
    with override_settings(LOCALE_PATHS=[base]), _in_source_root():
        call_command("makemessages", locale=languages, **MAKEMESSAGES_OPTIONS)


def keys_of(path: Path) -> set[Key]:
    with path.open("rb") as file:
        catalogue = read_po(file)
    return {
        (message.context, tuple(message.id) if isinstance(message.id, list | tuple) else message.id)
        for message in catalogue
        if message.id
    }


def _key_text(key: Key) -> str:
    context, message = key
    text = message[0] if isinstance(message, tuple) else message
    return f"{context}|{text}" if context else text


def stale_problems(base: Path) -> list[str]:
    """How each catalogue below ``base`` differs from what makemessages makes of the code
    now: messages it lacks, messages the code no longer has. Dates and locations aside."""
    catalogues = catalogue_paths(base)
    if not catalogues:
        return []
    with tempfile.TemporaryDirectory() as temporary:
        fresh_base = Path(temporary) / "locale"
        messages_make(fresh_base, ["en"])
        fresh = keys_of(fresh_base / "en" / "LC_MESSAGES" / "django.po")
    problems = []
    for path in catalogues:
        keys = keys_of(path)
        missing, gone = sorted(map(_key_text, fresh - keys)), sorted(map(_key_text, keys - fresh))
        if missing or gone:
            problems.append(
                f"{path}: stale — {len(missing)} message(s) the code has are missing"
                f"{' (' + '; '.join(missing[:3]) + ' …)' if missing else ''}, {len(gone)} "
                f"the code no longer has{' (' + '; '.join(gone[:3]) + ' …)' if gone else ''}. "
                "Run `make messages`, then translate."
            )
    return problems


def completeness_problems(base: Path) -> list[str]:
    """msgfmt's verdict on each catalogue below ``base``: format errors (--check), and any
    untranslated or fuzzy message (--statistics)."""
    paths = catalogue_paths(base)
    msgfmt = shutil.which("msgfmt")
    if paths and msgfmt is None:
        raise CommandError("msgfmt is missing: install GNU gettext (apt-get install gettext).")
    problems = []
    for path in paths:
        assert msgfmt is not None
        result = subprocess.run(  # noqa: S603 - msgfmt on our own files
            [msgfmt, "--check", "--statistics", "-o", os.devnull, str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        said = " ".join((result.stdout + result.stderr).split())
        if result.returncode or "untranslated" in said or "fuzzy" in said:
            problems.append(f"{path}: {said}")
    return problems


def catalogues_compile(base: Path) -> list[Path]:
    """Write each catalogue's .mo beside it (fuzzy messages left out, as msgfmt does), in
    pure Python: a fresh machine needs no GNU gettext to serve every language."""
    written = []
    for path in catalogue_paths(base):
        with path.open("rb") as file:
            catalogue = read_po(file)
        target = path.with_suffix(".mo")
        with target.open("wb") as file:
            write_mo(file, catalogue)
        written.append(target)
    return written


class Command(BaseCommand):
    help = (
        "fourfold's catalogues: `update` takes in the code's messages (for translators), "
        "`check` fails on a stale, untranslated or fuzzy one, `compile` writes the .mo files."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["update", "check", "compile"])
        parser.add_argument(
            "--locale",
            "-l",
            action="append",
            default=[],
            help="update: a language to start or update (e.g. pt_BR); default every one there",
        )

    def handle(self, *args: object, **options: object) -> None:
        base = locale_dir()
        action = options["action"]
        if action == "update":
            languages = list(options["locale"] or [])  # type: ignore[call-overload]
            languages += [path.parent.parent.name for path in catalogue_paths(base)]
            if not languages:
                raise CommandError("No catalogue yet: name a language with --locale.")
            messages_make(base, sorted(set(languages)))
            self.stdout.write(f"Updated: {', '.join(sorted(set(languages)))}.")
        elif action == "check":
            problems = stale_problems(base) + completeness_problems(base)
            if problems:
                raise CommandError("\n".join(problems))
            count = len(catalogue_paths(base))
            self.stdout.write(f"{count} catalogue(s) complete and up to date.")
        else:
            written = catalogues_compile(base)
            self.stdout.write(f"{len(written)} catalogue(s) compiled.")
