"""Reads about co-ops, always from the point of view of one person."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fourfold.accounts.models import User
from fourfold.coops.models import Cooperative, Invitation, Membership
from fourfold.errors import NotFound

# A paused member still belongs: they see their co-op and come back to it.
MEMBER_STATUSES = (Membership.Status.ACTIVE, Membership.Status.PAUSED)


def coop_today(coop: Cooperative, *, now: datetime | None = None) -> date:
    """The co-op's own date at ``now`` (this instant by default): days, deadlines and batches
    are the co-op's local dates, whatever the server's or the reader's zone."""
    return (now or timezone.now()).astimezone(coop.zone).date()


def coops_for_user(*, user: User) -> QuerySet[Cooperative]:
    """The co-ops ``user`` belongs to, with their active member count."""
    mine = Membership.objects.filter(user=user, status__in=MEMBER_STATUSES).values("coop")
    # Filtering on the membership join itself would make the count see only ``user``'s row.
    active = Q(memberships__status=Membership.Status.ACTIVE)
    return (
        Cooperative.objects.filter(pk__in=mine)
        .annotate(active_members=Count("memberships", filter=active))
        .order_by("name", "pk")
    )


def coop_for_member(*, user: User, slug: str) -> Cooperative:
    """The co-op ``slug`` if ``user`` belongs to it; otherwise ``NotFound``, as if it did not
    exist, so nobody learns which co-ops are on the installation."""
    return _coop_with(user, slug, MEMBER_STATUSES)


def coop_left_by(*, user: User, slug: str) -> Cooperative:
    """The co-op ``slug`` if ``user`` was a member and has left it; otherwise ``NotFound``, as
    ``coop_for_member`` says. Only the settling-up pages ask (``ledger.selectors``)."""
    return _coop_with(user, slug, (Membership.Status.LEFT,))


def _coop_with(user: User, slug: str, statuses: Iterable[str]) -> Cooperative:
    if not user.is_authenticated:
        raise NotFound(_("No such co-op."))
    coop = Cooperative.objects.filter(
        slug=slug, memberships__user=user, memberships__status__in=statuses
    ).first()
    if coop is None:
        raise NotFound(_("No such co-op."))
    return coop


def has_left(*, coop: Cooperative, user: User) -> bool:
    return Membership.objects.filter(coop=coop, user=user, status=Membership.Status.LEFT).exists()


def membership_of(*, coop: Cooperative, user: User) -> Membership | None:
    return Membership.objects.filter(coop=coop, user=user).first()


def is_active_member(*, coop: Cooperative, user: User) -> bool:
    return Membership.objects.filter(coop=coop, user=user, status=Membership.Status.ACTIVE).exists()


def active_member_ids(*, coop: Cooperative) -> list[int]:
    """The user ids of the co-op's active members: the ones who produce, fund, manage and
    consume just now (a paused member does none of it)."""
    return list(
        Membership.objects.filter(coop=coop, status=Membership.Status.ACTIVE)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


def active_members(*, coop: Cooperative) -> QuerySet[User]:
    return User.objects.filter(
        memberships__coop=coop, memberships__status=Membership.Status.ACTIVE
    ).order_by("username")


def active_members_by_coop(*, coop_ids: Iterable[int]) -> dict[int, dict[int, User]]:
    """Per co-op, its active members by user id, for many co-ops in one query (every co-op
    asked for is there, one with nobody active too)."""
    wanted = set(coop_ids)
    members: dict[int, dict[int, User]] = {coop_id: {} for coop_id in wanted}
    for membership in Membership.objects.filter(
        coop_id__in=wanted, status=Membership.Status.ACTIVE
    ).select_related("user"):
        members[membership.coop_id][membership.user_id] = membership.user
    return members


def coops_with_active_members() -> QuerySet[Cooperative]:
    """The co-ops someone is active in just now: the ones with work to plan."""
    return Cooperative.objects.filter(memberships__status=Membership.Status.ACTIVE).distinct()


def member_by_username(*, coop: Cooperative, username: str) -> User | None:
    """Anyone who is or was a member of ``coop`` by that name, whatever its case: usernames
    are unique regardless of case."""
    return User.objects.filter(username__iexact=username, memberships__coop=coop).first()


def coop_members(*, coop: Cooperative, include_left: bool = False) -> QuerySet[Membership]:
    memberships = Membership.objects.filter(coop=coop).select_related("user")
    if not include_left:
        memberships = memberships.exclude(status=Membership.Status.LEFT)
    return memberships.order_by("user__username")


def invitation_for_code(*, code: str) -> Invitation:
    invitation = Invitation.objects.select_related("coop").filter(code=code).first()
    if invitation is None:
        raise NotFound(_("This invitation does not exist. Ask a member for a new link."))
    return invitation


def invitation_closed(*, invitation: Invitation, now: datetime | None = None) -> str | None:
    """Why ``invitation`` can no longer be accepted, or None while it can. An invitation
    speaks for the member who made it, so it works only while they could make it again:
    once they leave, are removed or pause, their links stop working."""
    if invitation.accepted_at is not None:
        return _("This invitation has already been used. Ask a member for a new link.")
    if invitation.expires_at <= (now or timezone.now()):
        return _("This invitation has expired. Ask a member for a new link.")
    inviter_active = Membership.objects.filter(
        coop_id=invitation.coop_id,
        user_id=invitation.created_by_id,
        status=Membership.Status.ACTIVE,
    ).exists()
    if not inviter_active:
        return _(
            "This invitation no longer works: the member who made it is no longer an active "
            "member. Ask a member for a new link."
        )
    return None
