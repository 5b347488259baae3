"""What makes fourfold an installable app that still shows a member's week offline: the web app
manifest, the service worker and the page it falls back to. The manifest and the worker are
served from the root, because a service worker controls only the paths under its own URL."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

# Pico's primary blue, the favicon's colour.
THEME_COLOUR = "#0172ad"
BACKGROUND_COLOUR = "#ffffff"
ICONS = (
    ("fourfold/icons/icon-192.png", 192, "any"),
    ("fourfold/icons/icon-512.png", 512, "any"),
    ("fourfold/icons/maskable-512.png", 512, "maskable"),
)
# What every page loads, so that a page kept for offline use still looks and works the same.
SHELL = (
    "vendor/pico.classless.min.css",
    "fourfold/fourfold.css",
    "vendor/htmx.min.js",
    "fourfold/copy.js",
    "fourfold/app.js",
    "fourfold/choose.js",
    "fourfold/pickups.js",
)
# Never kept on the device: the API (its answers follow a token), and the pages that hold a
# secret (API tokens, password-reset links, invitation codes, the calendar feed's address).
NOT_KEPT = ("/api/", "/accounts/", "/account/", "/invite/", "/calendar/")
# Pages, and the pieces of pages htmx loads, kept for offline use; the oldest go first.
PAGES_KEPT = 30


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    week = reverse("web:week")
    manifest = {
        "id": week,
        "name": "fourfold",
        "short_name": "fourfold",
        "description": _("Your co-op's week: shifts, shares to collect, votes and money."),
        "lang": get_language(),
        "dir": "rtl" if get_language_bidi() else "ltr",
        "start_url": week,
        "scope": reverse("web:home"),
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {
                "src": static(path),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": purpose,
            }
            for path, size, purpose in ICONS
        ],
    }
    return JsonResponse(
        manifest,
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    config: dict[str, object] = {
        "shell": [static(path) for path in SHELL],
        # The prefix, not a file: the hashed-names storage knows files only.
        "static": settings.STATIC_URL,
        "offline": reverse("web:offline"),
        # The browser asks for the manifest on every page, offline too.
        "manifest": reverse("web:manifest"),
        "notKept": list(NOT_KEPT),
        # A login, a signup or a logout starts another member's session on this device: the
        # pages kept for the one before must not be shown to them.
        "forgetOn": [reverse("web:login"), reverse("web:signup"), reverse("web:logout")],
        "pagesKept": PAGES_KEPT,
        # For the push notifications it shows: their icon, and the page a message without an
        # address of its own opens.
        "icon": static(ICONS[0][0]),
        "notifications": reverse("web:notifications"),
    }
    config["version"] = _shell_version(config)
    response = render(
        request,
        "web/sw.js",
        {"config": json.dumps(config)},
        content_type="text/javascript; charset=utf-8",
    )
    # The browser asks again on every visit, so a deploy reaches members at once.
    response["Cache-Control"] = "no-cache"
    return response


def _shell_version(config: dict[str, object]) -> str:
    """A digest of the worker and of every file in the shell. It names the worker's caches, so a
    deploy that changes any of them installs a new worker, which drops the old caches (pages
    kept there load the old styles and scripts)."""
    digest = hashlib.sha256(render_to_string("web/sw.js", {"config": json.dumps(config)}).encode())
    for path in SHELL:
        found = finders.find(path)
        if not isinstance(found, str):
            raise LookupError(f"the app shell's {path} is not among the static files")
        digest.update(Path(found).read_bytes())
    return digest.hexdigest()[:16]


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    return render(request, "web/offline.html")
