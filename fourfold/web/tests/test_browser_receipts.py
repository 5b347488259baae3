"""A receipt attached from a phone-sized chromium, without JavaScript in the way."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from fourfold.ledger import services
from fourfold.ledger.tests.receipt_files import photo
from fourfold.testing import PASSWORD, CoopFactory, MembershipFactory

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }


def test_a_member_attaches_a_photo_of_the_receipt_from_a_phone(db, new_page, check_page):
    coop = CoopFactory(slug="riverside", name="Riverside Yogurt")
    dee = MembershipFactory(coop=coop, user__username="dee").user
    expense = services.expense_post(
        coop=coop,
        payer=dee,
        amount="45.00",
        category="ingredients",
        supplier="Valley Farm",
        entered_by=dee,
        split={dee: 1},
    )
    page = new_page()
    page.goto("/accounts/login/?next=/c/riverside/ledger/")
    page.get_by_label("Username").fill("dee")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("link", name=re.compile(rf"^Receipts #{expense.pk}$")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Receipts of expense #{expense.pk}")
    check_page(page)
    name = "IMG_20261202_receipt_from_the_valley_farm_market_stall_" + "x" * 40 + ".jpg"
    page.get_by_label(re.compile("Photo or PDF of the receipt")).set_input_files(
        {"name": name, "mimeType": "image/jpeg", "buffer": photo()}
    )
    page.get_by_role("button", name="Attach a receipt").click()

    expect(page.get_by_role("link", name=name)).to_be_visible()
    check_page(page)

    # Opened, the photo shows (its own strict policy lets the browser draw it, nothing more),
    # turned upright by the orientation it kept: 48 x 32 as taken, 32 wide as shown.
    page.get_by_role("link", name=name).click()
    page.wait_for_load_state("load")
    assert page.evaluate("document.querySelector('img').naturalWidth") == 32
