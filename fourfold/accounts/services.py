"""Writes about people: signing up, logging in (throttled), API tokens, password resets."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from fourfold.accounts.models import (
    TOKEN_LIFETIME,
    ApiToken,
    KnownAddress,
    LoginFailure,
    PasswordResetRequest,
    User,
    token_digest,
)
from fourfold.errors import Conflict, Invalid, NotFound, Throttled
from fourfold.lib.usernames import username_mixes_scripts, username_normalise, username_skeleton

# "pool" names a co-op's shared money in the ledger's payloads.
RESERVED_USERNAMES = {"pool", "admin", "fourfold"}

# A token's last use is written at most this often: a write per request would be too many.
TOKEN_TOUCH_EVERY = timedelta(hours=1)


def user_signup(*, username: str, email: str, password: str) -> User:
    """Create a person's account; every rule of Django's password validators applies.

    A username is stored NFKC-normalised and refused when it mixes scripts or looks like one
    taken (fourfold.lib.usernames). A taken e-mail address is refused without saying that an
    account has it.
    """
    username = username_normalise(username)
    email = email.strip()
    probe = User(username=username, email=email)
    try:
        User.username_validator(username)
    except ValidationError as error:
        raise Invalid(" ".join(error.messages), field="username") from error
    if not username:
        raise Invalid(_("Choose a username."), field="username")
    skeleton = username_skeleton(username)
    if skeleton in {username_skeleton(reserved) for reserved in RESERVED_USERNAMES}:
        raise Invalid(_("That username is reserved; choose another."), field="username")
    if username_mixes_scripts(username):
        raise Invalid(
            _("That username mixes alphabets (such as Latin and Cyrillic); write it in one."),
            field="username",
        )
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
    if User.objects.filter(username_skeleton=skeleton).exists():
        raise Conflict(
            _("That username looks too much like one that is taken; choose another."),
            field="username",
        )
    if User.objects.filter(email__iexact=email).exists():
        # Neutral: not "an account has that address", which tells a stranger who is here.
        raise Conflict(
            _(
                "That e-mail address cannot be used for a new account. If it is yours, log in "
                "or reset your password."
            ),
            field="email",
        )
    try:
        with transaction.atomic():
            return User.objects.create_user(username=username, email=email, password=password)
    except IntegrityError as error:
        # Two sign-ups raced past the checks above; the constraints decided.
        raise Conflict(_("That username or e-mail address is taken.")) from error


def client_address(request: HttpRequest | None) -> str:
    """The address a request comes from: ``REMOTE_ADDR``. Behind a reverse proxy that is the
    proxy's own address, so every client shares one; such a proxy must set ``REMOTE_ADDR``
    from the client (gunicorn's ``--forwarded-allow-ips`` does not; a middleware would)."""
    if request is None:
        return ""
    return (request.META.get("REMOTE_ADDR") or "")[:45]


def _window_start(now: datetime) -> datetime:
    return now - timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)


def _login_known(*, username: str, address: str, device_user_id: int | None) -> bool:
    """The owner's own ground: a browser they logged in with, or an address they did."""
    user = User.objects.filter(username__iexact=username).only("pk").first()
    if user is None:
        return False
    if device_user_id is not None and device_user_id == user.pk:
        return True
    return bool(address) and KnownAddress.objects.filter(user=user, address=address).exists()


def _throttle_check(*, attempt: LoginFailure, device_user_id: int | None, now: datetime) -> None:
    """Refuse ``attempt`` (already written) when there were too many failures around it.

    Three counts, one query: this username from this address (a guesser), this address across
    usernames (password spraying), and this username from everywhere (many guessers), which
    spares the owner's own browser and addresses so a stranger cannot lock them out.
    """
    key, address = attempt.username, attempt.address
    recent = LoginFailure.objects.filter(at__gte=_window_start(now))
    wanted = {
        "pair": Count("pk", filter=Q(username=key, address=address)),
        "by_username": Count("pk", filter=Q(username=key)),
    }
    if address:
        recent = recent.filter(Q(username=key) | Q(address=address))
        wanted["by_address"] = Count("pk", filter=Q(address=address))
    else:
        recent = recent.filter(username=key)
    counts: dict[str, int] = {"by_address": 0, **recent.aggregate(**wanted)}
    minutes = settings.LOGIN_FAILURE_WINDOW_MINUTES
    if counts["pair"] > settings.LOGIN_FAILURE_LIMIT:
        raise Throttled(
            _("Too many failed attempts for this account. Try again in %(minutes)d minutes.")
            % {"minutes": minutes}
        )
    if counts["by_address"] > settings.LOGIN_ADDRESS_FAILURE_LIMIT:
        raise Throttled(
            _("Too many failed attempts from your address. Try again in %(minutes)d minutes.")
            % {"minutes": minutes}
        )
    if counts["by_username"] > settings.LOGIN_ACCOUNT_FAILURE_LIMIT and not _login_known(
        username=key, address=address, device_user_id=device_user_id
    ):
        raise Throttled(
            _(
                "Too many failed attempts for this account. Try again in %(minutes)d minutes, "
                "or from a device you have logged in with before."
            )
            % {"minutes": minutes}
        )


def user_login_check(
    *,
    request: HttpRequest | None,
    username: str,
    password: str,
    device_user_id: int | None = None,
) -> User | None:
    """Authenticate, refusing a client that has had too many recent failures.

    Returns the user, or None for a wrong username or password (the failure stays recorded).
    ``device_user_id`` names the person a browser last logged in as (the web's signed
    known-device cookie). Must not run inside a transaction: see below.
    """
    now = timezone.now()
    address = client_address(request)
    # The attempt is written, and (in autocommit) committed, before the count, and the count
    # includes it: of concurrent guesses, the one committed k-th sees at least k rows, so no
    # more than the limit of them reach the password check. Counting first and writing after
    # let 9 of 30 concurrent guesses through a limit of 5.
    attempt = LoginFailure.objects.create(username=username.lower(), address=address, at=now)
    try:
        _throttle_check(attempt=attempt, device_user_id=device_user_id, now=now)
    except Throttled:
        # A refused attempt was never checked: it does not prolong the refusal.
        attempt.delete()
        raise
    user = authenticate(request, username=username, password=password)
    if user is None:
        return None
    # The owner's own slips from here are forgiven; a stranger's elsewhere are not.
    LoginFailure.objects.filter(username=username.lower(), address=address).delete()
    if address:
        KnownAddress.objects.update_or_create(
            user=user, address=address, defaults={"last_login_at": now}
        )
    return user


def password_reset_allowed(*, email: str) -> bool:
    """Record a password reset asked for ``email``; False once the address has had its
    share of e-mails this hour (counted in the database, the request itself included)."""
    now = timezone.now()
    key = email.strip().lower()
    request = PasswordResetRequest.objects.create(email=key, at=now)
    recent = PasswordResetRequest.objects.filter(email=key, at__gte=now - timedelta(hours=1))
    if recent.count() > settings.PASSWORD_RESET_LIMIT_PER_HOUR:
        request.delete()
        return False
    return True


def token_issue(*, user: User) -> str:
    """A new API token for ``user``; the token itself is never stored."""
    now = timezone.now()
    token = secrets.token_urlsafe(32)
    ApiToken.objects.filter(user=user, last_used_at__lte=now - TOKEN_LIFETIME).delete()
    ApiToken.objects.create(user=user, digest=token_digest(token), created_at=now, last_used_at=now)
    return token


def token_revoke(*, token: str) -> bool:
    """End ``token`` at once (logging out of the API); False if it was not a live token."""
    deleted, _rows = ApiToken.objects.filter(digest=token_digest(token)).delete()
    return bool(deleted)


def token_revoke_by_id(*, user: User, token_id: int) -> None:
    """End one of ``user``'s own tokens; another person's token is not found."""
    deleted, _rows = ApiToken.objects.filter(user=user, pk=token_id).delete()
    if not deleted:
        raise NotFound(_("No such token."))


def token_authenticate(*, token: str) -> User | None:
    """The user a live token belongs to. A token ends ``TOKEN_LIFETIME`` after its last use;
    the last use is written at most once per ``TOKEN_TOUCH_EVERY``."""
    now = timezone.now()
    row = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(token), last_used_at__gt=now - TOKEN_LIFETIME)
        .first()
    )
    if row is None or not row.user.is_active:
        return None
    if row.last_used_at <= now - TOKEN_TOUCH_EVERY:
        ApiToken.objects.filter(pk=row.pk, last_used_at=row.last_used_at).update(last_used_at=now)
    return row.user


def user_language_set(*, user: User, language: str) -> None:
    """Save the language ``user`` reads fourfold in: one of settings.LANGUAGES, or "" to follow
    the browser's. Nothing shared changes, so no co-op's activity records it."""
    if language and language not in dict(settings.LANGUAGES):
        raise Invalid(_("Choose one of the languages offered."), field="language")
    user.language = language
    user.save(update_fields=["language"])
