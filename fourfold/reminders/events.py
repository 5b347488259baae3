"""Notifications driven by the audit trail: every state change writes an AuditEvent, so the
domains below tell nobody themselves (they may not import this layer), and a change that is
rolled back leaves no row and tells no one."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from fourfold.consumption import selectors as consumption_selectors
from fourfold.coops.models import AuditEvent
from fourfold.coops.selectors import active_member_ids
from fourfold.governance.models import Proposal
from fourfold.ledger.models import ConsentAsk, Transaction
from fourfold.production.models import Batch, Shift
from fourfold.reminders import services
from fourfold.reminders.models import Notification

Kind = Notification.Kind


@dataclass(frozen=True)
class Tell:
    """Who should hear of what."""

    kind: str
    subject: str
    params: dict[str, object]
    member_ids: list[int] = field(default_factory=list)
    # What differs from member to member (their units of a batch), told in the same breath.
    params_of: dict[int, dict[str, object]] = field(default_factory=dict)


def _name(event: AuditEvent) -> str | None:
    return event.actor.username if event.actor is not None else None


def _others(event: AuditEvent) -> list[int]:
    return [pk for pk in active_member_ids(coop=event.coop) if pk != event.actor_id]


def _opened(event: AuditEvent) -> list[Tell]:
    proposal = (
        Proposal.objects.filter(coop=event.coop, pk=event.data["proposal"])
        .select_related("subject")
        .first()
    )
    if proposal is None:
        return []
    subject = str(proposal.pk)
    if proposal.kind == Proposal.Kind.ADMIT_MEMBER and proposal.subject is not None:
        # The newcomer waits as pending: not an active member, so not told of their own vote.
        params: dict[str, object] = {"proposal": proposal.pk, "name": proposal.subject.username}
        return [Tell(Kind.ADMISSION, subject, params, _others(event))]
    params = {"proposal": proposal.pk, "title": proposal.title, "by": _name(event)}
    return [Tell(Kind.PROPOSAL, subject, params, _others(event))]


def _shift(event: AuditEvent) -> Shift | None:
    return (
        Shift.objects.filter(batch__coop=event.coop, pk=event.data["shift"])
        .select_related("batch")
        .first()
    )


def _swap_offered(event: AuditEvent) -> list[Tell]:
    shift = _shift(event)
    if shift is None:
        return []
    on_it = set(
        Shift.objects.filter(batch=shift.batch, member__isnull=False).values_list(
            "member_id", flat=True
        )
    )
    params = {"shift": shift.pk, "day": shift.batch.date.isoformat(), "by": _name(event)}
    # Each offer is news, also a second offer of the same shift after the first was withdrawn.
    subject = f"{shift.pk}:{event.pk}"
    members = [pk for pk in _others(event) if pk not in on_it]
    return [Tell(Kind.SWAP_OFFERED, subject, params, members)]


def _swap_taken(event: AuditEvent) -> list[Tell]:
    shift = _shift(event)
    if shift is None or not event.data.get("from_member"):
        return []
    params = {"shift": shift.pk, "day": shift.batch.date.isoformat(), "by": _name(event)}
    return [Tell(Kind.SWAP_TAKEN, str(event.pk), params, [event.data["from_member"]])]


def _missed(event: AuditEvent) -> list[Tell]:
    batch = Batch.objects.filter(coop=event.coop, pk=event.data["batch"]).first()
    if batch is None:
        return []
    params = {
        "event": "missed",
        "batch": batch.pk,
        "day": batch.date.isoformat(),
        "reason": batch.missed_reason,
    }
    return [Tell(Kind.BATCH, f"missed:{batch.pk}", params, _others(event))]


def _rules_followed(event: AuditEvent) -> list[Tell]:
    removed = int(event.data.get("removed") or 0)
    if not removed:  # the same days, only more or fewer places: nobody's plans move
        return []
    params = {"event": "moved", "removed": removed}
    return [Tell(Kind.BATCH, f"moved:{event.pk}", params, _others(event))]


def _allocated(event: AuditEvent) -> list[Tell]:
    batch = Batch.objects.filter(coop=event.coop, pk=event.data["batch"]).first()
    if batch is None:
        return []
    active = set(active_member_ids(coop=event.coop))
    units = {
        allocation.member_id: allocation.units
        for allocation in consumption_selectors.allocations(batch=batch)
        if allocation.units and allocation.member_id in active
    }
    params = {"batch": batch.pk, "day": batch.date.isoformat()}
    return [
        Tell(
            Kind.SHARE_READY,
            str(batch.pk),
            params,
            sorted(units),
            {member_id: {"units": count} for member_id, count in units.items()},
        )
    ]


def _awaiting(event: AuditEvent) -> list[Tell]:
    entry = Transaction.objects.filter(coop=event.coop, pk=event.data["transaction"]).first()
    if entry is None:
        return []
    # Named members only: the pool's ask (any second member) is no one's own to answer.
    asked = list(
        ConsentAsk.objects.filter(transaction=entry, member__isnull=False)
        .exclude(member_id=event.actor_id)
        .values_list("member_id", flat=True)
    )
    kind = Kind.SETTLE_UP if entry.kind == Transaction.Kind.TRANSFER else Kind.ENTRY
    params = {"transaction": entry.pk, "amount": str(entry.amount), "by": _name(event)}
    return [Tell(kind, str(entry.pk), params, asked)]


def tells_of(event: AuditEvent) -> list[Tell]:
    """What ``event`` should tell, and whom."""
    action, data = event.action, event.data
    if action == "governance.opened":
        return _opened(event)
    if action == "production.swap_offered":
        return _swap_offered(event)
    if action == "production.swap_taken":
        return _swap_taken(event)
    if action == "production.missed":
        return _missed(event)
    if action == "production.rules_followed":
        return _rules_followed(event)
    if action == "consumption.allocated":
        return _allocated(event)
    if action == "ledger.reversal_requested" or (
        action.startswith("ledger.") and data.get("awaiting")
    ):
        return _awaiting(event)
    return []


def event_notify(event: AuditEvent) -> None:
    """Tell what ``event`` calls for. Run after its transaction committed."""
    for tell in tells_of(event):
        if tell.member_ids:
            services.notify(
                coop=event.coop,
                kind=tell.kind,
                subject=tell.subject,
                params=tell.params,
                member_ids=tell.member_ids,
                params_of=tell.params_of,
            )


def audit_event_saved(sender, instance: AuditEvent, created: bool, **kwargs) -> None:
    """post_save of AuditEvent: the telling waits for the commit, so a rolled-back change
    tells no one, and the e-mail never holds the change's transaction open."""
    if created and not kwargs.get("raw"):
        # Robust: the change is committed whatever happens here; a failure to tell is logged.
        transaction.on_commit(lambda: event_notify(instance), robust=True)
