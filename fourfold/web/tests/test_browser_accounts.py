"""A member's API tokens, managed on a phone-sized chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from fourfold.accounts.services import token_authenticate, token_issue
from fourfold.testing import PASSWORD, UserFactory
from fourfold.web.tests.navigation import log_out

pytestmark = pytest.mark.browser


def test_a_member_sees_and_revokes_their_api_tokens_on_a_phone(page, check_page):
    dee = UserFactory(username="dee")
    laptop, phone = token_issue(user=dee), token_issue(user=dee)
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("dee")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    # Logging in leads to the week; the tokens are linked from "My co-ops".
    expect(page.get_by_role("heading", level=1)).to_have_text("This week")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My co-ops").click()
    page.get_by_role("link", name="My API tokens").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My API tokens")
    check_page(page)
    revoke = page.get_by_role("button", name="Revoke the token made")
    expect(revoke).to_have_count(2)
    revoke.first.click()
    expect(page.get_by_role("status")).to_contain_text("The token is revoked")
    check_page(page)
    assert [token_authenticate(token=t) for t in (laptop, phone)].count(None) == 1

    log_out(page, "dee")
    expect(page.get_by_role("status")).to_contain_text("Your API tokens and other devices")
    check_page(page)
