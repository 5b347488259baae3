"""Each member in their own language: the browser's first, then the one they chose, which
set_language (a plain form post) saves on their account and the pages follow."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

from fourfold.accounts.models import User

pytestmark = pytest.mark.django_db


def test_the_first_visit_follows_the_browsers_language(client: Client) -> None:
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response["Content-Language"] == "fr"
    assert '<html lang="fr">' in response.content.decode()


def test_a_browser_asking_for_brazilian_portuguese_gets_it(client: Client) -> None:
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="pt-BR,pt;q=0.8")
    assert response["Content-Language"] == "pt-br"


def test_a_language_not_offered_falls_back_to_english(client: Client) -> None:
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="ja")
    assert response["Content-Language"] == "en"


def test_the_switcher_names_every_language_in_itself(client: Client) -> None:
    page = client.get("/accounts/login/").content.decode()
    for code, name in [
        ("de", "Deutsch"),
        ("fr", "Français"),
        ("es", "Español"),
        ("pt-br", "Português (Brasil)"),
    ]:
        assert re.search(
            rf'<option value="{code}" lang="{code}"[^>]*>{re.escape(name)}</option>', page
        )
    assert 'action="/i18n/setlang/"' in page


def test_set_language_without_script_sets_the_cookie_and_goes_back(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "de", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"
    assert client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr")["Content-Language"] == "de"


def test_set_language_while_logged_in_saves_it_on_the_account(personas, client: Client) -> None:
    client.force_login(personas.alice)
    client.post("/i18n/setlang/", {"language": "es", "next": "/week/"})
    personas.alice.refresh_from_db()
    assert personas.alice.language == "es"


def test_a_language_not_offered_is_not_saved(personas, client: Client) -> None:
    client.force_login(personas.alice)
    client.post("/i18n/setlang/", {"language": "ja", "next": "/week/"})
    personas.alice.refresh_from_db()
    assert personas.alice.language == ""


def test_a_members_saved_language_wins_over_the_browsers(personas, client: Client) -> None:
    User.objects.filter(pk=personas.alice.pk).update(language="de")
    client.force_login(personas.alice)
    response = client.get("/week/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response["Content-Language"] == "de"
    # The browser is told, so the pages stay German after logging out too.
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"


def test_a_member_without_a_language_follows_the_browser(personas, client: Client) -> None:
    client.force_login(personas.alice)
    response = client.get("/week/", HTTP_ACCEPT_LANGUAGE="es")
    assert response["Content-Language"] == "es"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_logging_in_speaks_the_members_language(personas, client: Client) -> None:
    from fourfold.testing import PASSWORD

    User.objects.filter(pk=personas.alice.pk).update(language="fr")
    response = client.post(
        "/accounts/login/",
        {"username": "alice", "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"


def test_the_account_page_saves_the_language(personas, client: Client) -> None:
    client.force_login(personas.alice)
    page = client.get("/account/language/")
    assert page.status_code == 200
    assert page.content.decode().count("<h1") == 1
    response = client.post("/account/language/", {"language": "pt-br"})
    assert response.status_code == 302
    personas.alice.refresh_from_db()
    assert personas.alice.language == "pt-br"
    assert client.get("/account/language/")["Content-Language"] == "pt-br"


def test_following_the_browser_again_forgets_the_cookie(personas, client: Client) -> None:
    User.objects.filter(pk=personas.alice.pk).update(language="de")
    client.force_login(personas.alice)
    client.get("/week/")
    response = client.post("/account/language/", {"language": ""})
    personas.alice.refresh_from_db()
    assert personas.alice.language == ""
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == ""
    assert client.get("/week/", HTTP_ACCEPT_LANGUAGE="es")["Content-Language"] == "es"


def test_the_account_page_refuses_a_language_not_offered(personas, client: Client) -> None:
    client.force_login(personas.alice)
    response = client.post("/account/language/", {"language": "ja"})
    assert response.status_code == 200
    personas.alice.refresh_from_db()
    assert personas.alice.language == ""


def test_a_proposal_is_marked_with_its_authors_language_not_translated(personas, client):
    from fourfold.workflows import decisions as decisions_flow

    User.objects.filter(pk=personas.alice.pk).update(language="de")
    personas.alice.refresh_from_db()
    proposal = decisions_flow.proposal_open(
        coop=personas.coop,
        by=personas.alice,
        kind="general",
        title="Größerer Topf",
        body="Der alte ist zu klein.",
    )
    client.force_login(personas.bob)
    page = client.get(
        f"/c/{personas.coop.slug}/decisions/{proposal.pk}/", HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert '<html lang="fr">' in page
    assert '<span lang="de">Größerer Topf</span>' in page
    assert re.search(r'<div class="explanation" lang="de">\s*<p>Der alte ist zu klein.</p>', page)


def test_a_proposal_by_a_member_without_a_language_is_not_marked(personas, client):
    from fourfold.workflows import decisions as decisions_flow

    proposal = decisions_flow.proposal_open(
        coop=personas.coop, by=personas.alice, kind="general", title="A bigger pot"
    )
    client.force_login(personas.bob)
    page = client.get(f"/c/{personas.coop.slug}/decisions/{proposal.pk}/").content.decode()
    assert "<span>A bigger pot</span>" in page


def test_a_password_reset_goes_in_the_accounts_language(client: Client) -> None:
    from django.core import mail

    from fourfold.testing import UserFactory

    UserFactory(username="dee", email="dee@example.org", language="de")
    UserFactory(username="eli", email="eli@example.org")
    for address in ("dee@example.org", "eli@example.org"):
        client.post("/accounts/password-reset/", {"email": address}, HTTP_ACCEPT_LANGUAGE="en")
    by_address = {letter.to[0]: letter for letter in mail.outbox}
    # The subject is Django's own, which Django's catalogue translates.
    assert by_address["dee@example.org"].subject.startswith("Passwort")
    assert by_address["eli@example.org"].subject.startswith("Password reset")
