"""The installable app: the manifest, its icons, the service worker's script and the offline
page, as the browser fetches them (the browser test drives them offline)."""

from __future__ import annotations

import json
import re
import struct
from datetime import datetime
from pathlib import Path

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.templatetags.static import static

from fourfold.web.middleware import CONTENT_SECURITY_POLICY
from fourfold.web.views import pwa

pytestmark = pytest.mark.django_db

INSTANT = "2026-06-17T14:30:00+00:00"
CONFIG = re.compile(r"^const CONFIG = (.*);$", re.M)


def png_size(url: str) -> tuple[int, int]:
    """Width and height from a static PNG's header: the signature, then the IHDR chunk."""
    found = finders.find(url.removeprefix(static("")))
    assert isinstance(found, str), f"{url} is not a static file"
    header = Path(found).read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{url} is not a PNG"
    assert header[12:16] == b"IHDR"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def worker_config(response) -> dict:
    match = CONFIG.search(response.content.decode())
    assert match, "the worker has no CONFIG line"
    return json.loads(match.group(1))


def cache_directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


def test_the_manifest_makes_an_app_that_opens_on_the_week(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "fourfold"
    assert manifest["short_name"] == "fourfold"
    assert manifest["start_url"] == "/week/"
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"])
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["background_color"])
    icons = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= icons


def test_each_icon_is_a_png_of_the_size_the_manifest_says(client):
    manifest = json.loads(client.get("/manifest.webmanifest").content)
    for icon in manifest["icons"]:
        assert icon["type"] == "image/png"
        width, height = png_size(icon["src"])
        assert f"{width}x{height}" == icon["sizes"], icon["src"]


def test_the_manifest_is_only_read(client):
    assert client.post("/manifest.webmanifest").status_code == 405


def test_every_page_links_the_app_and_says_when_it_was_made(client, personas):
    client.force_login(personas.alice)
    with time_machine.travel(INSTANT, tick=False):
        html = client.get("/week/").content.decode()
    manifest = json.loads(client.get("/manifest.webmanifest").content)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert f'<meta name="theme-color" content="{manifest["theme_color"]}">' in html
    touch = re.search(r'<link rel="apple-touch-icon" href="([^"]+)">', html)
    assert touch and png_size(touch.group(1)) == (180, 180)
    assert f'<script src="{static("fourfold/app.js")}" defer></script>' in html
    rendered = re.search(
        r'<meta name="fourfold-rendered-at" content="([^"]+)" data-offline="([^"]+)">', html
    )
    assert rendered
    assert datetime.fromisoformat(rendered.group(1)) == datetime.fromisoformat(INSTANT)
    assert rendered.group(2) == "Offline — as of %(time)s"


@pytest.mark.parametrize("logged_in", [False, True])
def test_the_worker_is_a_script_at_the_root_always_asked_for_again(client, personas, logged_in):
    if logged_in:
        client.force_login(personas.alice)
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "no-cache" in cache_directives(response)
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_the_worker_keeps_a_shell_that_is_there(client):
    config = worker_config(client.get("/sw.js"))
    assert static("fourfold/fourfold.css") in config["shell"]
    assert static("vendor/htmx.min.js") in config["shell"]
    for url in [*config["shell"], config["offline"], config["manifest"]]:
        assert client.get(url).status_code == 200, url


def test_the_worker_never_keeps_the_api_or_pages_with_secrets_and_forgets_at_logout(client):
    config = worker_config(client.get("/sw.js"))
    assert {"/api/", "/account/", "/accounts/", "/invite/", "/calendar/"} <= set(config["notKept"])
    assert {"/accounts/login/", "/accounts/logout/", "/accounts/signup/"} <= set(config["forgetOn"])
    assert config["pagesKept"] == 30


def test_the_worker_is_renamed_when_a_file_of_the_shell_changes(client, monkeypatch, tmp_path):
    before = worker_config(client.get("/sw.js"))["version"]
    assert worker_config(client.get("/sw.js"))["version"] == before

    changed = tmp_path / "fourfold.css"
    changed.write_text(Path(finders.find("fourfold/fourfold.css")).read_text() + "p {}\n")
    find = finders.find
    monkeypatch.setattr(
        pwa.finders,
        "find",
        lambda path: str(changed) if path == "fourfold/fourfold.css" else find(path),
    )
    assert worker_config(client.get("/sw.js"))["version"] != before


def test_the_offline_page_has_one_heading_and_needs_no_login(client):
    response = client.get("/offline/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "You are offline" in html
    assert 'href="/week/"' in html


def effective_sources(directive: str, *fallbacks: str) -> list[str]:
    """The sources a directive allows: its own, else those of the first fallback given."""
    directives = {}
    for part in CONTENT_SECURITY_POLICY.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    for name in (directive, *fallbacks):
        if name in directives:
            return directives[name]
    return []


def test_the_policy_lets_pages_register_the_worker_and_read_the_manifest():
    # The CSP fallbacks: worker-src, then script-src, then default-src; manifest-src, then
    # default-src.
    assert "'self'" in effective_sources("worker-src", "child-src", "script-src", "default-src")
    assert "'self'" in effective_sources("manifest-src", "default-src")
    assert "'self'" in effective_sources("img-src", "default-src")
