"""Small files for the receipt tests: photos with a location in them, a PDF, a web page."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from fourfold.ledger.receipts import MAX_RECEIPT_BYTES

HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
PDF_HEAD = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n"
UPRIGHT_AFTER_A_TURN = 6  # EXIF orientation: rotate 90° clockwise to show upright


def photo(image_format: str = "JPEG", *, with_location: bool = True, **options) -> bytes:
    """A small photo as a phone takes it: an orientation, a camera make and, unless told
    otherwise, where it was taken."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = UPRIGHT_AFTER_A_TURN
    exif[ExifTags.Base.Make] = "Phone"
    if with_location:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        gps[ExifTags.GPS.GPSLatitudeRef] = "N"
        gps[ExifTags.GPS.GPSLatitude] = (42.0, 23.0, 17.0)
        gps[ExifTags.GPS.GPSLongitudeRef] = "W"
        gps[ExifTags.GPS.GPSLongitude] = (71.0, 5.0, 59.0)
    out = io.BytesIO()
    Image.new("RGB", (48, 32), "teal").save(out, image_format, exif=exif, **options)
    return out.getvalue()


def pdf(size: int = 200) -> bytes:
    """A PDF of exactly ``size`` bytes."""
    return PDF_HEAD + b"%" * (size - len(PDF_HEAD))


def upload(data: bytes, name: str = "receipt.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


FIVE_MB = MAX_RECEIPT_BYTES
