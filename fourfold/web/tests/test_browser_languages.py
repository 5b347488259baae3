"""Each language on a phone: the switcher works without script, and every page a member of the
demo reaches (``member_pages``), in each language, fits 390 px (German words are long), has one
<h1>, no serious axe finding and the right lang. Once a language's catalogue is compiled, its
pages are also checked for English left untranslated (text that is a msgid of the catalogue,
not its translation)."""

from __future__ import annotations

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils.translation import to_locale
from playwright.sync_api import expect

from fourfold.accounts.models import User
from fourfold.cli import demo
from fourfold.cli.demo import DEMO_SLUG
from fourfold.cli.demo_bike import BIKE_SLUG
from fourfold.cli.demo_story import DEMO_PASSWORD
from fourfold.coops.models import Cooperative
from fourfold.ledger.models import Transaction
from fourfold.production.models import Batch
from fourfold.testing import PASSWORD, CoopFactory, MembershipFactory
from fourfold.web.tests.histories import build_history
from fourfold.web.tests.member_pages import Places, member_pages
from fourfold.web.tests.navigation import open_menu

pytestmark = pytest.mark.browser

LANGUAGES = [code for code, _name in settings.LANGUAGES]


@pytest.fixture
def riverside(db):
    coop = CoopFactory(slug="riverside", name="Riverside Yogurt")
    people = [
        MembershipFactory(coop=coop, user__username=name).user for name in ("dee", "eli", "flo")
    ]
    build_history(coop, people, weeks=8, missed=(3,), short=())
    return coop


def log_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
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


def demo_places(coop: Cooperative, member: User) -> Places:
    """The demo co-op's latest batch made and next one planned, an open proposal (the latest
    when none is open), an expense with a receipt and a spread expense, as ``member`` sees them."""
    batches = coop.batches.order_by("date")
    proposals = coop.proposals.order_by("-pk")
    expenses = coop.transactions.filter(kind=Transaction.Kind.EXPENSE)
    with_receipt = expenses.filter(receipts__isnull=False).first() or expenses.earliest("pk")
    spread = expenses.filter(spread__isnull=False).first() or expenses.latest("pk")
    return Places(
        slug=coop.slug,
        member=member.username,
        made=batches.filter(status=Batch.Status.MADE).last().pk,
        planned=batches.filter(status=Batch.Status.PLANNED).first().pk,
        proposal=(proposals.filter(status="open").first() or proposals.first()).pk,
        expense=with_receipt.pk,
        spread=spread.pk,
    )


@pytest.fixture
def demo_pages(db) -> list[str]:
    """Every page a member of the demo reaches, in the yogurt co-op and the bike kitchen: the
    two kinds of co-op say different words. A CSV download is not a page."""
    demo.build()
    dee = User.objects.get(username="dee")
    pages: list[str] = []
    for slug in (DEMO_SLUG, BIKE_SLUG):
        coop = Cooperative.objects.get(slug=slug)
        pages += [
            path
            for path in member_pages(demo_places(coop, dee))
            if not path.endswith(".csv") and path not in pages
        ]
    return pages


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_members_pages_read_well_in_each_language(demo_pages, page, check_page, language):
    """Axe reads the structure, the same in every language, so it runs on the English pages
    only; each language's pages are checked for one <h1>, their lang, 390 px and English left."""
    User.objects.filter(username="dee").update(language=language)
    log_in(page, "dee", password=DEMO_PASSWORD)
    english = _untranslated(language) if language != "en" else None
    if english is not None:
        # What is stored is data, kept in the language it was written in: a co-op's name (even
        # where it is also a placeholder's example, a msgid) and an entry's description (the
        # settle-up's, stored in the language of whoever settled up; the demo's is English).
        english -= set(Cooperative.objects.values_list("name", flat=True))
        english -= set(Transaction.objects.values_list("description", flat=True))
    for path in demo_pages:
        response = page.goto(path)
        assert response is not None and response.ok, path
        assert page.locator("html").get_attribute("lang") == language, path
        check_page(page, axe=language == "en")
        if english is not None:
            left = sorted(set(page.evaluate(TEXT_NODES)) & english)
            assert not left, f"{path} in {language} still says: {left[:10]}"
