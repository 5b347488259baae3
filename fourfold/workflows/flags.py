"""An entry flagged as breaking a principle: any member's flag opens a proposal to reverse it
(governance), checked against the books (ledger), and the principles audit shows the
principle at risk until the members decide."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fourfold.accounts.models import User
from fourfold.coops.audit import audit_record
from fourfold.coops.models import Cooperative
from fourfold.coops.services import member_require_active
from fourfold.errors import Invalid, NotFound
from fourfold.governance.models import Proposal
from fourfold.governance.rules import FLAG_PRINCIPLES, MAX_FLAG_REASON
from fourfold.ledger.models import Transaction
from fourfold.workflows import decisions


def entry_flag(
    *,
    coop: Cooperative,
    transaction_id: int,
    member: User,
    principle: str,
    reason: str,
    now: datetime | None = None,
) -> Proposal:
    """``member`` says entry ``transaction_id`` breaks ``principle`` (one of
    ``FLAG_PRINCIPLES``), and why: a proposal to reverse it opens, which reverses it by
    itself if it passes. Any active member may flag any entry of their co-op."""
    now = now or timezone.now()
    member_require_active(coop=coop, user=member, action=_("flag entries"), principle="flat")
    if not Transaction.objects.filter(coop=coop, pk=transaction_id).exists():
        raise NotFound(_("No such entry in this co-op."))
    if principle not in FLAG_PRINCIPLES:
        raise Invalid(
            _("Name the principle the entry breaks: %(names)s.")
            % {"names": ", ".join(FLAG_PRINCIPLES)},
            field="principle",
        )
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Say how the entry breaks the principle."), field="reason")
    if len(reason) > MAX_FLAG_REASON:
        raise Invalid(
            _("Say why in at most %(count)d characters.") % {"count": MAX_FLAG_REASON},
            field="reason",
        )
    with transaction.atomic():
        proposal = decisions.proposal_open(
            coop=coop,
            by=member,
            kind=Proposal.Kind.REVERSAL,
            title="",
            change={"transaction": transaction_id, "principle": principle, "reason": reason},
            now=now,
        )
        audit_record(
            coop=coop,
            actor=member,
            action="ledger.flagged",
            at=now,
            transaction=transaction_id,
            principle=principle,
            reason=reason,
            proposal=proposal.pk,
        )
    return proposal
