"""Each language on a phone: the switcher works without script, and a member's pages in each
language fit 390 px (German words are long), have one <h1>, no serious axe finding and the
right lang. Once a language's catalogue is compiled, its pages are also checked for English
left untranslated (text that is a msgid of the catalogue, not its translation)."""

from __future__ import annotations

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils.translation import to_locale
from playwright.sync_api import expect

from fourfold.accounts.models import User
from fourfold.testing import PASSWORD, CoopFactory, MembershipFactory
from fourfold.web.tests.histories import build_history
from fourfold.web.tests.navigation import open_menu

pytestmark = pytest.mark.browser

LANGUAGES = [code for code, _name in settings.LANGUAGES]
# A member's pages, one of each kind.
PAGES = [
    "/week/",
    "/coops/",
    "/c/riverside/",
    "/c/riverside/production/",
    "/c/riverside/shares/",
    "/c/riverside/ledger/",
    "/c/riverside/decisions/",
    "/c/riverside/dashboard/",
    "/notifications/",
    "/account/language/",
]


@pytest.fixture
def riverside(db):
    coop = CoopFactory(slug="riverside", name="Riverside Yogurt")
    people = [
        MembershipFactory(coop=coop, user__username=name).user for name in ("dee", "eli", "flo")
    ]
    build_history(coop, people, weeks=8, missed=(3,), short=())
    return coop


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")


def test_a_visitor_switches_language_without_script(live_server, browser):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, locale="en-US"
    )
    try:
        page = context.new_page()
        page.goto("/accounts/login/")
        assert page.locator("html").get_attribute("lang") == "en"
        switcher = page.get_by_role("contentinfo").locator("form.language")
        expect(switcher.locator('option[lang="de"]')).to_have_text("Deutsch")
        switcher.get_by_label("Language").select_option("de")
        switcher.locator("button[type=submit]").click()
        page.wait_for_load_state("load")
        assert page.url.endswith("/accounts/login/")
        assert page.locator("html").get_attribute("lang") == "de"
    finally:
        context.close()


def test_a_member_chooses_a_language_in_the_account_menu(
    riverside, page, check_page, artifacts_dir
):
    log_in(page, "dee")
    open_menu(page, "dee")
    check_page(page)
    page.screenshot(path=artifacts_dir / "language-menu.png")
    menu = page.get_by_role("banner").locator("details.account form.language")
    menu.get_by_label("Language").select_option("fr")
    menu.locator("button[type=submit]").click()
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert User.objects.get(username="dee").language == "fr"
    check_page(page)


def _untranslated(language: str) -> set[str] | None:
    """The msgids of ``language``'s catalogue whose translation differs from them: English a
    page in that language should not show. None before the catalogue is compiled."""
    folder = settings.LOCALE_PATHS[0] / to_locale(language) / "LC_MESSAGES"
    if not (folder / "django.mo").exists():
        return None
    with (folder / "django.po").open("rb") as file:
        catalogue = read_po(file)
    english = set()
    for message in catalogue:
        ids = message.id if isinstance(message.id, list | tuple) else (message.id,)
        strings = message.string if isinstance(message.string, list | tuple) else (message.string,)
        for text in ids:
            # Only whole sentences or labels without placeholders can be matched as they are.
            plain = text and "%" not in text and "{" not in text and len(text) > 3
            if plain and text not in strings:
                english.add(text)
    return english


# The page's text in its own language: what another lang marks (a language named in itself,
# what a member wrote) is left out.
TEXT_NODES = """() => [...document.querySelectorAll('body *')]
    .filter((el) => !['SCRIPT', 'STYLE'].includes(el.tagName))
    .filter((el) => el.closest('[lang]').lang === document.documentElement.lang)
    .flatMap((el) => [...el.childNodes].filter((n) => n.nodeType === 3))
    .map((n) => n.textContent.trim()).filter((t) => t)"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_members_pages_read_well_in_each_language(riverside, page, check_page, language):
    User.objects.filter(username="dee").update(language=language)
    log_in(page, "dee")
    english = _untranslated(language) if language != "en" else None
    for path in PAGES:
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == language, path
        check_page(page)
        if english is not None:
            left = sorted(set(page.evaluate(TEXT_NODES)) & english)
            assert not left, f"{path} in {language} still says: {left[:10]}"
