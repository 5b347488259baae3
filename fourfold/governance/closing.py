"""A proposal closed: decided by its threshold, and what passed applied to the co-op's rules."""

from __future__ import annotations

import math
from datetime import datetime
from fractions import Fraction

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fourfold.coops.audit import audit_record
from fourfold.coops.models import Cooperative, Membership
from fourfold.coops.selectors import coop_today
from fourfold.governance.models import Proposal
from fourfold.governance.rules import rule_change_validate, rule_value
from fourfold.governance.votes import tally
from fourfold.lib.irv import instant_runoff


def quorum_needed(*, coop: Cooperative, eligible: int) -> int:
    """How many of the ``eligible`` members must vote for a proposal to be decided at all."""
    return math.ceil(eligible * coop.quorum_percent / 100)


def agree_share(*, coop: Cooperative) -> Fraction:
    """The share of agree, among the members who took a side (agree or disagree), a proposal
    needs to pass: 2/3 means at least two thirds."""
    return Fraction(coop.threshold)


def _decide(proposal: Proposal, counts: dict) -> tuple[bool, str]:
    coop = proposal.coop
    needed = quorum_needed(coop=coop, eligible=counts["eligible"])
    if counts["voted"] < needed:
        return False, _("failed: quorum %(voted)d of %(eligible)d voted, %(needed)d needed.") % {
            "voted": counts["voted"],
            "eligible": counts["eligible"],
            "needed": needed,
        }
    if proposal.kind == Proposal.Kind.CHOICE:
        ballots = [v.ranking for v in counts["counted"].values()]
        result = instant_runoff(proposal.options, ballots)
        proposal.result["rounds"] = [
            {"counts": r.counts, "eliminated": r.eliminated, "why": r.why} for r in result.rounds
        ]
        if result.winner is None:
            return False, _("failed: no option was ranked.")
        proposal.result["winner"] = result.winner
        return True, ngettext(
            "chosen: %(winner)s after %(n)d round of instant runoff.",
            "chosen: %(winner)s after %(n)d rounds of instant runoff.",
            len(result.rounds),
        ) % {
            "winner": result.winner,
            "n": len(result.rounds),
        }
    positions = counts["positions"]
    if positions["block"]:
        return False, ngettext(
            "failed: blocked by %(n)d member.",
            "failed: blocked by %(n)d members.",
            positions["block"],
        ) % {"n": positions["block"]}
    share = agree_share(coop=coop)
    deciding = positions["agree"] + positions["disagree"]
    if deciding == 0 or positions["agree"] < share * deciding:
        return False, _(
            "failed: %(agree)d agree of %(deciding)d who took a side, %(share)s needed."
        ) % {"agree": positions["agree"], "deciding": deciding, "share": coop.threshold}
    return True, _(
        "passed: %(agree)d agree of %(deciding)d who took a side (%(share)s "
        "needed), %(voted)d of %(eligible)d voted."
    ) % {
        "agree": positions["agree"],
        "deciding": deciding,
        "share": coop.threshold,
        "voted": counts["voted"],
        "eligible": counts["eligible"],
    }


def proposal_close(*, proposal: Proposal, now: datetime | None = None) -> Proposal:
    """Count, decide, explain and, if it passed, apply — all at once. Closing twice does
    nothing the second time. What follows in the other domains (the batches after a rule
    change, the roles of a member removed) is ``workflows.decisions.proposal_close``'s."""
    now = now or timezone.now()
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().select_related("coop").get(pk=proposal.pk)
        if proposal.status != Proposal.Status.OPEN:
            return proposal
        counts = tally(proposal, now)
        passed, outcome = _decide(proposal, counts)
        proposal.result.update(
            {
                "eligible": counts["eligible"],
                "voted": counts["voted"],
                "by_proxy": counts["by_proxy"],
                "positions": counts["positions"],
            }
        )
        if passed:
            _apply(proposal, now)
        elif proposal.kind == Proposal.Kind.ADMIT_MEMBER:
            # Not admitted: the applicant is no longer waiting, and may be invited again.
            Membership.objects.filter(
                coop=proposal.coop, user=proposal.subject, status=Membership.Status.PENDING
            ).update(status=Membership.Status.LEFT)
        proposal.status = Proposal.Status.PASSED if passed else Proposal.Status.FAILED
        proposal.outcome = outcome
        proposal.closed_at = now
        proposal.save(update_fields=["status", "outcome", "closed_at", "result"])
        audit_record(
            coop=proposal.coop,
            actor=None,
            action="governance.closed",
            at=now,
            proposal=proposal.pk,
            status=proposal.status,
            outcome=outcome,
        )
    return proposal


def _apply(proposal: Proposal, now: datetime) -> None:
    coop = Cooperative.objects.select_for_update().get(pk=proposal.coop_id)
    if proposal.kind == Proposal.Kind.RULE_CHANGE:
        # Validated again: another rule change may have passed since this one opened.
        change = rule_change_validate(coop, proposal.change)
        before = {rule: rule_value(coop, rule) for rule in change}
        for rule, value in change.items():
            setattr(coop, rule, value)
        coop.save(update_fields=list(change))
        proposal.result["before"] = {
            k: str(v) if v is not None else None for k, v in before.items()
        }
        proposal.result["after"] = {k: str(v) if v is not None else None for k, v in change.items()}
    elif proposal.kind == Proposal.Kind.BUDGET:
        # In force from the month it passes, in the co-op's calendar, until another passes.
        month = coop_today(coop, now=now).replace(day=1)
        proposal.result["from"] = month.isoformat()
        audit_record(
            coop=coop,
            actor=None,
            action="governance.budget_adopted",
            at=now,
            proposal=proposal.pk,
            month=month.isoformat(),
            lines=proposal.change.get("lines", []),
        )
    elif proposal.kind == Proposal.Kind.ADMIT_MEMBER:
        admitted = Membership.objects.filter(
            coop=coop, user=proposal.subject, status=Membership.Status.PENDING
        ).update(
            status=Membership.Status.ACTIVE,
            joined_on=coop_today(coop, now=now),
            removed_at=None,
            buy_in_minor=coop.buy_in_minor,
        )
        if admitted:
            audit_record(
                coop=coop,
                actor=None,
                action="membership.admitted",
                at=now,
                member=proposal.subject_id,
            )
    elif proposal.kind == Proposal.Kind.REMOVE_MEMBER:
        membership = Membership.objects.filter(coop=coop, user=proposal.subject).first()
        if membership and membership.status != Membership.Status.LEFT:
            membership.status = Membership.Status.LEFT
            membership.removed_at = now
            membership.save(update_fields=["status", "removed_at"])
            audit_record(
                coop=coop,
                actor=None,
                action="membership.removed",
                at=now,
                member=proposal.subject_id,
            )
