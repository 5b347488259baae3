"""A membership changes: all four roles move together (co-ops, consumption, production),
joining a co-op that admits by vote opens the admission vote (governance), and leaving returns
a buy-in deposit (ledger)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fourfold.accounts.models import User
from fourfold.consumption import services as consumption
from fourfold.coops import services as coops
from fourfold.coops.models import Cooperative, Invitation, Membership
from fourfold.governance import services as governance
from fourfold.ledger import deposits
from fourfold.workflows import production as production_flow
from fourfold.workflows.tasks import schedule_close


def invitation_accept(*, code: str, user: User, now: datetime | None = None) -> Membership:
    """Join the invitation's co-op (co-ops). Where the members admit by vote, or the newcomer
    was removed by vote, they wait as pending and the admission vote opens (governance)."""
    now = now or timezone.now()
    with transaction.atomic():
        membership = coops.invitation_accept(code=code, user=user, now=now)
        if membership.status == Membership.Status.PENDING:
            invitation = Invitation.objects.select_related("created_by").get(code=code)
            proposal = governance.proposal_open(
                coop=membership.coop,
                by=None,
                kind="admit_member",
                subject=user,
                title=_("Admit %(name)s") % {"name": user.username},
                body=(
                    _("Invited back by %(name)s after the members removed them by vote.")
                    if membership.removed_at is not None
                    else _("Invited by %(name)s.")
                )
                % {"name": invitation.created_by},
                now=now,
            )
            schedule_close(proposal.closes_at)
    return membership


def roles_follow(*, coop: Cooperative, member: User, status: str) -> None:
    """After a membership changes: a member who left stops consuming (consumption), and the
    rotation is re-dealt among the active producers (production)."""
    if status == Membership.Status.LEFT:
        consumption.member_stop_consuming(coop=coop, member=member)
    production_flow.replan_after_membership_change(coop=coop)


def membership_pause(*, coop: Cooperative, member: User) -> Membership:
    """Pause all four roles (holiday, illness): no shares, no new shifts (the unlocked future
    ones go to others), no new costs. The balance stays as it is."""
    with transaction.atomic():
        membership = coops.membership_pause(coop=coop, member=member)
        roles_follow(coop=coop, member=member, status=membership.status)
    return membership


def membership_resume(*, coop: Cooperative, member: User) -> Membership:
    with transaction.atomic():
        membership = coops.membership_resume(coop=coop, member=member)
        roles_follow(coop=coop, member=member, status=membership.status)
    return membership


def membership_leave(*, coop: Cooperative, member: User) -> Membership:
    """Leave: shares end, future shifts go to others, the balance stays until settled, and a
    buy-in deposit comes back less what the leaver owes (ledger): leaving, having seen those
    figures, is their consent; the pool paying out the rest waits for a second member."""
    with transaction.atomic():
        membership = coops.membership_leave(coop=coop, member=member)
        roles_follow(coop=coop, member=member, status=membership.status)
        if deposits.deposit_of(coop=coop, member=member).held:
            deposits.deposit_return(coop=coop, member=member, entered_by=member)
    return membership
