from __future__ import annotations

import io

import pytest

from fourfold.ledger import services
from fourfold.ledger.models import Receipt
from fourfold.ledger.tests.receipt_files import HTML, pdf, photo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }


@pytest.fixture
def expense(personas):
    return services.expense_post(
        coop=personas.coop,
        payer=personas.alice,
        amount="12.00",
        category="supplies",
        supplier="Jar Depot",
        entered_by=personas.alice,
        split={personas.alice: 1},
    )


def page(expense) -> str:
    return f"/c/home/ledger/transactions/{expense.pk}/receipts/"


def named(data: bytes, name: str) -> io.BytesIO:
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def test_the_ledger_links_an_expense_to_its_receipts(client, personas, expense):
    client.force_login(personas.bob)

    assert page(expense) in client.get("/c/home/ledger/").content.decode()


def test_a_member_attaches_a_receipt_and_opens_it(client, personas, expense):
    client.force_login(personas.bob)
    form = client.get(page(expense)).content.decode()
    assert 'enctype="multipart/form-data"' in form
    assert 'accept="image/jpeg,image/png,image/webp,application/pdf"' in form

    response = client.post(page(expense), {"file": named(photo(), "jars.jpg")}, follow=True)

    assert "jars.jpg" in response.content.decode()
    receipt = Receipt.objects.get()
    link = f"/c/home/ledger/receipts/{receipt.pk}/"
    assert link in response.content.decode()
    opened = client.get(link)
    assert opened["Content-Type"] == "image/jpeg"
    assert opened["X-Content-Type-Options"] == "nosniff"
    assert b"".join(opened.streaming_content)[:3] == b"\xff\xd8\xff"


def test_a_web_page_is_refused_next_to_the_field(client, personas, expense):
    client.force_login(personas.bob)

    response = client.post(page(expense), {"file": named(HTML, "receipt.pdf")})

    assert response.status_code == 200
    assert "JPEG, PNG or WebP" in response.content.decode()
    assert not Receipt.objects.exists()


def test_another_coops_member_finds_neither_page_nor_file(client, personas, expense):
    client.force_login(personas.alice)
    client.post(page(expense), {"file": named(pdf(), "bill.pdf")})
    receipt = Receipt.objects.get()
    client.force_login(personas.outsider)

    assert client.get(page(expense)).status_code == 404
    assert client.post(page(expense), {"file": named(pdf(), "x.pdf")}).status_code == 404
    assert client.get(f"/c/home/ledger/receipts/{receipt.pk}/").status_code == 404
    assert client.get(f"/c/elsewhere/ledger/receipts/{receipt.pk}/").status_code == 404
    assert Receipt.objects.count() == 1


def test_a_contribution_has_no_receipts_page(client, personas):
    contribution = services.contribution_post(
        coop=personas.coop, payer=personas.alice, amount="5.00", entered_by=personas.alice
    )
    client.force_login(personas.alice)

    assert client.get(page(contribution)).status_code == 404
