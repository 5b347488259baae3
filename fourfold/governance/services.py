"""Flat governance: any active member proposes, every active member votes, and a passed
decision applies itself. Nobody holds a power another member lacks."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fourfold.accounts.models import User
from fourfold.coops.audit import audit_record
from fourfold.coops.models import Cooperative, Membership
from fourfold.coops.services import member_require_active
from fourfold.errors import Invalid, PrincipleViolation
from fourfold.governance import selectors
from fourfold.governance.models import Proposal
from fourfold.governance.rules import (
    MAX_APPROVAL,
    MAX_OPTION_LENGTH,
    MAX_OPTIONS,
    budget_change_validate,
    recurring_end_change_validate,
    refuse_more_producers_than_members,
    reversal_change_validate,
    rule_change_validate,
    rule_value,
    spread_end_change_validate,
)
from fourfold.lib.money import format_money, parse_money

# Kinds that say what they do by themselves: "Reverse entry #12".
SELF_TITLED = (Proposal.Kind.REVERSAL, Proposal.Kind.SPREAD_END, Proposal.Kind.RECURRING_END)


def proposal_open(
    *,
    coop: Cooperative,
    by: User | None,
    kind: str,
    title: str,
    body: str = "",
    change: dict | None = None,
    options: list | None = None,
    subject: User | None = None,
    amount=None,
    now: datetime | None = None,
) -> Proposal:
    """Open a proposal; it closes after the co-op's voting period, or once everyone voted.

    Everything a proposal would do is checked now, not when it passes."""
    now = now or timezone.now()
    if by is not None:
        member_require_active(coop=coop, user=by, action=_("open proposals"), principle="flat")
    title = (title or "").strip()
    # A reversal says what it does by itself: "Reverse entry #12".
    if not title and kind not in SELF_TITLED:
        raise Invalid(_("Give the proposal a title."), field="title")
    if kind not in Proposal.Kind.values:
        raise Invalid(
            _("Choose a kind: %(kinds)s.") % {"kinds": ", ".join(Proposal.Kind.values)},
            field="kind",
        )
    fields: dict = {}
    if kind == Proposal.Kind.RULE_CHANGE:
        fields["change"] = rule_change_validate(coop, change or {})
        refuse_more_producers_than_members(coop, fields["change"])
        # What the rules were when it was proposed: a failed proposal is read against these,
        # not against whatever they became later.
        fields["result"] = {
            "was": {
                rule: None if value is None else str(value)
                for rule in fields["change"]
                for value in [rule_value(coop, rule)]
            }
        }
    elif kind == Proposal.Kind.CHOICE:
        clean = [str(o).strip() for o in (options or []) if str(o).strip()]
        if len(clean) < 2 or len(set(clean)) != len(clean) or len(clean) > MAX_OPTIONS:
            raise Invalid(
                _("Give 2 to %(n)d different options.") % {"n": MAX_OPTIONS}, field="options"
            )
        if any(len(option) > MAX_OPTION_LENGTH for option in clean):
            raise Invalid(
                _("An option is at most %(n)d characters.") % {"n": MAX_OPTION_LENGTH},
                field="options",
            )
        fields["options"] = clean
    elif kind in (Proposal.Kind.ADMIT_MEMBER, Proposal.Kind.REMOVE_MEMBER):
        if subject is None:
            raise Invalid(_("Name the person."), field="subject")
        membership = Membership.objects.filter(coop=coop, user=subject).first()
        if kind == Proposal.Kind.REMOVE_MEMBER and (
            membership is None or membership.status == Membership.Status.LEFT
        ):
            raise Invalid(
                _("%(name)s is not a member.") % {"name": subject.username}, field="subject"
            )
        if kind == Proposal.Kind.ADMIT_MEMBER and (
            membership is None or membership.status != Membership.Status.PENDING
        ):
            # Nobody is made a member without asking: one asks by accepting an invitation.
            raise Invalid(
                _(
                    "%(name)s has not asked to join. Send them an invitation: accepting it "
                    "asks the members to admit them."
                )
                % {"name": subject.username},
                field="subject",
            )
        fields["subject"] = subject
    elif kind == Proposal.Kind.REVERSAL:
        # Governance sits below the ledger: whether the entry may be reversed is checked by
        # the workflow that opens it (workflows.decisions.proposal_open).
        fields["change"] = reversal_change_validate(change or {})
        title = title or _("Reverse entry #%(id)d") % {"id": fields["change"]["transaction"]}
    elif kind == Proposal.Kind.BUDGET:
        fields["change"] = budget_change_validate(coop, change or {})
    elif kind == Proposal.Kind.SPREAD_END:
        fields["change"] = spread_end_change_validate(change or {})
        title = title or _("End spread entry #%(id)d early") % {
            "id": fields["change"]["transaction"]
        }
    elif kind == Proposal.Kind.RECURRING_END:
        fields["change"] = recurring_end_change_validate(change or {})
        title = title or _("End regular cost #%(id)d") % {"id": fields["change"]["recurring"]}
    elif kind == Proposal.Kind.SPENDING:
        if amount in (None, ""):
            raise Invalid(_("Give the amount to approve."), field="amount")
        try:
            # The ledger's own parse: an approval no payment could match to the cent
            # ("99.999 USD") is refused, not stored.
            fields["amount"] = parse_money(amount, coop.currency, maximum=MAX_APPROVAL)
        except ValueError as error:
            raise Invalid(str(error), field="amount") from error
    with transaction.atomic():
        proposal = Proposal.objects.create(
            coop=coop,
            kind=kind,
            title=title[:200],
            body=body.strip(),
            opened_by=by,
            opened_at=now,
            closes_at=now + timedelta(days=coop.voting_days),
            **fields,
        )
        audit_record(
            coop=coop, actor=by, action="governance.opened", at=now, proposal=proposal.pk, kind=kind
        )
    return proposal


def spending_approval(*, coop: Cooperative, amount: Decimal, proposal_id: int | None):
    """The ledger's check for an expense above the limit: it must draw on a passed spending
    proposal with enough of its approved amount left. Call it inside the posting's
    transaction: the proposal's row lock makes two expenses drawing on it queue."""
    limit = coop.spending_limit
    within = limit is None or amount <= limit
    if within and not proposal_id:
        return None
    approval = (
        Proposal.objects.select_for_update()
        .filter(
            coop=coop, pk=proposal_id, kind=Proposal.Kind.SPENDING, status=Proposal.Status.PASSED
        )
        .first()
        if proposal_id
        else None
    )
    if approval is None and within:
        raise Invalid(
            _("Choose a passed spending proposal of this co-op, or none."), field="proposal"
        )
    if approval is None:
        assert limit is not None  # not within the limit: there is one
        raise PrincipleViolation(
            "flat",
            _(
                "%(amount)s is above the spending limit of %(limit)s: the members decide it "
                "together. Open a spending proposal; once it passes, choose it as the approval "
                "of this expense."
            )
            % {
                "amount": format_money(amount, coop.currency),
                "limit": format_money(limit, coop.currency),
            },
        )
    left = selectors.approval_left(approval)
    if amount > left:
        raise PrincipleViolation(
            "flat",
            _(
                "“%(title)s” approved %(approved)s and %(left)s of it is left: %(amount)s is "
                "more. Open a new spending proposal for the rest."
            )
            % {
                "title": approval.title,
                "approved": format_money(approval.approved_amount, coop.currency),
                "left": format_money(left, coop.currency),
                "amount": format_money(amount, coop.currency),
            },
        )
    return approval
