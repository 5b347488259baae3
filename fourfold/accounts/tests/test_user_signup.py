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
