from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person. Belonging to co-ops is a Membership; no role lives on the user."""

    email = models.EmailField(_("e-mail address"))

    def save(self, *args, **kwargs) -> None:
        # A new password (a reset after a lost one, a change) ends every API token issued
        # under the old one. Django clears ``_password`` for a mere hash upgrade at login.
        password_changed = self._password is not None and self.pk is not None
        super().save(*args, **kwargs)
        if password_changed:
            self.api_tokens.all().delete()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
            models.UniqueConstraint(Lower("username"), name="user_username_unique_ci"),
        ]


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()


class LoginFailure(models.Model):
    """One failed login, kept to throttle guessing (in the database, so every process agrees)."""

    username = models.CharField(max_length=150, db_index=True)
    at = models.DateTimeField(db_index=True)
