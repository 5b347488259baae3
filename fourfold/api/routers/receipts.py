"""Receipts of expenses: attach a photo or a PDF, list them, fetch one."""

from __future__ import annotations

from datetime import datetime

from django.http import FileResponse, HttpRequest
from django.urls import reverse
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from fourfold.api.schemas import errors
from fourfold.coops.selectors import coop_for_member
from fourfold.errors import Invalid
from fourfold.ledger import receipts
from fourfold.ledger.models import Receipt

router = Router(tags=["ledger"])


class ReceiptOut(Schema):
    id: int
    content_type: str = Field(
        description="Read from the file's bytes: " + ", ".join(receipts.ACCEPTED)
    )
    size: int = Field(description="Bytes stored (a photo's location data removed).")
    name: str = Field(description="The uploaded file's name, made safe.")
    uploaded_by: str
    uploaded_at: datetime
    url: str = Field(description="Where to fetch the file (members of the co-op only).")


def receipt_out(receipt: Receipt, slug: str) -> dict:
    return {
        "id": receipt.pk,
        "content_type": receipt.content_type,
        "size": receipt.size,
        "name": receipt.name,
        "uploaded_by": receipt.uploaded_by.username,
        "uploaded_at": receipt.uploaded_at,
        "url": reverse("api:receipt_download", kwargs={"slug": slug, "receipt_id": receipt.pk}),
    }


@router.post(
    "/coops/{slug}/ledger/transactions/{transaction_id}/receipt",
    response={201: ReceiptOut, **errors(403, 404)},
)
def receipt_attach(request: HttpRequest, slug: str, transaction_id: int, file: File[UploadedFile]):
    """Attach a receipt to an expense: a JPEG, PNG or WebP photo or a PDF of at most 5 MB, sent
    as the multipart field `file`. Its type is read from its content, never its name; a photo
    is stored without its location. 422 (`"field": "file"`) for any other file."""
    coop = coop_for_member(user=request.auth, slug=slug)
    try:
        receipt = receipts.receipt_attach(
            coop=coop, transaction_id=transaction_id, by=request.auth, upload=file
        )
    except Invalid as error:
        # The file does not fit what the operation takes, as a schema misfit does: 422 in the
        # same shape.
        field = error.field or "file"
        return Status(
            422,
            {
                "detail": f"{field}: {error.detail}",
                "code": error.code,
                "field": field,
                "errors": [{"field": field, "message": error.detail}],
            },
        )
    return Status(201, receipt_out(receipt, coop.slug))


@router.get(
    "/coops/{slug}/ledger/transactions/{transaction_id}/receipts",
    response={200: list[ReceiptOut], **errors(404)},
)
def receipts_list(request: HttpRequest, slug: str, transaction_id: int):
    """The receipts attached to an expense, oldest first."""
    coop = coop_for_member(user=request.auth, slug=slug)
    items = receipts.receipts_for(coop=coop, transaction_id=transaction_id)
    return [receipt_out(item, coop.slug) for item in items]


_BINARY = {"schema": {"type": "string", "format": "binary"}}


@router.get(
    "/coops/{slug}/ledger/receipts/{receipt_id}",
    response={200: str, **errors(404)},
    url_name="receipt_download",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file: a PDF as an attachment, a photo inline.",
                "content": dict.fromkeys(receipts.ACCEPTED, _BINARY),
            }
        }
    },
)
def receipt_download(request: HttpRequest, slug: str, receipt_id: int):
    """A receipt's bytes, with the type read from them when it was attached."""
    coop = coop_for_member(user=request.auth, slug=slug)
    receipt = receipts.receipt_open(coop=coop, receipt_id=receipt_id)
    response = FileResponse(receipt.file, content_type=receipt.content_type)
    for header, value in receipts.serving_headers(receipt).items():
        response[header] = value
    return response
