"""Reads about people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from fourfold.accounts.models import TOKEN_LIFETIME, ApiToken, User, token_digest


@dataclass(frozen=True)
class TokenRow:
    id: int
    created_at: datetime
    last_used_at: datetime
    expires_at: datetime
    current: bool


def token_list(*, user: User, current_token: str | None = None) -> list[TokenRow]:
    """``user``'s live API tokens, newest first; ``current`` marks the one asking. The
    secret itself is never known again: only its digest is stored."""
    current = token_digest(current_token) if current_token else None
    rows = ApiToken.objects.filter(
        user=user, last_used_at__gt=timezone.now() - TOKEN_LIFETIME
    ).order_by("-created_at", "-pk")
    return [
        TokenRow(
            id=row.pk,
            created_at=row.created_at,
            last_used_at=row.last_used_at,
            expires_at=row.expires_at,
            current=row.digest == current,
        )
        for row in rows
    ]


def user_language(user: User | None) -> str:
    """The language to speak to ``user`` in, for what is sent to them (an e-mail, a push, the
    calendar feed) when no browser says: theirs, else the installation's."""
    return (user.language if user is not None else "") or settings.LANGUAGE_CODE
