from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from PIL import ExifTags, Image

from fourfold.coops.models import AuditEvent, Membership
from fourfold.errors import Invalid, NotFound, PrincipleViolation
from fourfold.ledger import receipts, services
from fourfold.ledger.models import Receipt
from fourfold.ledger.tests.receipt_files import (
    FIVE_MB,
    HTML,
    UPRIGHT_AFTER_A_TURN,
    pdf,
    photo,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Receipts go to a folder of this test's own, on disk as in an installation."""
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
        amount="18.40",
        category="supplies",
        supplier="Jar Depot",
        entered_by=personas.alice,
        split={personas.alice: 1, personas.bob: 1},
    )


def attach(personas, expense, data, name="receipt.jpg", content_type="image/jpeg", by=None):
    return receipts.receipt_attach(
        coop=personas.coop,
        transaction_id=expense.pk,
        by=by or personas.bob,
        upload=upload(data, name, content_type),
    )


def stored_bytes(receipt: Receipt) -> bytes:
    with default_storage.open(receipt.file.name) as handle:
        return handle.read()


def test_a_png_named_as_a_pdf_is_kept_as_the_png_it_is(personas, expense):
    receipt = attach(personas, expense, photo("PNG"), "scan.pdf", "application/pdf")

    assert receipt.content_type == "image/png"
    assert receipt.name == "scan.pdf"
    assert receipts.download_name(receipt) == "scan.png"
    assert receipt.file.name.endswith(".png")


def test_a_web_page_is_refused_whatever_its_name_and_declared_type(personas, expense):
    with pytest.raises(Invalid, match="JPEG, PNG or WebP") as refused:
        attach(personas, expense, HTML, "receipt.jpg", "image/jpeg")

    assert refused.value.field == "file"
    assert Receipt.objects.count() == 0


def test_an_empty_file_is_refused(personas, expense):
    with pytest.raises(Invalid):
        attach(personas, expense, b"", "receipt.pdf", "application/pdf")


def test_a_file_that_only_begins_like_a_photo_is_refused(personas, expense):
    with pytest.raises(Invalid, match="damaged"):
        attach(personas, expense, b"\x89PNG\r\n\x1a\n" + HTML)


def test_one_byte_over_five_megabytes_is_refused(personas, expense):
    with pytest.raises(Invalid, match="5 MB"):
        attach(personas, expense, pdf(FIVE_MB + 1), "big.pdf", "application/pdf")

    assert Receipt.objects.count() == 0


def test_exactly_five_megabytes_is_taken(personas, expense):
    receipt = attach(personas, expense, pdf(FIVE_MB), "big.pdf", "application/pdf")

    assert (receipt.content_type, receipt.size) == ("application/pdf", FIVE_MB)
    assert len(stored_bytes(receipt)) == FIVE_MB


@pytest.mark.parametrize(
    ("image_format", "options"),
    [("JPEG", {}), ("JPEG", {"progressive": True}), ("PNG", {}), ("WEBP", {})],
)
def test_a_photo_is_stored_without_where_it_was_taken(personas, expense, image_format, options):
    original = photo(image_format, **options)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    receipt = attach(personas, expense, original)

    kept = stored_bytes(receipt)
    image = Image.open(io.BytesIO(kept))
    exif = image.getexif()
    assert exif.get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert ExifTags.IFD.GPSInfo not in exif
    assert ExifTags.Base.Make not in exif
    # Still shown upright, still the same picture.
    assert exif[ExifTags.Base.Orientation] == UPRIGHT_AFTER_A_TURN
    assert image.size == (48, 32)
    image.load()
    assert receipt.size == len(kept) < len(original)


def test_a_photo_without_metadata_is_stored_as_it_came(personas, expense):
    plain = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(plain, "JPEG")

    receipt = attach(personas, expense, plain.getvalue())

    assert stored_bytes(receipt) == plain.getvalue()


def test_the_file_is_stored_under_a_random_name_and_the_given_name_made_safe(personas, expense):
    receipt = attach(personas, expense, photo(), "../../etc/\u202egpj.exe\x00.jpg")
    other = attach(personas, expense, photo(), "../../etc/\u202egpj.exe\x00.jpg")

    assert receipt.name == "gpj.exe.jpg"
    assert receipt.file.name.startswith(f"receipts/{personas.coop.pk}/")
    assert "etc" not in receipt.file.name and "gpj" not in receipt.file.name
    assert receipt.file.name != other.file.name


def test_a_long_name_keeps_its_extension(personas, expense):
    receipt = attach(personas, expense, photo(), "a" * 300 + ".jpeg")

    assert len(receipt.name) == receipts.MAX_NAME_LENGTH
    assert receipt.name.endswith("a.jpeg")


def test_a_transaction_that_is_not_an_expense_is_not_found(personas):
    contribution = services.contribution_post(
        coop=personas.coop, payer=personas.alice, amount="10.00", entered_by=personas.alice
    )

    with pytest.raises(NotFound):
        attach(personas, contribution, photo())
    with pytest.raises(NotFound):
        receipts.receipts_for(coop=personas.coop, transaction_id=contribution.pk)


def test_another_coops_expense_is_not_found(personas, expense):
    with pytest.raises(NotFound):
        receipts.receipt_attach(
            coop=personas.other_coop,
            transaction_id=expense.pk,
            by=personas.outsider,
            upload=upload(photo()),
        )


def test_only_an_active_member_attaches_a_receipt(personas, expense):
    Membership.objects.filter(coop=personas.coop, user=personas.bob).update(status="paused")

    with pytest.raises(PrincipleViolation):
        attach(personas, expense, photo())


def test_attaching_writes_the_audit_row(personas, expense):
    receipt = attach(personas, expense, photo("PNG"), "jars.png", "image/png")

    event = AuditEvent.objects.get(action="ledger.receipt_attached")
    assert (event.coop, event.actor, event.at) == (personas.coop, personas.bob, receipt.uploaded_at)
    assert event.data == {
        "receipt": receipt.pk,
        "transaction": expense.pk,
        "content_type": "image/png",
        "size": receipt.size,
        "name": "jars.png",
    }


def test_a_receipt_opens_in_its_own_coop_only(personas, expense):
    receipt = attach(personas, expense, pdf(), "bill.pdf", "application/pdf")

    opened = receipts.receipt_open(coop=personas.coop, receipt_id=receipt.pk)
    with opened.file:
        assert opened.file.read() == pdf()
    with pytest.raises(NotFound):
        receipts.receipt_open(coop=personas.other_coop, receipt_id=receipt.pk)


def test_the_receipts_of_an_expense_come_oldest_first(personas, expense):
    first = attach(personas, expense, photo())
    second = attach(personas, expense, pdf(), "bill.pdf", "application/pdf")

    assert list(receipts.receipts_for(coop=personas.coop, transaction_id=expense.pk)) == [
        first,
        second,
    ]


def test_an_export_finds_every_receipts_bytes(personas, expense):
    receipt = attach(personas, expense, pdf(), "bill.pdf", "application/pdf")

    (listed,) = receipts.receipt_files(coop=personas.coop)

    assert (listed.id, listed.transaction_id, listed.uploaded_by) == (
        receipt.pk,
        expense.pk,
        "bob",
    )
    with default_storage.open(listed.storage_name) as handle:
        assert handle.read() == pdf()
    assert receipts.receipt_files(coop=personas.other_coop) == []


def test_a_pdf_downloads_and_a_photo_shows_inline(personas, expense):
    bill = attach(personas, expense, pdf(), "bill.pdf", "application/pdf")
    jars = attach(personas, expense, photo(), "jars.jpg")

    assert receipts.serving_headers(bill)["Content-Disposition"].startswith("attachment;")
    assert receipts.serving_headers(jars)["Content-Disposition"].startswith("inline;")
    assert receipts.serving_headers(jars)["X-Content-Type-Options"] == "nosniff"
