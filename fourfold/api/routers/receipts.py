"""Receipts of expenses: attach a photo or a PDF, list them, fetch one."""

from __future__ import annotations

from datetime import datetime

from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from fourfold.api.auth import MemberRequest
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


# Read by the operation itself, after the membership check: a member of another co-op learns
# nothing from how the API judges the file. Django's parser drops a part with no bytes, so an
# empty file is a missing one; the document says a file has at least one byte.
UPLOAD_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {
                    "file": {
                        "type": "string",
                        "format": "binary",
                        "minLength": 1,
                        "description": "A JPEG, PNG or WebP photo or a PDF, at most 5 MB.",
                    }
                },
                "required": ["file"],
            }
        }
    },
}


def _unfit_file(detail: str, code: str = "invalid") -> Status:
    # The file does not fit what the operation takes, as a schema misfit does: 422 in the
    # same shape.
    return Status(
        422,
        {
            "detail": f"file: {detail}",
            "code": code,
            "field": "file",
            "errors": [{"field": "file", "message": detail}],
        },
    )


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
    openapi_extra={"requestBody": UPLOAD_BODY},
)
def receipt_attach(request: MemberRequest, slug: str, transaction_id: int):
    """Attach a receipt to an expense: a JPEG, PNG or WebP photo or a PDF of at most 5 MB, sent
    as the multipart field `file`. Its type is read from its content, never its name; a photo
    is stored without its location. 422 (`"field": "file"`) for any other file."""
    coop = coop_for_member(user=request.auth, slug=slug)
    upload = request.FILES.get("file")
    if upload is None:
        return _unfit_file(_("this field is required"))
    try:
        receipt = receipts.receipt_attach(
            coop=coop, transaction_id=transaction_id, by=request.auth, upload=upload
        )
    except Invalid as error:
        return _unfit_file(error.detail, error.code)
    return Status(201, receipt_out(receipt, coop.slug))


@router.get(
    "/coops/{slug}/ledger/transactions/{transaction_id}/receipts",
    response={200: list[ReceiptOut], **errors(404)},
)
def receipts_list(request: MemberRequest, slug: str, transaction_id: int):
    """The receipts attached to an expense, oldest first."""
    coop = coop_for_member(user=request.auth, slug=slug)
    items = receipts.receipts_for(coop=coop, transaction_id=transaction_id)
    return [receipt_out(item, coop.slug) for item in items]


_BINARY = {"schema": {"type": "string", "format": "binary"}}


@router.get(
    "/coops/{slug}/ledger/receipts/{receipt_id}",
    # The 200 is the file itself, documented below: not JSON, so not a response schema.
    response=errors(404),
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
def receipt_download(request: MemberRequest, slug: str, receipt_id: int):
    """A receipt's bytes, with the type read from them when it was attached."""
    coop = coop_for_member(user=request.auth, slug=slug)
    receipt = receipts.receipt_open(coop=coop, receipt_id=receipt_id)
    response = FileResponse(receipt.file, content_type=receipt.content_type)
    for header, value in receipts.serving_headers(receipt).items():
        response[header] = value
    return response
