"""Photos and PDFs as bytes: what a file is by its first bytes, and a photo without what says
where it was taken.

The containers are rewritten segment by segment (JPEG), chunk by chunk (PNG, WebP): the
pixels are copied as they are, never decoded or re-encoded, so nothing is lost and no
decompression bomb goes off. Everything that can carry a place goes (EXIF, whose GPS block
says it outright; XMP; IPTC; text chunks, which can hold a whole EXIF block); the orientation
is kept, in an EXIF block of its own, so the photo still shows upright.
"""

from __future__ import annotations

import io
import struct
import zlib

from PIL import ExifTags, Image, UnidentifiedImageError

JPEG, PNG, WEBP, PDF = "image/jpeg", "image/png", "image/webp", "application/pdf"
_PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}


class DamagedFile(ValueError):
    """The bytes begin like a photo of this type but do not hold one."""

    def __init__(self, content_type: str) -> None:
        super().__init__(content_type)
        self.content_type = content_type


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
            raise DamagedFile(JPEG)
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte before a marker
            position += 1
            continue
        if marker == _EOI:
            break  # whatever trails the image (other pictures, vendor blobs) goes too
        if position + 4 > len(data):
            raise DamagedFile(JPEG)
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        end = position + 2 + length
        if length < 2 or end > len(data):
            raise DamagedFile(JPEG)
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
            raise DamagedFile(PNG)
        length = int.from_bytes(data[position : position + 4], "big")
        kind = data[position + 4 : position + 8]
        end = position + 12 + length
        if end > len(data):
            raise DamagedFile(PNG)
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
        raise DamagedFile(WEBP)
    chunks: list[tuple[bytes, bytes]] = []
    orientation: bytes | None = None
    position = 12
    while position < riff_end:
        if position + 8 > riff_end:
            raise DamagedFile(WEBP)
        kind = data[position : position + 4]
        size = int.from_bytes(data[position + 4 : position + 8], "little")
        end = position + 8 + size
        if end > riff_end:
            raise DamagedFile(WEBP)
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


def without_location(data: bytes, content_type: str) -> bytes:
    """A photo's bytes without where it was taken (a PDF's as they are), once Pillow agrees
    the photo is the image it claims to be (from its headers; the pixels are not decoded).
    ``DamagedFile`` if it is not."""
    if content_type == PDF:
        return data
    kept = _STRIP[content_type](data)
    try:
        with Image.open(io.BytesIO(kept)) as image:
            if image.format != _PILLOW_FORMATS[content_type]:
                raise DamagedFile(content_type)
            image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, SyntaxError, OSError) as error:
        raise DamagedFile(content_type) from error
    return kept
