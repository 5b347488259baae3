"""Flagging an entry as breaking a principle: it opens a proposal to reverse it."""

from __future__ import annotations

from typing import Literal

from ninja import Router, Status
from pydantic import Field

from fourfold.api.auth import MemberRequest
from fourfold.api.routers.governance import ProposalOut, proposal_out
from fourfold.api.schemas import Input, errors
from fourfold.coops.selectors import coop_for_member
from fourfold.governance.rules import MAX_FLAG_REASON
from fourfold.workflows import flags

router = Router(tags=["ledger"])


class FlagIn(Input):
    # governance.rules.FLAG_PRINCIPLES, spelt out for the document (a test keeps them equal).
    principle: Literal["self_funded", "no_paid_staff", "members_only"] = Field(
        description="The principle the entry breaks, by its name in the health audit.",
        examples=["no_paid_staff"],
    )
    reason: str = Field(
        min_length=1,
        max_length=MAX_FLAG_REASON,
        pattern=r"\S",
        description="How it breaks it, in words every member reads.",
        examples=["This pays a member for their shift: that is wages."],
    )


@router.post(
    "/coops/{slug}/ledger/transactions/{transaction_id}/flag",
    response={201: ProposalOut, **errors(400, 403, 404, 409)},
)
def entry_flag(request: MemberRequest, slug: str, transaction_id: int, payload: FlagIn):
    """Any active member flags an entry as breaking a principle. It opens a proposal to reverse
    the entry (kind `reversal`), which reverses it by itself if it passes; until it is
    decided, the health audit shows the principle at risk and names the flag. 409 if the entry
    moved no money, is already reversed, or a proposal or request to reverse it is open."""
    coop = coop_for_member(user=request.auth, slug=slug)
    proposal = flags.entry_flag(
        coop=coop,
        transaction_id=transaction_id,
        member=request.auth,
        principle=payload.principle,
        reason=payload.reason,
    )
    return Status(201, proposal_out(proposal))
