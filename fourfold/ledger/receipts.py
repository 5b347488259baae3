"""Receipts: a photo or a PDF of what an expense bought.

What a file is comes from its first bytes, never from its name or the type the browser
declares: a page of HTML called ``receipt.jpg`` is refused, and a PNG called ``scan.pdf`` is
kept as the PNG it is. A photo loses whatever says where it was taken before it is stored
(``fourfold.lib.photos``).
"""

from __future__ import annotations

import os
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from fourfold.accounts.models import User
from fourfold.coops.audit import audit_record
from fourfold.coops.models import Cooperative
from fourfold.coops.services import member_require_active
from fourfold.errors import Invalid, NotFound
from fourfold.ledger.models import Receipt, Transaction
from fourfold.lib import photos
from fourfold.lib.photos import JPEG, PDF, PNG, WEBP

MAX_RECEIPT_BYTES = 5 * 1024 * 1024
MAX_NAME_LENGTH = 100

ACCEPTED = (JPEG, PNG, WEBP, PDF)
EXTENSIONS = {JPEG: ".jpg", PNG: ".png", WEBP: ".webp", PDF: ".pdf"}
# Names a member may have given a file of each type; any other is replaced on download.
_NAME_EXTENSIONS = {JPEG: {".jpg", ".jpeg"}, PNG: {".png"}, WEBP: {".webp"}, PDF: {".pdf"}}
_KIND_NAMES = {JPEG: "JPEG", PNG: "PNG", WEBP: "WebP", PDF: "PDF"}


def _refused_type() -> Invalid:
    return Invalid(
        _(
            "A receipt is a photo (JPEG, PNG or WebP) or a PDF; this file is none of them, "
            "whatever its name says."
        ),
        field="file",
    )


def _damaged(content_type: str) -> Invalid:
    return Invalid(
        _("This file begins like a %(kind)s but is damaged; save or photograph it again.")
        % {"kind": _KIND_NAMES[content_type]},
        field="file",
    )


def _too_large() -> Invalid:
    return Invalid(
        _("A receipt may be at most %(mb)d MB; this file is larger.")
        % {"mb": MAX_RECEIPT_BYTES // (1024 * 1024)},
        field="file",
    )


def _read(upload: File) -> bytes:
    # Counted as read, not only as declared: the declared size is the client's word.
    if upload.size is not None and upload.size > MAX_RECEIPT_BYTES:
        raise _too_large()
    data = bytearray()
    for chunk in upload.chunks():
        data += chunk
        if len(data) > MAX_RECEIPT_BYTES:
            raise _too_large()
    return bytes(data)


def name_sanitise(raw: str | None, content_type: str) -> str:
    """The uploaded name as a member may see it: its last path part, without control or
    direction-changing characters, at most MAX_NAME_LENGTH long, its extension kept."""
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in {"C", "Z"} or ch == " ")
    name = name.strip().lstrip(".")
    if len(name) > MAX_NAME_LENGTH:
        stem, extension = os.path.splitext(name)
        extension = extension[:10]
        name = stem[: MAX_NAME_LENGTH - len(extension)] + extension
    return name or _("receipt") + EXTENSIONS[content_type]


def download_name(receipt: Receipt) -> str:
    """The name a receipt downloads as: the member's, with an extension that tells the truth
    (a PNG uploaded as ``scan.pdf`` downloads as ``scan.png``)."""
    stem, extension = os.path.splitext(receipt.name)
    if extension.lower() in _NAME_EXTENSIONS[receipt.content_type]:
        return receipt.name
    return (stem or _("receipt")) + EXTENSIONS[receipt.content_type]


# Shown by the browser as nothing but the image it is: no script, no plugin, no page.
RECEIPT_CONTENT_SECURITY_POLICY = (
    "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
)


def serving_headers(receipt: Receipt) -> dict[str, str]:
    """The headers every edge serves a receipt with, besides its ``Content-Type``: the type
    is never sniffed, a PDF is downloaded rather than shown, a photo is shown inline."""
    return {
        "Content-Disposition": content_disposition_header(
            receipt.content_type == PDF, download_name(receipt)
        )
        or "inline",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": RECEIPT_CONTENT_SECURITY_POLICY,
    }


def _expense(coop: Cooperative, transaction_id: int) -> Transaction:
    expense = Transaction.objects.filter(
        coop=coop, pk=transaction_id, kind=Transaction.Kind.EXPENSE
    ).first()
    if expense is None:
        raise NotFound(_("No such expense."))
    return expense


def receipt_attach(
    *,
    coop: Cooperative,
    transaction_id: int,
    by: User,
    upload: File,
    now: datetime | None = None,
) -> Receipt:
    """Keep ``upload`` as a receipt of the co-op's expense ``transaction_id``.

    Any active member may attach one to any expense. Refused (``Invalid``) unless the file is
    a JPEG, PNG or WebP photo or a PDF by its content, of at most MAX_RECEIPT_BYTES. A photo
    is stored without its location; every receipt under a random name.
    """
    member_require_active(coop=coop, user=by, action=_("attach receipts"))
    expense = _expense(coop, transaction_id)
    data = _read(upload)
    content_type = photos.content_type_sniff(data[:16])
    if content_type is None:
        raise _refused_type()
    try:
        data = photos.without_location(data, content_type)
    except photos.DamagedFile as error:
        raise _damaged(content_type) from error
    now = now or timezone.now()
    receipt = Receipt(
        coop=coop,
        transaction=expense,
        content_type=content_type,
        size=len(data),
        name=name_sanitise(upload.name, content_type),
        uploaded_by=by,
        uploaded_at=now,
    )
    # The bytes go first, outside the database transaction (an upload to a bucket can take a
    # while, and SQLite would hold its write lock all along); if the row then fails, they go.
    stored = f"{coop.pk}/{secrets.token_hex(16)}{EXTENSIONS[content_type]}"
    receipt.file.save(stored, ContentFile(data), save=False)
    try:
        with transaction.atomic():
            receipt.save()
            audit_record(
                coop=coop,
                actor=by,
                action="ledger.receipt_attached",
                at=now,
                receipt=receipt.pk,
                transaction=expense.pk,
                content_type=content_type,
                size=receipt.size,
                name=receipt.name,
            )
    except Exception:
        receipt.file.delete(save=False)
        raise
    return receipt


def receipts_for(*, coop: Cooperative, transaction_id: int) -> QuerySet[Receipt]:
    """The receipts of the co-op's expense ``transaction_id``, oldest first; ``NotFound`` if
    the co-op has no such expense."""
    expense = _expense(coop, transaction_id)
    return (
        Receipt.objects.filter(coop=coop, transaction=expense)
        .select_related("uploaded_by")
        .order_by("uploaded_at", "pk")
    )


def receipt_open(*, coop: Cooperative, receipt_id: int) -> Receipt:
    """The co-op's receipt ``receipt_id`` with its file open for reading (the caller closes
    it, as ``FileResponse`` does); ``NotFound`` for another co-op's or a missing one."""
    receipt = Receipt.objects.filter(coop=coop, pk=receipt_id).first()
    if receipt is None:
        raise NotFound(_("No such receipt."))
    try:
        receipt.file.open("rb")
    except FileNotFoundError as error:
        raise NotFound(_("This receipt's file is missing from storage.")) from error
    return receipt


@dataclass(frozen=True)
class ReceiptFile:
    """A receipt as an export lists it: read its bytes with
    ``django.core.files.storage.default_storage.open(storage_name)``."""

    id: int
    transaction_id: int
    storage_name: str
    content_type: str
    size: int
    name: str
    uploaded_by: str
    uploaded_at: datetime


def receipt_files(*, coop: Cooperative) -> list[ReceiptFile]:
    """Every receipt of the co-op with the storage name of its bytes, oldest first."""
    return [
        ReceiptFile(
            id=receipt.pk,
            transaction_id=receipt.transaction_id,
            storage_name=str(receipt.file.name),
            content_type=receipt.content_type,
            size=receipt.size,
            name=receipt.name,
            uploaded_by=receipt.uploaded_by.username,
            uploaded_at=receipt.uploaded_at,
        )
        for receipt in Receipt.objects.filter(coop=coop)
        .select_related("uploaded_by")
        .order_by("uploaded_at", "pk")
    ]
