"""Browser fixtures: one headless Debian chromium per session, a fresh phone per test.

Every page a browser test visits goes through ``check_page``: axe finds nothing serious or
critical, the page has one ``<h1>``, nothing scrolls sideways at 390 px, and the console stayed
clean.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import NoReturn

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
# Short enough that a wrong selector fails in seconds, long enough for a slow CI machine.
TIMEOUT_MS = 10_000
BLOCKING_IMPACTS = {"serious", "critical"}


def without_chromium(environ: Mapping[str, str]) -> NoReturn:
    """No chromium: a developer's machine skips the browser tests, CI fails on them, so that a
    CI machine without chromium never passes by testing nothing in a browser."""
    reason = f"browser tests drive Debian chromium, and {CHROMIUM} is missing"
    if environ.get("CI") == "true":
        pytest.fail(reason + " (CI=true: install it, e.g. apt-get install chromium)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def _chromium() -> Iterator[tuple]:
    """The session's one chromium, and the event loop Playwright drives it with."""
    if not CHROMIUM.exists():
        without_chromium(os.environ)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        loop = asyncio.get_running_loop()
        # Playwright's sync API leaves its loop marked as running on this thread between calls,
        # and Django then refuses every ORM call here as "async unsafe", also in the tests
        # that run after this one and in the database flush that ends it. So the loop is
        # marked only while a browser test runs (see ``browser``).
        asyncio._set_running_loop(None)
        try:
            yield chromium, loop
        finally:
            asyncio._set_running_loop(loop)
            chromium.close()


@pytest.fixture
def browser(_chromium, monkeypatch) -> Iterator:
    chromium, loop = _chromium
    # The test itself calls the ORM (factories) while Playwright's loop is marked as running.
    # Function-scoped, so that it leaks neither into other tests nor into their subprocesses.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    asyncio._set_running_loop(loop)
    try:
        yield chromium
    finally:
        asyncio._set_running_loop(None)


@pytest.fixture
def console_errors() -> Iterator[list[str]]:
    """What the test's pages logged as console errors or threw; the test fails if any."""
    errors: list[str] = []
    yield errors
    if errors:
        pytest.fail("the browser reported errors:\n" + "\n".join(errors))


@pytest.fixture
def new_page(browser, live_server, console_errors) -> Iterator[Callable]:
    """``new_page()`` opens a phone-sized page in a context of its own: its own cookies, so
    its own member. Keyword arguments go to ``browser.new_context`` (``viewport`` for a
    wider screen than the phone)."""
    contexts = []

    def open_page(**options):
        context = browser.new_context(**{"viewport": PHONE, "base_url": live_server.url, **options})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()

        def on_console(message) -> None:
            if message.type == "error":
                console_errors.append(f"console error on {page.url}: {message.text}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: console_errors.append(f"thrown on {page.url}: {error}"))
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def check_page(axe, console_errors) -> Callable:
    """``check_page(page)`` asserts what every page owes a member on a phone."""

    def check(page) -> None:
        page.wait_for_load_state("load")
        where = page.url
        assert console_errors == [], f"{where}: {console_errors}"

        results = axe.run(page)
        blocking = [
            violation
            for violation in results.response["violations"]
            if violation["impact"] in BLOCKING_IMPACTS
        ]
        if blocking:
            pytest.fail(f"{where} has accessibility violations:\n{_describe(blocking)}")

        headings = page.locator("h1").count()
        assert headings == 1, f"{where} has {headings} <h1> elements, not one"

        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (
            f"{where} scrolls sideways: {width} px wide on a {PHONE['width']} px phone"
            f" (widest: {_widest(page)})"
        )

    return check


@pytest.fixture
def artifacts_dir(pytestconfig) -> Path:
    directory = pytestconfig.rootpath / "test-artifacts"
    directory.mkdir(exist_ok=True)
    return directory


def _describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:160]}")
    return "\n".join(lines)


def _widest(page) -> str:
    """The elements that stick out past the viewport, to say what to fix."""
    return page.evaluate(
        """(limit) => [...document.querySelectorAll('body *')]
            .filter((el) => el.getBoundingClientRect().right > limit)
            .slice(0, 5)
            .map((el) => `${el.tagName.toLowerCase()}.${el.className}`
                         + ` right=${Math.round(el.getBoundingClientRect().right)}`)
            .join('; ')""",
        PHONE["width"],
    )
