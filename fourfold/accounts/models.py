from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from fourfold.lib.usernames import username_skeleton

# An API token ends this long after it was last used.
TOKEN_LIFETIME = timedelta(days=90)


class User(AbstractUser):
    """A person. Belonging to co-ops is a Membership; no role lives on the user."""

    email = models.EmailField(_("e-mail address"))
    # What the username looks like (fourfold.lib.usernames): sign-up refuses a look-alike.
    username_skeleton = models.CharField(max_length=150, db_index=True, editable=False)
    # The language fourfold speaks to this person: pages once logged in, and everything sent
    # to them (e-mails, reminders, pushes, the calendar feed). Blank: follow the browser's.
    language = models.CharField(
        _("language"), max_length=10, blank=True, default="", choices=settings.LANGUAGES
    )

    def save(self, *args, **kwargs) -> None:
        self.username_skeleton = username_skeleton(self.username)
        if kwargs.get("update_fields") is not None and "username" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "username_skeleton"}
        # A new password (a reset after a lost one, a change) ends every API token issued
        # under the old one. Django clears ``_password`` for a mere hash upgrade at login.
        # django-stubs leave out ``_password`` (AbstractBaseUser.set_password sets it).
        password_changed = self._password is not None and self.pk is not None  # type: ignore[attr-defined]
        super().save(*args, **kwargs)
        if password_changed:
            self.api_tokens.all().delete()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
            models.UniqueConstraint(Lower("username"), name="user_username_unique_ci"),
        ]


def token_digest(token: str) -> str:
    """What is stored of an API token: its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    # Refreshed at most once an hour (services.TOKEN_TOUCH_EVERY), not on every request.
    last_used_at = models.DateTimeField()

    @property
    def expires_at(self):
        return self.last_used_at + TOKEN_LIFETIME


class LoginFailure(models.Model):
    """A login attempt, kept to throttle guessing (in the database, so every process agrees).

    Written before the password is checked, so concurrent guesses count each other; removed
    again when the password was right. What stays are the failures.
    """

    username = models.CharField(max_length=150, db_index=True)
    # The client address (REMOTE_ADDR); "" when unknown (a call from the CLI or a test).
    address = models.CharField(max_length=45, blank=True, default="")
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["address", "at"])]


class KnownAddress(models.Model):
    """A client address a person has logged in from: a stranger's failures do not lock the
    owner out from here."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="known_addresses"
    )
    address = models.CharField(max_length=45)
    last_login_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "address"], name="known_address_unique")
        ]


class PasswordResetRequest(models.Model):
    """A password reset asked for an e-mail address (whether or not an account has it), kept
    to throttle the e-mails sent to one address."""

    email = models.CharField(max_length=254)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["email", "at"])]
