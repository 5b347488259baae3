"""How a browser test moves around the header: its menus are <details> that open on a click."""

from __future__ import annotations


def open_menu(page, summary: str) -> None:
    """Open the header's menu whose summary reads ``summary`` (a co-op's name, a username)."""
    summaries = page.locator("summary", has_text=summary)
    _open(page.get_by_role("banner").locator("details", has=summaries))


def _open(menu) -> None:
    # A click on the summary of an open menu would close it.
    if menu.get_attribute("open") is None:
        menu.locator("summary").click()


def coop_page(page, name: str) -> None:
    """Follow ``name`` (Overview, Dashboard, Members...) in the co-op's menu in the header."""
    _open(page.get_by_role("banner").locator("details.switcher"))
    page.get_by_role("navigation", name="Co-op").get_by_role("link", name=name).click()


def section(page, name: str) -> None:
    """Follow ``name`` (Produce, Share, Money, Decide) in the sections bar."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()


def log_out(page, username: str) -> None:
    _open(page.get_by_role("banner").locator("details.account"))
    page.get_by_role("button", name=f"Log out {username}").click()
