from __future__ import annotations

import io

import pytest
from django.test import Client
from PIL import ExifTags, Image

from fourfold.ledger import services
from fourfold.ledger.models import Receipt
from fourfold.ledger.tests.receipt_files import FIVE_MB, HTML, pdf, photo

pytestmark = pytest.mark.django_db

LEDGER = "/api/v1/coops/home/ledger"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path


@pytest.fixture
def expense(personas):
    return services.expense_post(
        coop=personas.coop,
        payer=personas.alice,
        amount="9.99",
        category="ingredients",
        supplier="Dairy Farm",
        entered_by=personas.alice,
        split={personas.alice: 1},
    )


def send(api_client, user, path, data: bytes, name="receipt.jpg", content_type="image/jpeg"):
    """A multipart upload, as a phone's browser or a script sends one."""
    client = api_client(user)
    upload = io.BytesIO(data)
    upload.name = name
    return Client.post(
        client,
        path,
        {"file": upload},
        HTTP_AUTHORIZATION=f"Bearer {client.token}",
    )


def attach_url(expense) -> str:
    return f"{LEDGER}/transactions/{expense.pk}/receipt"


def test_a_member_attaches_a_photo_and_gets_it_back_without_its_location(
    api_client, personas, expense
):
    response = send(api_client, personas.bob, attach_url(expense), photo(), "IMG_0042.jpg")

    assert response.status_code == 201
    body = response.json()
    assert {key: body[key] for key in ("content_type", "name", "uploaded_by")} == {
        "content_type": "image/jpeg",
        "name": "IMG_0042.jpg",
        "uploaded_by": "bob",
    }
    assert body["url"] == f"{LEDGER}/receipts/{body['id']}"
    fetched = api_client(personas.alice).get(body["url"])
    assert fetched.status_code == 200
    assert fetched["Content-Type"] == "image/jpeg"
    assert fetched["X-Content-Type-Options"] == "nosniff"
    assert fetched["Content-Disposition"].startswith("inline;")
    content = b"".join(fetched.streaming_content)
    assert len(content) == body["size"]
    assert Image.open(io.BytesIO(content)).getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}


def test_a_pdf_is_served_as_an_attachment(api_client, personas, expense):
    body = send(
        api_client, personas.alice, attach_url(expense), pdf(), "bill.pdf", "application/pdf"
    ).json()

    fetched = api_client(personas.bob).get(body["url"])

    assert fetched["Content-Type"] == "application/pdf"
    assert fetched["Content-Disposition"] == 'attachment; filename="bill.pdf"'
    assert b"".join(fetched.streaming_content) == pdf()


def test_a_png_named_as_a_pdf_is_kept_and_served_as_a_png(api_client, personas, expense):
    body = send(
        api_client, personas.alice, attach_url(expense), photo("PNG"), "scan.pdf", "application/pdf"
    ).json()

    fetched = api_client(personas.alice).get(body["url"])

    assert body["content_type"] == fetched["Content-Type"] == "image/png"
    assert fetched["Content-Disposition"] == 'inline; filename="scan.png"'


def test_a_web_page_is_refused_with_422_naming_the_file(api_client, personas, expense):
    response = send(api_client, personas.alice, attach_url(expense), HTML, "receipt.jpg")

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["field"] == "file"
    assert body["errors"][0]["field"] == "file"
    assert "JPEG, PNG or WebP" in body["detail"]
    assert Receipt.objects.count() == 0


def test_five_megabytes_are_taken_and_one_byte_more_is_refused(api_client, personas, expense):
    refused = send(api_client, personas.alice, attach_url(expense), pdf(FIVE_MB + 1), "big.pdf")
    taken = send(api_client, personas.alice, attach_url(expense), pdf(FIVE_MB), "big.pdf")

    assert refused.status_code == 422
    assert "5 MB" in refused.json()["detail"]
    assert taken.status_code == 201
    assert taken.json()["size"] == FIVE_MB


def test_no_file_is_refused_with_422(api_client, personas, expense):
    client = api_client(personas.alice)
    response = Client.post(
        client, attach_url(expense), {}, HTTP_AUTHORIZATION=f"Bearer {client.token}"
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "file"


def test_the_receipts_of_an_expense_are_listed(api_client, personas, expense):
    send(api_client, personas.alice, attach_url(expense), photo(), "jars.jpg")
    send(api_client, personas.bob, attach_url(expense), pdf(), "bill.pdf")

    response = api_client(personas.alice).get(f"{LEDGER}/transactions/{expense.pk}/receipts")

    assert response.status_code == 200
    assert [(row["name"], row["uploaded_by"]) for row in response.json()] == [
        ("jars.jpg", "alice"),
        ("bill.pdf", "bob"),
    ]


def test_another_coops_member_finds_nothing(api_client, personas, expense):
    receipt = send(api_client, personas.alice, attach_url(expense), photo()).json()
    outsider = api_client(personas.outsider)

    attached = send(api_client, personas.outsider, attach_url(expense), photo())
    listed = outsider.get(f"{LEDGER}/transactions/{expense.pk}/receipts")
    fetched = outsider.get(receipt["url"])
    # Through their own co-op's address neither: the receipt is not theirs.
    sideways = outsider.get(f"/api/v1/coops/elsewhere/ledger/receipts/{receipt['id']}")
    sideways_list = outsider.get(
        f"/api/v1/coops/elsewhere/ledger/transactions/{expense.pk}/receipts"
    )

    assert [r.status_code for r in (attached, listed, fetched, sideways, sideways_list)] == [
        404
    ] * 5
    assert Receipt.objects.count() == 1


def test_a_transaction_that_is_not_an_expense_has_no_receipts(api_client, personas):
    contribution = services.contribution_post(
        coop=personas.coop, payer=personas.alice, amount="10.00", entered_by=personas.alice
    )

    attached = send(api_client, personas.alice, attach_url(contribution), photo())
    listed = api_client(personas.alice).get(f"{LEDGER}/transactions/{contribution.pk}/receipts")

    assert (attached.status_code, listed.status_code) == (404, 404)
    assert attached.json()["code"] == "not_found"


def test_an_anonymous_visitor_is_asked_to_authenticate(api_client, personas, expense):
    receipt = send(api_client, personas.alice, attach_url(expense), photo()).json()

    assert api_client().get(receipt["url"]).status_code == 401
    assert Client().post(attach_url(expense), {"file": io.BytesIO(photo())}).status_code == 401


def test_the_receipt_operations_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    upload = paths["/api/v1/coops/{slug}/ledger/transactions/{transaction_id}/receipt"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert "get" in paths["/api/v1/coops/{slug}/ledger/transactions/{transaction_id}/receipts"]
    download = paths["/api/v1/coops/{slug}/ledger/receipts/{receipt_id}"]["get"]
    assert set(download["responses"]["200"]["content"]) == {
        "image/jpeg",
        "image/png",
        "image/webp",
        "application/pdf",
    }
