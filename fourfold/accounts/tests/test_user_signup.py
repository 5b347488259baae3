import pytest
from django.contrib.auth.hashers import identify_hasher

from fourfold.accounts.models import User
from fourfold.accounts.services import user_signup
from fourfold.errors import Conflict, Invalid
from fourfold.testing import UserFactory

pytestmark = pytest.mark.django_db


def test_it_creates_an_account_with_a_hashed_password():
    user = user_signup(username="dee", email="dee@example.org", password="milk-and-culture")
    assert user.check_password("milk-and-culture")
    assert "milk-and-culture" not in user.password


def test_production_settings_hash_passwords_with_argon2(settings):
    from fourfold import settings as production

    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    user = user_signup(username="dee", email="dee@example.org", password="milk-and-culture")
    assert identify_hasher(user.password).algorithm == "argon2"


@pytest.mark.parametrize(
    ("username", "email", "password", "field"),
    [
        ("dee", "dee@example.org", "short", "password"),
        ("dee", "dee@example.org", "12345678901", "password"),
        ("dee", "dee@example.org", "password123", "password"),
        ("dee", "not-an-address", "milk-and-culture", "email"),
        ("dee smith", "dee@example.org", "milk-and-culture", "username"),
        ("", "dee@example.org", "milk-and-culture", "username"),
    ],
)
def test_it_refuses_bad_input(username, email, password, field):
    with pytest.raises(Invalid) as refused:
        user_signup(username=username, email=email, password=password)
    assert refused.value.field == field
    assert not User.objects.exists()


def test_it_refuses_a_taken_username_whatever_its_case():
    UserFactory(username="dee")
    with pytest.raises(Conflict) as refused:
        user_signup(username="Dee", email="other@example.org", password="milk-and-culture")
    assert refused.value.field == "username"


def test_it_refuses_a_taken_email_whatever_its_case():
    UserFactory(email="dee@example.org")
    with pytest.raises(Conflict) as refused:
        user_signup(username="dee2", email="DEE@example.org", password="milk-and-culture")
    assert refused.value.field == "email"


# --- Look-alike usernames, empty passwords, and what a stranger learns ---------------------

CYRILLIC_IE = "\N{CYRILLIC SMALL LETTER IE}"
CYRILLIC_A = "\N{CYRILLIC SMALL LETTER A}"
CYRILLIC_ER = "\N{CYRILLIC SMALL LETTER ER}"


def test_it_refuses_a_username_that_mixes_latin_and_cyrillic():
    with pytest.raises(Invalid) as refused:
        user_signup(
            username=f"d{CYRILLIC_IE}e", email="dee@example.org", password="milk-and-culture"
        )
    assert refused.value.field == "username"
    assert "mixes alphabets" in refused.value.detail
    assert not User.objects.exists()


def test_it_refuses_a_whole_script_look_alike_of_a_taken_username():
    UserFactory(username="ape")
    with pytest.raises(Conflict) as refused:
        user_signup(
            username=f"{CYRILLIC_A}{CYRILLIC_ER}{CYRILLIC_IE}",
            email="ape2@example.org",
            password="milk-and-culture",
        )
    assert refused.value.field == "username"
    assert "looks too much like" in refused.value.detail


def test_a_full_width_username_is_stored_normalised_and_refused_when_taken():
    full_width = "\N{FULLWIDTH LATIN SMALL LETTER D}\N{FULLWIDTH LATIN SMALL LETTER E}"
    user = user_signup(username=full_width, email="de@example.org", password="milk-and-culture")
    assert user.username == "de"
    with pytest.raises(Conflict):
        user_signup(username="DE", email="other@example.org", password="milk-and-culture")


def test_a_username_in_one_script_other_than_latin_is_welcome():
    hera = "\N{GREEK CAPITAL LETTER ETA}\N{GREEK SMALL LETTER RHO}\N{GREEK SMALL LETTER ALPHA}"
    user = user_signup(username=hera, email="ira@example.org", password="milk-and-culture")
    assert user.username == hera
    assert user.username_skeleton == "npa"  # so a Latin "npa" could not pass for her


def test_it_refuses_a_look_alike_of_a_reserved_username():
    with pytest.raises(Invalid) as refused:
        user_signup(
            username=f"{CYRILLIC_ER}\N{CYRILLIC SMALL LETTER O}\N{CYRILLIC SMALL LETTER O}l",
            email="pool@example.org",
            password="milk-and-culture",
        )
    assert refused.value.field == "username"


def test_it_refuses_a_password_of_only_spaces():
    with pytest.raises(Invalid) as refused:
        user_signup(username="dee", email="dee@example.org", password=" " * 12)
    assert refused.value.field == "password"
    assert "only spaces" in refused.value.detail


def test_a_taken_email_is_refused_without_saying_an_account_has_it():
    UserFactory(email="dee@example.org")
    with pytest.raises(Conflict) as refused:
        user_signup(username="dee2", email="dee@example.org", password="milk-and-culture")
    assert "exists" not in refused.value.detail
    assert "account with that" not in refused.value.detail
    assert refused.value.detail == (
        "That e-mail address cannot be used for a new account. If it is yours, log in or "
        "reset your password."
    )


# --- The web and the API sign up through the same service ---------------------------------


def test_the_web_signup_refuses_a_look_alike_and_a_taken_email_neutrally(client):
    UserFactory(username="dee", email="dee@example.org")
    response = client.post(
        "/accounts/signup/",
        {"username": f"d{CYRILLIC_IE}e", "email": "x@example.org", "password": "milk-and-culture"},
    )
    assert "mixes alphabets" in " ".join(response.context["form"].errors["username"])
    response = client.post(
        "/accounts/signup/",
        {"username": "eve", "email": "dee@example.org", "password": "milk-and-culture"},
    )
    [error] = response.context["form"].errors["email"]
    assert error.startswith("That e-mail address cannot be used for a new account.")
    assert User.objects.count() == 1


def test_the_api_signup_refuses_a_look_alike_and_a_password_of_spaces(api_client):
    UserFactory(username="dee")
    client = api_client()
    look_alike = client.post(
        "/api/v1/auth/signup",
        {"username": f"d{CYRILLIC_IE}e", "email": "x@example.org", "password": "milk-and-culture"},
    )
    assert (look_alike.status_code, look_alike.json()["field"]) == (400, "username")
    spaces = client.post(
        "/api/v1/auth/signup",
        {"username": "eve", "email": "eve@example.org", "password": " " * 12},
    )
    assert (spaces.status_code, spaces.json()["field"]) == (400, "password")
    assert User.objects.count() == 1
