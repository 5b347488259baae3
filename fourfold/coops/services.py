"""Writes about co-ops: founding one, inviting neighbours, joining."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fourfold.accounts.models import User
from fourfold.coops.audit import audit_record
from fourfold.coops.models import Cooperative, Invitation, Membership
from fourfold.coops.selectors import coop_today, invitation_closed, is_active_member
from fourfold.errors import Conflict, Invalid, NotFound, PrincipleViolation
from fourfold.lib.dates import is_time_zone, normalise_cadence, parse_cadence
from fourfold.lib.language import plural_guess
from fourfold.lib.money import decimal_from_text, exponent_of, is_currency

INVITATION_LIFETIME = timedelta(days=14)
RESERVED_SLUGS = {"new", "api", "static", "admin", "accounts", "invite"}


@dataclass(frozen=True)
class CoopFields:
    """What a founder chooses; everything after founding changes by proposal."""

    slug: str
    name: str
    product: str
    unit: str
    cadence: str
    target_quantity: int
    producers_per_batch: int
    currency: str
    commercial_unit_price: Decimal
    diy_minutes_per_unit: Decimal
    timezone: str = "UTC"
    # Blank: guessed from ``unit`` ("quart" → "quarts"); the founder may correct it.
    unit_plural: str = ""
    # "good" or "service": which words its pages, e-mails and calendar use.
    kind: str = "good"


def _decimal(value, field: str, *, money: bool = False) -> Decimal:
    if isinstance(value, float) and not money:
        # A quantity (minutes) may come as a JSON number; money never does.
        value = repr(value)
    try:
        number = decimal_from_text(value)
    except ValueError as error:
        raise Invalid(_("Enter a number."), field=field) from error
    if not number.is_finite():
        raise Invalid(_("Enter a number."), field=field)
    return number


def _whole(value, field: str) -> int:
    """A whole number, given as one or as its digits; never a bool, a fraction or a word."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise Invalid(_("Enter a whole number."), field=field)
    text = str(value).strip()
    if not text.lstrip("-").isdigit():
        raise Invalid(_("Enter a whole number."), field=field)
    return int(text)


def coop_validate(fields: CoopFields) -> CoopFields:
    """Check and normalise a co-op's fields; raises ``Invalid`` naming the field at fault."""
    slug = fields.slug.strip().lower()
    try:
        validate_slug(slug)
    except ValidationError as error:
        raise Invalid(_("Use letters, numbers, hyphens or underscores."), field="slug") from error
    if not slug or len(slug) > 50:
        raise Invalid(_("Use 1 to 50 characters."), field="slug")
    if slug in RESERVED_SLUGS:
        raise Invalid(_("That short name is reserved; choose another."), field="slug")
    for field in ("name", "product", "unit"):
        if not getattr(fields, field).strip():
            raise Invalid(_("This field is required."), field=field)
    limits = {"name": 120, "product": 120, "unit": 40, "unit_plural": 40}
    for field, limit in limits.items():
        if len(getattr(fields, field).strip()) > limit:
            raise Invalid(_("Use at most %(n)d characters.") % {"n": limit}, field=field)
    unit_plural = fields.unit_plural.strip() or plural_guess(fields.unit)[:40]
    if fields.kind not in Cooperative.Kind.values:
        raise Invalid(_("Choose a good or a service."), field="kind")
    if not is_time_zone(fields.timezone):
        raise Invalid(
            _("Unknown time zone; use a name such as America/New_York."), field="timezone"
        )
    try:
        parse_cadence(fields.cadence, tz=fields.timezone)
    except ValueError as error:
        raise Invalid(
            _(
                "Unknown cadence rule: %(reason)s. Every Sunday, for example, is "
                "FREQ=WEEKLY;BYDAY=SU."
            )
            % {"reason": error},
            field="cadence",
        ) from error
    target = _whole(fields.target_quantity, "target_quantity")
    producers = _whole(fields.producers_per_batch, "producers_per_batch")
    if target <= 0:
        raise Invalid(_("The target quantity must be at least 1."), field="target_quantity")
    if producers <= 0:
        raise Invalid(_("A batch needs at least one producer."), field="producers_per_batch")
    if producers > 50:
        raise Invalid(_("At most 50 producers per batch."), field="producers_per_batch")
    if target > 1_000_000:
        raise Invalid(_("At most 1,000,000 units per batch."), field="target_quantity")
    currency = fields.currency.strip().upper()
    if not is_currency(currency):
        raise Invalid(
            _("Unknown currency; use an ISO 4217 code such as USD or EUR."), field="currency"
        )
    price = _decimal(fields.commercial_unit_price, "commercial_unit_price", money=True)
    if price < 0 or price >= Decimal("1e10") or exponent_of(price) < -4:
        raise Invalid(
            _("Enter a price from 0 up to 9,999,999,999 with at most 4 decimals."),
            field="commercial_unit_price",
        )
    minutes = _decimal(fields.diy_minutes_per_unit, "diy_minutes_per_unit")
    if minutes < 0 or minutes >= Decimal("1e6") or exponent_of(minutes) < -2:
        raise Invalid(
            _("Enter minutes from 0 up to 999,999 with at most 2 decimals."),
            field="diy_minutes_per_unit",
        )
    return CoopFields(
        slug=slug,
        name=fields.name.strip(),
        product=fields.product.strip(),
        unit=fields.unit.strip(),
        unit_plural=unit_plural,
        kind=fields.kind,
        cadence=normalise_cadence(fields.cadence),
        timezone=fields.timezone,
        target_quantity=target,
        producers_per_batch=producers,
        currency=currency,
        commercial_unit_price=price,
        diy_minutes_per_unit=minutes,
    )


def coop_found(*, founder: User, fields: CoopFields, now: datetime | None = None) -> Cooperative:
    """Found a co-op; the founder becomes its first member, with no powers beyond that."""
    clean = coop_validate(fields)
    if Cooperative.objects.filter(slug=clean.slug).exists():
        raise Conflict(_("A co-op with that short name exists; choose another."), field="slug")
    now = now or timezone.now()
    try:
        with transaction.atomic():
            coop = Cooperative.objects.create(**clean.__dict__, founded_by=founder, founded_at=now)
            Membership.objects.create(
                coop=coop,
                user=founder,
                status=Membership.Status.ACTIVE,
                joined_on=coop_today(coop, now=now),
            )
            audit_record(coop=coop, actor=founder, action="coop.founded", at=now, slug=coop.slug)
    except IntegrityError as error:
        # Another founder took the slug between our check and our insert.
        raise Conflict(
            _("A co-op with that short name exists; choose another."), field="slug"
        ) from error
    return coop


def member_require_active(
    *, coop: Cooperative, user: User, action: str, principle: str = "members_only"
) -> None:
    """Refuse ``action`` (in the co-op's words: "vote", "plan production") to anyone who is not
    an active member of ``coop`` just now, naming the principle it would break."""
    if not is_active_member(coop=coop, user=user):
        raise PrincipleViolation(
            principle,
            _("%(name)s is not an active member; only active members %(action)s.")
            % {"name": user.username, "action": action},
        )


def invitation_create(*, coop: Cooperative, by: User, now: datetime | None = None) -> Invitation:
    """A single-use invitation link, valid for two weeks. Any active member may make one."""
    if not is_active_member(coop=coop, user=by):
        raise Conflict(_("Only active members can invite; resume your membership first."))
    now = now or timezone.now()
    with transaction.atomic():
        invitation = Invitation.objects.create(
            coop=coop,
            code=secrets.token_urlsafe(24),
            created_by=by,
            created_at=now,
            expires_at=now + INVITATION_LIFETIME,
        )
        audit_record(
            coop=coop, actor=by, action="invitation.created", at=now, invitation=invitation.pk
        )
    return invitation


def invitation_accept(*, code: str, user: User, now: datetime | None = None) -> Membership:
    """Join the invitation's co-op. The code is spent only when someone actually joins. The
    admission vote, where there is one, is opened by ``workflows.membership``."""
    now = now or timezone.now()
    with transaction.atomic():
        # The row lock makes two people racing for one code queue: the second finds it spent.
        invitation = (
            Invitation.objects.select_for_update().select_related("coop").filter(code=code).first()
        )
        if invitation is None:
            raise NotFound(_("This invitation does not exist. Ask a member for a new link."))
        closed = invitation_closed(invitation=invitation, now=now)
        if closed is not None:
            raise Conflict(closed)
        coop = invitation.coop
        membership = Membership.objects.select_for_update().filter(coop=coop, user=user).first()
        if membership is not None and membership.status != Membership.Status.LEFT:
            raise Conflict(_("You are already a member of %(coop)s.") % {"coop": coop.name})
        today = coop_today(coop, now=now)
        # Admission by vote: the newcomer waits as pending until the members pass it. Someone
        # the members removed by vote comes back only by vote too, whatever the admission
        # rule: one member's link does not undo a decision of all of them.
        removed = membership is not None and membership.removed_at is not None
        by_vote = coop.admission_mode == Cooperative.Admission.VOTE or removed
        status = Membership.Status.PENDING if by_vote else Membership.Status.ACTIVE
        if membership is None:
            membership = Membership.objects.create(
                coop=coop, user=user, joined_on=today, status=status
            )
        else:
            membership.status = status
            membership.joined_on = today
            membership.save(update_fields=["status", "joined_on"])
        if status == Membership.Status.ACTIVE and membership.buy_in_minor != coop.buy_in_minor:
            membership.buy_in_minor = coop.buy_in_minor
            membership.save(update_fields=["buy_in_minor"])
        invitation.accepted_by = user
        invitation.accepted_at = now
        invitation.save(update_fields=["accepted_by", "accepted_at"])
        audit_record(
            coop=coop, actor=user, action="membership.joined", at=now, invitation=invitation.pk
        )
    return membership


def _membership_change(coop: Cooperative, member: User, *, to: str, action: str) -> Membership:
    with transaction.atomic():
        membership = Membership.objects.select_for_update().filter(coop=coop, user=member).first()
        if membership is None or membership.status == Membership.Status.LEFT:
            raise NotFound(_("You are not a member of this co-op."))
        if membership.status == to:
            raise Conflict(
                _("Your membership is already %(status)s.")
                % {"status": membership.get_status_display()}
            )
        membership.status = to
        membership.save(update_fields=["status"])
        audit_record(coop=coop, actor=member, action=action)
    return membership


def membership_pause(*, coop: Cooperative, member: User) -> Membership:
    """Pause all four roles (holiday, illness): no shares, no new shifts (the unlocked future
    ones go to others), no new costs. The balance stays as it is."""
    return _membership_change(coop, member, to=Membership.Status.PAUSED, action="membership.paused")


def membership_resume(*, coop: Cooperative, member: User) -> Membership:
    return _membership_change(
        coop, member, to=Membership.Status.ACTIVE, action="membership.resumed"
    )


def membership_leave(*, coop: Cooperative, member: User) -> Membership:
    """Leave: shares end, future shifts go to others, the balance stays until settled."""
    return _membership_change(coop, member, to=Membership.Status.LEFT, action="membership.left")
