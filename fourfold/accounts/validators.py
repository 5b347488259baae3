"""Password rules beyond Django's own, listed in settings.AUTH_PASSWORD_VALIDATORS."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class NotOnlyWhitespaceValidator:
    """Eleven spaces pass every length rule and protect nothing."""

    def validate(self, password: str, user=None) -> None:
        if not password.strip():
            raise ValidationError(
                _("Your password cannot be only spaces."), code="password_only_whitespace"
            )

    def get_help_text(self) -> str:
        return _("Your password cannot be only spaces.")
