"""Receipts: a photo or a PDF of what an expense bought.

What a file is comes from its first bytes, never from its name or the type the browser
declares: a page of HTML called ``receipt.jpg`` is refused, and a PNG called ``scan.pdf`` is
kept as the PNG it is. Photos lose whatever says where they were taken (EXIF GPS, XMP, text
chunks) before they are stored; the pixels are copied as they are, never re-encoded, and the
orientation is kept so the photo still shows upright.
"""

from __future__ import annotations

import io
import os
import secrets
import struct
import unicodedata
import zlib
from dataclasses import dataclass
from datetime import datetime

from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, UnidentifiedImageError

from fourfold.accounts.models import User
from fourfold.coops.audit import audit_record
from fourfold.coops.models import Cooperative
from fourfold.coops.services import member_require_active
from fourfold.errors import Invalid, NotFound
from fourfold.ledger.models import Receipt, Transaction

MAX_RECEIPT_BYTES = 5 * 1024 * 1024
MAX_NAME_LENGTH = 100

JPEG, PNG, WEBP, PDF = "image/jpeg", "image/png", "image/webp", "application/pdf"
ACCEPTED = (JPEG, PNG, WEBP, PDF)
EXTENSIONS = {JPEG: ".jpg", PNG: ".png", WEBP: ".webp", PDF: ".pdf"}
# Names a member may have given a file of each type; any other is replaced on download.
_NAME_EXTENSIONS = {JPEG: {".jpg", ".jpeg"}, PNG: {".png"}, WEBP: {".webp"}, PDF: {".pdf"}}
_PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}
_KIND_NAMES = {JPEG: "JPEG", PNG: "PNG", WEBP: "WebP", PDF: "PDF"}


def content_type_sniff(head: bytes) -> str | None:
    """The accepted type these first bytes begin, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    return None


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


def _orientation_only(raw_exif: bytes) -> bytes | None:
    """An EXIF block holding nothing but the orientation of ``raw_exif`` (with its ``Exif``
    header), or None when the photo is upright anyway."""
    exif = Image.Exif()
    try:
        exif.load(raw_exif)
    except (SyntaxError, ValueError, struct.error, OSError):
        return None
    orientation = exif.get(ExifTags.Base.Orientation)
    if orientation not in range(2, 9):
        return None
    kept = Image.Exif()
    kept[ExifTags.Base.Orientation] = orientation
    return kept.tobytes()


_EXIF_HEADER = b"Exif\x00\x00"
# JPEG segments kept: JFIF, the colour profile, Adobe's colour transform. Every other
# application segment (EXIF, XMP, IPTC, the multi-picture index) and comments go.
_APP0, _APP1, _APP2, _APP14, _COM, _SOS, _EOI = 0xE0, 0xE1, 0xE2, 0xEE, 0xFE, 0xDA, 0xD9


def _jpeg_segment_kept(marker: int, payload: bytes) -> bool:
    if marker == _APP2:
        return payload.startswith(b"ICC_PROFILE\x00")
    if marker in (_APP0, _APP14):
        return True
    return not (0xE1 <= marker <= 0xEF or marker == _COM)


def _scan_end(data: bytes, position: int) -> int | None:
    """Where the entropy-coded data from ``position`` ends: at the next marker, for a 0xFF in
    it is followed by 0x00 (a stuffed byte) or a restart marker. None if it runs to the end."""
    while True:
        found = data.find(b"\xff", position)
        if found < 0 or found + 1 >= len(data):
            return None
        following = data[found + 1]
        if following != 0x00 and not 0xD0 <= following <= 0xD7:
            return found
        position = found + 2


def _jpeg_without_location(data: bytes) -> bytes:
    out: list[bytes] = [data[:2]]
    orientation: bytes | None = None
    position = 2
    while True:
        if position + 2 > len(data) or data[position] != 0xFF:
            raise _damaged(JPEG)
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte before a marker
            position += 1
            continue
        if marker == _EOI:
            break  # whatever trails the image (other pictures, vendor blobs) goes too
        if position + 4 > len(data):
            raise _damaged(JPEG)
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        end = position + 2 + length
        if length < 2 or end > len(data):
            raise _damaged(JPEG)
        payload = data[position + 4 : end]
        if marker == _APP1 and payload.startswith(_EXIF_HEADER) and orientation is None:
            orientation = _orientation_only(payload)
        if _jpeg_segment_kept(marker, payload):
            out.append(data[position:end])
        position = end
        if marker == _SOS:
            scan_end = _scan_end(data, position)
            # A photo cut short before its end marker still shows what it has: keep it.
            out.append(data[position:scan_end])
            if scan_end is None:
                break
            position = scan_end
    out.append(b"\xff\xd9")
    if orientation is not None:
        block = b"\xff\xe1" + (len(orientation) + 2).to_bytes(2, "big") + orientation
        # After JFIF's APP0 if there is one, as readers expect; else right after the start.
        after_jfif = 2 if len(out) > 1 and out[1][:2] == b"\xff\xe0" else 1
        out.insert(after_jfif, block)
    return b"".join(out)


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return (
        len(payload).to_bytes(4, "big")
        + kind
        + payload
        + zlib.crc32(kind + payload).to_bytes(4, "big")
    )


# Text chunks can hold XMP or a whole EXIF block ("Raw profile type exif"), so all go.
_PNG_DROPPED = {b"tEXt", b"zTXt", b"iTXt"}


def _png_without_location(data: bytes) -> bytes:
    out = [data[:8]]
    position = 8
    while True:
        if position + 12 > len(data):
            raise _damaged(PNG)
        length = int.from_bytes(data[position : position + 4], "big")
        kind = data[position + 4 : position + 8]
        end = position + 12 + length
        if end > len(data):
            raise _damaged(PNG)
        if kind == b"eXIf":
            orientation = _orientation_only(data[position + 8 : position + 8 + length])
            if orientation is not None:
                out.append(_png_chunk(b"eXIf", orientation[len(_EXIF_HEADER) :]))
        elif kind not in _PNG_DROPPED:
            out.append(data[position:end])
        position = end
        if kind == b"IEND":
            return b"".join(out)


_VP8X_EXIF, _VP8X_XMP = 0x08, 0x04


def _webp_without_location(data: bytes) -> bytes:
    riff_end = 8 + int.from_bytes(data[4:8], "little")
    if riff_end > len(data):
        raise _damaged(WEBP)
    chunks: list[tuple[bytes, bytes]] = []
    orientation: bytes | None = None
    position = 12
    while position < riff_end:
        if position + 8 > riff_end:
            raise _damaged(WEBP)
        kind = data[position : position + 4]
        size = int.from_bytes(data[position + 4 : position + 8], "little")
        end = position + 8 + size
        if end > riff_end:
            raise _damaged(WEBP)
        payload = data[position + 8 : end]
        if kind == b"EXIF":
            orientation = _orientation_only(payload)
        elif kind != b"XMP ":
            chunks.append((kind, payload))
        position = end + (size & 1)
    if orientation is not None:
        chunks.append((b"EXIF", orientation[len(_EXIF_HEADER) :]))
    body = bytearray(b"WEBP")
    for kind, payload in chunks:
        if kind == b"VP8X" and payload:
            flags = payload[0] & ~(_VP8X_EXIF | _VP8X_XMP)
            if orientation is not None:
                flags |= _VP8X_EXIF
            payload = bytes([flags]) + payload[1:]
        body += kind + len(payload).to_bytes(4, "little") + payload
        if len(payload) & 1:
            body += b"\x00"
    return b"RIFF" + len(body).to_bytes(4, "little") + bytes(body)


_STRIP = {JPEG: _jpeg_without_location, PNG: _png_without_location, WEBP: _webp_without_location}


def _checked(data: bytes, content_type: str) -> bytes:
    """The bytes to store: a photo without its location, once Pillow agrees it is the image
    it claims to be (read from its headers; the pixels are not decoded)."""
    if content_type == PDF:
        return data
    kept = _STRIP[content_type](data)
    try:
        with Image.open(io.BytesIO(kept)) as image:
            if image.format != _PILLOW_FORMATS[content_type]:
                raise _damaged(content_type)
            image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, SyntaxError, OSError) as error:
        raise _damaged(content_type) from error
    return kept


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
    content_type = content_type_sniff(data[:16])
    if content_type is None:
        raise _refused_type()
    data = _checked(data, content_type)
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
