"""The Content-Security-Policy blocks nothing a page needs: chromium reports every violation,
and ``new_page`` fails the test on any console error besides."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from fourfold.testing import PASSWORD, CoopFactory, MembershipFactory
from fourfold.web.tests.histories import build_history

pytestmark = pytest.mark.browser

# Every violation the page meets, kept where the test can read it.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (event) => {
    window.__violations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


@pytest.fixture
def guarded(new_page):
    page = new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    return page


def violations(page) -> list[str]:
    return page.evaluate("window.__violations")


def test_the_api_docs_page_runs_under_the_policy(guarded, live_server):
    guarded.goto("/api/v1/docs")
    expect(guarded.get_by_role("heading", name="fourfold")).to_be_visible()
    # Swagger UI drew the operations from the OpenAPI document it fetched.
    expect(guarded.locator(".opblock").first).to_be_visible()
    assert violations(guarded) == []


def test_a_members_pages_with_charts_and_htmx_run_under_the_policy(guarded, check_page, db):
    coop = CoopFactory(slug="riverside", name="Riverside Yogurt")
    people = [MembershipFactory(coop=coop, user__username=n).user for n in ("dee", "eli")]
    build_history(coop, people, weeks=6)
    guarded.goto("/accounts/login/?next=/c/riverside/dashboard/")
    guarded.get_by_label("Username").fill("dee")
    guarded.get_by_label("Password").fill(PASSWORD)
    guarded.get_by_role("button", name="Log in").click()
    expect(guarded.get_by_role("img").first).to_be_visible()
    check_page(guarded)
    guarded.goto("/c/riverside/")
    # An htmx request: the invitation link comes back as a fragment.
    guarded.get_by_role("button", name="Invite a neighbour").click()
    expect(guarded.locator("#invitation-url")).to_be_visible()
    check_page(guarded)
    assert violations(guarded) == []
