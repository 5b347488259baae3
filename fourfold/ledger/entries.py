"""Entries that arrive whole (an import, a retried API call): sides by name, posted once per key."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fourfold.accounts.models import User
from fourfold.coops.models import Cooperative
from fourfold.coops.selectors import coop_today, member_by_username
from fourfold.coops.vocabulary import service_or_good
from fourfold.errors import Conflict, Invalid, PrincipleViolation
from fourfold.ledger.models import IdempotencyKey, Transaction
from fourfold.ledger.principles import POOL
from fourfold.ledger.retry import retry_on_conflict
from fourfold.ledger.services import contribution_post, expense_post, transfer_post
from fourfold.production.models import Batch


def _fingerprint(payload: Mapping) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def idempotent(
    *, coop: Cooperative, key: str | None, payload: Mapping, post
) -> tuple[Transaction, bool]:
    """Run ``post()`` once per ``Idempotency-Key``: a retry gets the first transaction back.

    Returns the transaction and whether it was posted now. The key row is written in the same
    database transaction as the posting; a concurrent duplicate hits the unique constraint,
    rolls its own posting back and returns the winner's transaction.
    """
    if not key:
        return post(), True  # the service retries its own transaction
    if len(key) > 255:
        raise Invalid(_("An Idempotency-Key has at most 255 characters."))
    return _once_per_key(coop=coop, key=key, fingerprint=_fingerprint(payload), post=post)


@retry_on_conflict
def _once_per_key(
    *, coop: Cooperative, key: str, fingerprint: str, post
) -> tuple[Transaction, bool]:
    # The key row and the posting share one transaction, so it is this one that retries.
    existing = (
        IdempotencyKey.objects.filter(coop=coop, key=key).select_related("transaction").first()
    )
    if existing is None:
        try:
            with transaction.atomic():
                posted = post()
                IdempotencyKey.objects.create(
                    coop=coop,
                    key=key,
                    fingerprint=fingerprint,
                    transaction=posted,
                    created_at=timezone.now(),
                )
            return posted, True
        except IntegrityError:
            existing = (
                IdempotencyKey.objects.select_related("transaction")
                .filter(coop=coop, key=key)
                .first()
            )
            if existing is None:
                raise
    if existing.fingerprint != fingerprint:
        raise Conflict(_("This Idempotency-Key was used for a different request."))
    return existing.transaction, False


def _resolve(coop: Cooperative, username: str | None, *, principle: str, role: str) -> User:
    """The member named ``username``; a name that is no member of this co-op is refused by
    the principle at stake, without telling whether such an account exists elsewhere."""
    user = member_by_username(coop=coop, username=username or "")
    if user is None:
        raise PrincipleViolation(
            principle,
            _("%(name)s is not a member of this co-op (%(role)s).")
            % {"name": username, "role": role},
        )
    return user


def _batch(coop: Cooperative, batch_id: int | None) -> Batch | None:
    if batch_id is None:
        return None
    found = Batch.objects.filter(coop=coop, pk=batch_id).first()
    if found is None:
        raise Invalid(
            service_or_good(
                coop, _("No such batch in this co-op."), _("No such session in this co-op.")
            ),
            field="batch",
        )
    return found


def _check_occurred_on(coop: Cooperative, occurred_on: date) -> None:
    """Money changes hands within the co-op's life: not before it was founded, not ahead."""
    today = coop_today(coop)
    if occurred_on > today:
        raise Invalid(_("Record money when it has changed hands, not ahead."), field="occurred_on")
    founded = coop.founded_at.astimezone(coop.zone).date()
    if occurred_on < founded:
        raise Invalid(
            _("The co-op was founded on %(date)s; money it holds changed hands since.")
            % {"date": founded.isoformat()},
            field="occurred_on",
        )


def entry_record(
    *,
    coop: Cooperative,
    entered_by: User,
    kind: str,
    amount,
    payer: str | None = None,
    payee: str | None = None,
    category: str | None = None,
    split: list[str] | Mapping[str, Decimal | int | str] | None = None,
    description: str = "",
    supplier: str = "",
    source: str = "",
    occurred_on: date | None = None,
    batch: int | None = None,
    proposal: int | None = None,
    confirm_large: bool = False,
    currency: str | None = None,
    declare: str | None = "",
    spread: Mapping[str, int] | None = None,
) -> Transaction:
    """Record what a member tells the ledger, naming people by username.

    ``payer`` defaults to the member entering it; ``"pool"`` names the co-op's pool (an
    expense paid from it, or a transfer out of it). ``split`` (expenses only) is a list of
    usernames sharing equally or ``{username: weight}``. ``currency``, if given, must be the
    co-op's: nothing is converted. ``declare`` names the principle the member declares the
    entry keeps when its words were asked about (``PrincipleCheck``). ``spread``
    (expenses only, ``{"batches": N}``) charges the cost a part per batch made.
    """
    declare = declare or ""

    def side(name: str | None, role: str, principle: str) -> User | None:
        if name is None:
            return entered_by
        if not name.strip():
            raise Invalid(
                _('Name the %(role)s by username, or "pool".') % {"role": role}, field=role
            )
        if name.strip().lower() == POOL:
            return None
        return _resolve(coop, name.strip(), principle=principle, role=role)

    if currency is not None and currency.strip().upper() != coop.currency:
        raise Invalid(
            _("This co-op keeps its books in %(currency)s; nothing is converted.")
            % {"currency": coop.currency},
            field="currency",
        )
    if occurred_on is not None:
        _check_occurred_on(coop, occurred_on)
    if split is not None and kind != Transaction.Kind.EXPENSE:
        raise Invalid(_("Only an expense is split among members."), field="split")
    if spread is not None and kind != Transaction.Kind.EXPENSE:
        raise Invalid(
            service_or_good(
                coop,
                _("Only an expense is spread over batches."),
                _("Only an expense is spread over sessions."),
            ),
            field="spread",
        )
    if kind == Transaction.Kind.CONTRIBUTION:
        member = side(payer, "payer", "self_funded")
        if member is None:
            raise Invalid(
                _("A contribution comes from a member, not from the pool."), field="payer"
            )
        return contribution_post(
            coop=coop,
            payer=member,
            amount=amount,
            entered_by=entered_by,
            description=description,
            source=source or category or "",
            occurred_on=occurred_on,
            confirm_large=confirm_large,
            declare=declare,
        )
    if kind == Transaction.Kind.EXPENSE:
        weights = None
        if split is not None:
            pairs = split.items() if isinstance(split, Mapping) else ((name, 1) for name in split)
            weights = {}
            for name, weight in pairs:
                member = _resolve(coop, name, principle="members_only", role="split")
                if member in weights:
                    # "bob" twice (or "bob" and "Bob") would silently count once.
                    raise Invalid(
                        _("%(name)s is named twice in the split.") % {"name": member.username},
                        field="split",
                    )
                weights[member] = weight
        return expense_post(
            coop=coop,
            payer=side(payer, "payer", "self_funded"),
            amount=amount,
            category=category or "",
            entered_by=entered_by,
            supplier=supplier,
            description=description,
            split=weights,
            occurred_on=occurred_on,
            batch=_batch(coop, batch),
            proposal=proposal,
            confirm_large=confirm_large,
            declare=declare,
            spread=spread,
        )
    if kind == Transaction.Kind.TRANSFER:
        if payee is None:
            raise Invalid(_("Name who receives the transfer."), field="payee")
        return transfer_post(
            coop=coop,
            payer=side(payer, "payer", "self_funded"),
            payee=side(payee, "payee", "self_funded"),
            amount=amount,
            entered_by=entered_by,
            description=description,
            occurred_on=occurred_on,
            declare=declare,
        )
    raise Invalid(_("Choose a kind: contribution, expense or transfer."), field="kind")
