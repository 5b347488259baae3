from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers


class ResetTimezoneMiddleware:
    """A co-op page activates the co-op's zone; a thread serves many requests, so every
    request starts back in the installation's zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


def language_cookie_set(response: HttpResponse, language: str) -> None:
    """Remember ``language`` in this browser, where LocaleMiddleware looks before the
    Accept-Language header; Django's set_language sets the same cookie the same way."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class MemberLanguageMiddleware:
    """A logged-in member's saved language wins over the browser's (LocaleMiddleware chose
    from the cookie or Accept-Language before anyone was authenticated). The browser keeps it
    in the language cookie, set on the first response after login or a change, so the pages
    stay in it after logging out too.

    The API is left out: it answers in the request's Accept-Language, whoever holds the token.
    Placed after AuthenticationMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            self._activate(request)
        response = self.get_response(request)
        # Read again: the view may have logged the member in, or saved a new language.
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None else ""
        if language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            language_cookie_set(response, language)
        return response

    @staticmethod
    def _activate(request: HttpRequest) -> None:
        user = request.user
        language = getattr(user, "language", "") if user.is_authenticated else ""
        if language and language != translation.get_language():
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()


# Self only: the pages load their script, styles and images from our own static files, and
# nothing is framed, posted elsewhere or rebased. data: images are the favicon and the icons
# of the API's docs page.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'self'",
        "object-src 'none'",
    )
)


class SecurityHeadersMiddleware:
    """A Content-Security-Policy on every response, and ``Cache-Control: private, no-store``
    on every response that holds someone's data (a page seen logged in, any API answer, a CSV
    export), so no shared cache or browser history keeps a copy. The API's answers also depend
    on the token sent, which ``Vary: Authorization`` tells caches.

    Listed first in MIDDLEWARE so it sees every response, static files and errors included;
    it reads ``request.user`` only after the inner middleware set it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        api = request.path.startswith("/api/")
        if api:
            patch_vary_headers(response, ["Authorization"])
        user = getattr(request, "user", None)
        personal = (
            api
            or (user is not None and user.is_authenticated)
            or response.get("Content-Type", "").startswith("text/csv")
        )
        if personal:
            patch_cache_control(response, private=True, no_store=True)
        return response
