"""Decisions that reach other domains: a passed proposal applies itself (governance), and
what it changed follows: the batches follow new production rules (production), a member
removed by vote stops consuming and producing (consumption, production), an entry the members
decided to reverse is reversed (ledger)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fourfold.accounts.models import User
from fourfold.coops.models import Cooperative, Membership
from fourfold.coops.selectors import coop_today
from fourfold.errors import Conflict, FourfoldError, Invalid
from fourfold.governance import closing as governance_closing
from fourfold.governance import rules as governance_rules
from fourfold.governance import services as governance
from fourfold.governance import votes as governance_votes
from fourfold.governance.models import Proposal, Vote
from fourfold.ledger import budget as ledger_budget
from fourfold.ledger import corrections, statements
from fourfold.ledger import endings as ledger_endings
from fourfold.ledger.models import Transaction
from fourfold.workflows import production as production_flow
from fourfold.workflows.membership import roles_follow
from fourfold.workflows.tasks import schedule_close

PRODUCTION_RULES = {"target_quantity", "producers_per_batch", "cadence"}


def _follow(proposal: Proposal, now: datetime) -> None:
    if proposal.status != Proposal.Status.PASSED:
        return
    coop = proposal.coop
    if proposal.kind == Proposal.Kind.RULE_CHANGE:
        if set(proposal.result.get("after", {})) & PRODUCTION_RULES:
            production_flow.batches_follow_rules(coop=coop, today=coop_today(coop, now=now))
    elif proposal.kind == Proposal.Kind.REMOVE_MEMBER:
        removed = Membership.objects.filter(
            coop=coop, user=proposal.subject, status=Membership.Status.LEFT, removed_at=now
        ).exists()
        if removed and proposal.subject is not None:
            roles_follow(coop=coop, member=proposal.subject, status=Membership.Status.LEFT)
    elif proposal.kind == Proposal.Kind.REVERSAL:
        _reversal_apply(proposal, now)
    elif proposal.kind == Proposal.Kind.SPREAD_END:
        _spread_end_apply(proposal, now)
    elif proposal.kind == Proposal.Kind.RECURRING_END:
        ledger_endings.recurring_end_decided(
            coop=coop, recurring_id=proposal.change["recurring"], proposal_id=proposal.pk, now=now
        )


def _spread_end_apply(proposal: Proposal, now: datetime) -> None:
    """The members ended a spread early. Finished or reversed meanwhile, the proposal says so
    and nothing moves."""
    if proposal.opened_by is None:
        return
    try:
        ledger_endings.spread_end(
            coop=proposal.coop,
            transaction_id=proposal.change["transaction"],
            rest=proposal.change["rest"],
            by=proposal.opened_by,
            proposal_id=proposal.pk,
            now=now,
        )
    except FourfoldError as error:
        proposal.result["spread_end_refused"] = error.detail
        proposal.outcome = " ".join([proposal.outcome, error.detail])
        proposal.save(update_fields=["result", "outcome"])


def _reversal_apply(proposal: Proposal, now: datetime) -> None:
    """The members decided to reverse an entry: its reversal is posted, entered by the member
    who proposed it. If the books moved since (it was reversed meanwhile, the pool spent what
    reversing it would take back), the proposal says so and nothing moves: a closing never
    fails halfway."""
    original = Transaction.objects.filter(
        coop=proposal.coop, pk=proposal.change.get("transaction")
    ).first()
    opener = proposal.opened_by
    if original is None or opener is None:
        # proposal_open checked both; an imported proposal may lack them.
        return
    try:
        reversal = corrections.reversal_post(
            original=original,
            entered_by=opener,
            reason=_("Reversed by proposal #%(id)d") % {"id": proposal.pk},
            now=now,
        )
    except Conflict as error:
        proposal.result["reversal_refused"] = error.detail
        proposal.outcome = " ".join(
            [proposal.outcome, _("The entry was not reversed: %(why)s") % {"why": error.detail}]
        )
    else:
        proposal.result["reversal"] = reversal.pk
    proposal.save(update_fields=["result", "outcome"])


def _reversal_require_possible(coop: Cooperative, change: dict, by: User | None) -> None:
    """A proposal to reverse an entry names a posted entry of this co-op that nothing reverses
    yet, nor asks or proposes to. Governance checks the shape; the ledger's state is checked
    here, with the entry's row locked so two proposals for it queue and the second is
    refused."""
    if by is None:
        raise Invalid(_("A member proposes reversing an entry."), field="change")
    entry_id = governance_rules.reversal_change_validate(change)["transaction"]
    locked = Transaction.objects.select_for_update().filter(coop=coop, pk=entry_id).first()
    if locked is None:
        raise Invalid(
            _("There is no entry #%(id)d in this co-op.") % {"id": entry_id}, field="change"
        )
    entry = statements.transactions(coop=coop).get(pk=entry_id)
    values = {"id": entry.pk}
    if entry.kind == Transaction.Kind.REVERSAL:
        raise Conflict(_("Entry #%(id)d is a reversal; a reversal is not reversed.") % values)
    if entry.kind == Transaction.Kind.REVERSAL_REQUEST:
        raise Conflict(
            _("Entry #%(id)d is a request and moves no money; those it asks answer it.") % values
        )
    status = statements.entry_status(entry)
    if status.status == "pending":
        raise Conflict(
            _("Entry #%(id)d has not moved any money yet; it waits for %(who)s.")
            % {**values, "who": ", ".join(status.awaiting)}
        )
    if status.status == "declined":
        raise Conflict(_("Entry #%(id)d was declined; it moved no money.") % values)
    reversed_by = getattr(entry, "reversed_by", None)
    if reversed_by is not None:
        raise Conflict(
            _("Entry #%(id)d is already reversed by #%(by)d.") % {**values, "by": reversed_by.pk}
        )
    if Transaction.objects.pending().filter(reversal_of=entry).exists():
        raise Conflict(
            _(
                "A request to reverse entry #%(id)d waits for an answer; if it is declined, "
                "propose reversing it."
            )
            % values
        )
    deciding = (
        Proposal.objects.filter(
            coop=coop,
            kind=Proposal.Kind.REVERSAL,
            status=Proposal.Status.OPEN,
            change__transaction=entry.pk,
        )
        .values_list("pk", flat=True)
        .first()
    )
    if deciding is not None:
        raise Conflict(
            _("Proposal #%(proposal)d already decides whether to reverse entry #%(id)d.")
            % {**values, "proposal": deciding}
        )


def proposal_close(*, proposal: Proposal, now: datetime | None = None) -> Proposal:
    """Close a proposal (governance) and let what passed take effect in the other domains."""
    now = now or timezone.now()
    with transaction.atomic():
        # Closing twice does nothing the second time, here too: the row lock makes two closers
        # queue, and only the one that finds it open lets it take effect.
        was_open = (
            Proposal.objects.select_for_update()
            .filter(pk=proposal.pk, status=Proposal.Status.OPEN)
            .exists()
        )
        proposal = governance_closing.proposal_close(proposal=proposal, now=now)
        if was_open:
            _follow(proposal, now)
    return proposal


def close_due_proposals(*, now: datetime | None = None) -> list[Proposal]:
    """Close every open proposal whose deadline has passed. Safe to run again and again."""
    now = now or timezone.now()
    due = Proposal.objects.filter(status=Proposal.Status.OPEN, closes_at__lte=now)
    return [proposal_close(proposal=p, now=now) for p in due.order_by("closes_at", "pk")]


def vote_cast(*, proposal: Proposal, member: User, now: datetime | None = None, **fields) -> Vote:
    """Vote (governance); the last vote of everyone who can vote closes the proposal at once."""
    now = now or timezone.now()
    vote = governance_votes.vote_cast(proposal=proposal, member=member, now=now, **fields)
    # Fresh from the database: the caller's object may carry votes prefetched before this one.
    fresh = Proposal.objects.select_related("coop").get(pk=proposal.pk)
    if governance_votes.everyone_voted(fresh):
        proposal_close(proposal=fresh, now=now)
    return vote


def proposal_open(**fields) -> Proposal:
    """``governance.services.proposal_open`` (same arguments), its closing task queued. A
    proposal to reverse an entry, or a budget's categories, are first checked against the
    ledger."""
    with transaction.atomic():
        if fields.get("kind") == Proposal.Kind.REVERSAL:
            _reversal_require_possible(fields["coop"], fields.get("change") or {}, fields.get("by"))
        if fields.get("kind") == Proposal.Kind.BUDGET:
            ledger_budget.budget_categories_check(fields.get("change") or {})
        change = fields.get("change") or {}
        if fields.get("kind") == Proposal.Kind.SPREAD_END:
            entry = governance_rules.spread_end_change_validate(change)["transaction"]
            ledger_endings.spread_require_live(coop=fields["coop"], transaction_id=entry)
        if fields.get("kind") == Proposal.Kind.RECURRING_END:
            cost = governance_rules.recurring_end_change_validate(change)["recurring"]
            ledger_endings.recurring_require_running(coop=fields["coop"], recurring_id=cost)
        proposal = governance.proposal_open(**fields)
        schedule_close(proposal.closes_at)
    return proposal
