"""Every response carries the Content-Security-Policy; whatever holds someone's data is never
kept by a cache; the API says its answers depend on the token."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fourfold.web.middleware import CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"
)


def cache_directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


def vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",") if part}


def test_the_policy_allows_only_our_own_origin():
    assert CONTENT_SECURITY_POLICY == POLICY


def test_a_page_seen_logged_in_has_the_policy_and_is_never_cached(client, personas):
    client.force_login(personas.alice)
    response = client.get("/c/home/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == POLICY
    assert {"private", "no-store"} <= cache_directives(response)


def test_a_page_seen_by_a_visitor_has_the_policy_too(client):
    response = client.get("/")
    assert response["Content-Security-Policy"] == POLICY
    assert "no-store" not in cache_directives(response)


def test_an_error_page_has_the_policy(client, personas):
    client.force_login(personas.outsider)
    response = client.get("/c/home/")
    assert response.status_code == 404
    assert response["Content-Security-Policy"] == POLICY
    assert {"private", "no-store"} <= cache_directives(response)


def test_every_api_answer_is_private_uncached_and_varies_by_token(api_client, personas):
    for response in (
        api_client(personas.alice).get("/api/v1/coops/home"),
        api_client().get("/api/v1/coops/home"),
    ):
        assert response["Content-Security-Policy"] == POLICY
        assert {"private", "no-store"} <= cache_directives(response)
        assert "authorization" in vary(response)


@pytest.mark.parametrize("url", ["/c/home/ledger/transactions.csv", "/c/home/ledger/balances.csv"])
def test_a_csv_export_on_the_web_is_never_cached(client, personas, url):
    client.force_login(personas.alice)
    response = client.get(url)
    assert response["Content-Type"].startswith("text/csv")
    assert {"private", "no-store"} <= cache_directives(response)
    assert response["Content-Security-Policy"] == POLICY


def test_a_csv_export_from_the_api_is_never_cached(api_client, personas):
    response = api_client(personas.alice).get("/api/v1/coops/home/ledger/transactions.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert {"private", "no-store"} <= cache_directives(response)
    assert "authorization" in vary(response)


def test_the_api_docs_page_has_the_policy_and_needs_nothing_inline(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == POLICY
    assert {"private", "no-store"} <= cache_directives(response)
    html = response.content.decode()
    # Its one inline <script> is JSON data, which the policy does not run.
    assert re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html) == [
        ' type="application/json" id="swagger-settings"'
    ]
    assert " style=" not in html and "<style" not in html


def test_a_static_file_keeps_its_own_caching(client, personas):
    client.force_login(personas.alice)
    response = client.get("/static/fourfold/fourfold.css")
    assert response.status_code == 200
    assert "no-store" not in cache_directives(response)


INLINE = re.compile(r"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=|javascript:", re.I)


def test_no_template_holds_inline_script_or_style():
    offending = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)!r}"
        for path in TEMPLATES.rglob("*.html")
        for match in INLINE.finditer(path.read_text())
    ]
    assert offending == []
