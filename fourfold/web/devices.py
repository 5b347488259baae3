"""The known-device cookie: a browser someone logged in with is theirs to log in with again,
however many strangers guess at their password elsewhere (accounts.services.user_login_check).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse

COOKIE = "fourfold_device"
_SALT = "fourfold.web.devices"
_MAX_AGE = timedelta(days=365)


def device_user_id(request: HttpRequest) -> int | None:
    """Whom this browser last logged in as, if the signed cookie says so (and is not stale)."""
    value = request.get_signed_cookie(COOKIE, default=None, salt=_SALT, max_age=_MAX_AGE)
    return int(value) if value and value.isdigit() else None


def remember_device(response: HttpResponse, *, user_id: int) -> None:
    response.set_signed_cookie(
        COOKIE,
        str(user_id),
        salt=_SALT,
        max_age=int(_MAX_AGE.total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
