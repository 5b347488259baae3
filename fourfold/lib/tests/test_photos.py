from __future__ import annotations

import io

import pytest
from PIL import ExifTags, Image, PngImagePlugin

from fourfold.lib import photos

XMP_WITH_A_PLACE = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description '
    b'exif:GPSLatitude="42,23.28N" exif:GPSLongitude="71,5.98W"/></rdf:RDF></x:xmpmeta>'
)


def jpeg(**options) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 8), "orange").save(out, "JPEG", **options)
    return out.getvalue()


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"\xff\xd8\xff\xe0", photos.JPEG),
        (b"\x89PNG\r\n\x1a\n", photos.PNG),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", photos.WEBP),
        (b"%PDF-1.7", photos.PDF),
        (b"<!doctype html>", None),
        (b"RIFF\x10\x00\x00\x00WAVEfmt ", None),
        (b"", None),
    ],
)
def test_the_type_is_read_from_the_first_bytes(head, kind):
    assert photos.content_type_sniff(head) == kind


def test_xmp_and_a_second_picture_after_the_first_go_from_a_jpeg():
    original = jpeg(xmp=XMP_WITH_A_PLACE) + jpeg()
    assert b"GPSLatitude" in original

    kept = photos.without_location(original, photos.JPEG)

    assert b"GPSLatitude" not in kept and b"xmpmeta" not in kept
    assert kept.endswith(b"\xff\xd9") and kept.count(b"\xff\xd8") == 1
    Image.open(io.BytesIO(kept)).load()


def test_a_jpeg_cut_short_keeps_what_it_has():
    cut = jpeg()[:-2]

    kept = photos.without_location(cut, photos.JPEG)

    assert kept == cut + b"\xff\xd9"


def test_a_png_loses_its_text_chunks_which_can_hold_a_whole_exif_block():
    info = PngImagePlugin.PngInfo()
    info.add_text("Raw profile type exif", "GPS 42 23 17 N")
    info.add_itxt("XML:com.adobe.xmp", XMP_WITH_A_PLACE.decode())
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "PNG", pnginfo=info)
    assert b"GPS" in out.getvalue()

    kept = photos.without_location(out.getvalue(), photos.PNG)

    assert b"GPS" not in kept and b"tEXt" not in kept and b"iTXt" not in kept
    Image.open(io.BytesIO(kept)).load()


def test_a_webp_no_longer_says_it_carries_exif_or_xmp_when_it_does_not():
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Phone"
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "WEBP", exif=exif, xmp=XMP_WITH_A_PLACE)
    assert b"EXIF" in out.getvalue() and b"XMP " in out.getvalue()

    kept = photos.without_location(out.getvalue(), photos.WEBP)

    assert b"EXIF" not in kept and b"XMP " not in kept
    flags = kept[kept.index(b"VP8X") + 8]
    assert flags & 0x0C == 0
    assert int.from_bytes(kept[4:8], "little") == len(kept) - 8
    Image.open(io.BytesIO(kept)).load()


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\xff\xd8\xff\xe0\x00", photos.JPEG),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR", photos.PNG),
        (b"RIFF\xff\x00\x00\x00WEBPVP8 ", photos.WEBP),
    ],
)
def test_bytes_that_only_begin_like_a_photo_are_damaged(data, kind):
    with pytest.raises(photos.DamagedFile):
        photos.without_location(data, kind)


def test_a_pdf_is_kept_as_it_is():
    assert photos.without_location(b"%PDF-1.4\n%%EOF", photos.PDF) == b"%PDF-1.4\n%%EOF"
