"""Writes about people: signing up, logging in (throttled), API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from fourfold.accounts.models import ApiToken, LoginFailure, User
from fourfold.errors import Conflict, Invalid, Throttled

# "pool" names a co-op's shared money in the ledger's payloads.
RESERVED_USERNAMES = {"pool", "admin", "fourfold"}


def user_signup(*, username: str, email: str, password: str) -> User:
    """Create a person's account; every rule of Django's password validators applies."""
    username = username.strip()
    email = email.strip()
    probe = User(username=username, email=email)
    try:
        User.username_validator(username)
    except ValidationError as error:
        raise Invalid(" ".join(error.messages), field="username") from error
    if not username:
        raise Invalid(_("Choose a username."), field="username")
    if username.lower() in RESERVED_USERNAMES:
        raise Invalid(_("That username is reserved; choose another."), field="username")
    try:
        validate_email(email)
    except ValidationError as error:
        raise Invalid(_("Enter a valid e-mail address."), field="email") from error
    try:
        password_validation.validate_password(password, user=probe)
    except ValidationError as error:
        raise Invalid(" ".join(error.messages), field="password") from error
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(_("That username is taken."), field="username")
    if User.objects.filter(email__iexact=email).exists():
        raise Conflict(
            _("An account with that e-mail address exists; log in instead."), field="email"
        )
    try:
        with transaction.atomic():
            return User.objects.create_user(username=username, email=email, password=password)
    except IntegrityError as error:
        # Two sign-ups raced past the checks above; the constraints decided.
        raise Conflict(_("That username or e-mail address is taken.")) from error


def _throttle_check(username: str, now) -> None:
    window_start = now - timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
    failures = LoginFailure.objects.filter(username=username.lower(), at__gte=window_start)
    if failures.count() >= settings.LOGIN_FAILURE_LIMIT:
        raise Throttled(
            _("Too many failed attempts for this account. Try again in %(minutes)d minutes.")
            % {"minutes": settings.LOGIN_FAILURE_WINDOW_MINUTES}
        )


def user_login_check(*, request: HttpRequest | None, username: str, password: str) -> User | None:
    """Authenticate, refusing once an account has had too many recent failures.

    Returns the user, or None for a wrong username or password (and records the failure).
    """
    now = timezone.now()
    _throttle_check(username, now)
    user = authenticate(request, username=username, password=password)
    if user is None:
        LoginFailure.objects.create(username=username.lower(), at=now)
        return None
    LoginFailure.objects.filter(username=username.lower()).delete()
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_issue(*, user: User) -> str:
    """A new API token for ``user``; the token itself is never stored."""
    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, digest=_digest(token), created_at=timezone.now())
    return token


def token_revoke(*, token: str) -> bool:
    """End ``token`` at once (logging out of the API); False if it was not a live token."""
    deleted, _rows = ApiToken.objects.filter(digest=_digest(token)).delete()
    return bool(deleted)


def token_authenticate(*, token: str) -> User | None:
    row = ApiToken.objects.select_related("user").filter(digest=_digest(token)).first()
    if row is None or not row.user.is_active:
        return None
    return row.user
