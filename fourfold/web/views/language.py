"""Choosing the language fourfold speaks: the switcher on every page and the account page."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.i18n import set_language as django_set_language

from fourfold.accounts import services
from fourfold.web.forms.accounts import LanguageForm
from fourfold.web.requests import MemberRequest


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language (a plain form post: the cookie, then back where the reader
    was); a logged-in member's choice is also saved on their account, so e-mails and other
    devices follow it."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    offered = language in dict(settings.LANGUAGES)
    if request.method == "POST" and request.user.is_authenticated and offered:
        services.user_language_set(user=request.user, language=language)
    return response


@login_required
def account_language(request: MemberRequest) -> HttpResponse:
    form = LanguageForm(request.POST or None, initial={"language": request.user.language})
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["language"]
        services.user_language_set(user=request.user, language=language)
        response = redirect("web:account_language")
        if language:
            # The message below in the new language already; the cookie follows (middleware).
            translation.activate(language)
        else:
            # Following the browser again: forget the language this browser was told.
            response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
        messages.success(request, _("Your language is saved."))
        return response
    return render(request, "web/account_language.html", {"form": form})
