"""Signing up, logging in (throttled) and resetting a password."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fourfold.accounts import services as account_services
from fourfold.accounts.models import User
from fourfold.errors import FourfoldError
from fourfold.lib.language import language_in_itself
from fourfold.web.devices import device_user_id


class SignupForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters; not only digits, not a common password."),
    )

    # The sign-up service checks the same and refuses at the first fault; checked here too,
    # so a form with three faults shows all three at once, each by its field.
    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        try:
            User.username_validator(username)
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error
        return username

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        password = data.get("password")
        if password is not None:
            probe = User(username=data.get("username", ""), email=data.get("email", ""))
            try:
                password_validation.validate_password(password, user=probe)
            except ValidationError as error:
                self.add_error("password", error.messages)
        return data


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's login form, refusing a client that has had too many failures."""

    request: HttpRequest  # the login view always passes it: the throttle reads the device

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = account_services.user_login_check(
                    request=self.request,
                    username=username,
                    password=password,
                    device_user_id=device_user_id(self.request),
                )
            except FourfoldError as error:
                raise forms.ValidationError(error.detail, code=error.code) from error
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data

    def get_invalid_login_error(self) -> forms.ValidationError:
        # Built without ``params``: a ValidationError with params is %-formatted on display,
        # which would turn the safe link back into escaped text.
        message = format_html(
            gettext(
                "That username and password do not match. Check them, or "
                '<a href="{url}">reset your password</a>.'
            ),
            url=reverse("web:password_reset"),
        )
        return forms.ValidationError(message, code="invalid_login")


class ThrottledPasswordResetForm(PasswordResetForm):
    """Django's reset form, sending one address no more than a few e-mails an hour. The page
    after it reads the same either way, so it tells no one whether an account exists."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        if account_services.password_reset_allowed(email=self.cleaned_data["email"]):
            super().save(*args, **kwargs)

    def send_mail(self, *args: Any, **kwargs: Any) -> None:
        # In the account's language when it has one, as every e-mail fourfold sends; else in
        # the language of the page the reset was asked on.
        context = kwargs["context"] if "context" in kwargs else args[2]
        with translation.override(context["user"].language or translation.get_language()):
            super().send_mail(*args, **kwargs)


def language_choices() -> list[tuple[str, str]]:
    """Every language offered, each named in itself ("Deutsch"): a reader who cannot read
    the page's language still finds their own."""
    return [(code, language_in_itself(code)) for code, _name in settings.LANGUAGES]


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        help_text=_("Pages, e-mails, reminders and notifications come in this language."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["language"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", gettext("The one my browser asks for")), *language_choices()]
