from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fourfold.accounts import selectors, services
from fourfold.errors import FourfoldError
from fourfold.web.auth import BACKEND
from fourfold.web.devices import remember_device
from fourfold.web.forms.accounts import SignupForm, ThrottledAuthenticationForm
from fourfold.web.forms.common import add_domain_error
from fourfold.web.requests import MemberRequest


class LoginView(auth_views.LoginView):
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        # This browser is now the owner's: strangers' failures elsewhere do not lock it out.
        remember_device(response, user_id=form.get_user().pk)
        return response


def _next_url(request: HttpRequest) -> str | None:
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:my_coops")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_signup(**form.cleaned_data)
        except FourfoldError as error:
            add_domain_error(form, error)
        else:
            login(request, user, backend=BACKEND)
            messages.success(request, _("Welcome, %(name)s.") % {"name": user.username})
            response = redirect(_next_url(request) or "web:my_coops")
            remember_device(response, user_id=user.pk)
            return response
    return render(
        request, "registration/signup.html", {"form": form, "next": _next_url(request) or ""}
    )


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        # Logging out ends this browser's session and nothing else; say so, and where to end
        # the rest.
        messages.info(
            request,
            format_html(
                _(
                    "You are logged out here. Your API tokens and other devices stay signed "
                    'in; manage them at <a href="{url}">your API tokens</a>.'
                ),
                url=reverse("web:api_tokens"),
            ),
        )
        return response


@login_required
def api_tokens(request: MemberRequest) -> HttpResponse:
    return render(
        request, "web/api_tokens.html", {"tokens": selectors.token_list(user=request.user)}
    )


@login_required
@require_POST
def api_token_revoke(request: MemberRequest, token_id: int) -> HttpResponse:
    try:
        services.token_revoke_by_id(user=request.user, token_id=token_id)
    except FourfoldError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("The token is revoked: it no longer opens the API."))
    return redirect("web:api_tokens")
