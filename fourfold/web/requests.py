"""The request a co-op page gets: ``login_required`` has let it through, so its user is a
member's account, never the anonymous one; django-htmx's middleware has added ``htmx``."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from fourfold.accounts.models import User


class MemberRequest(HttpRequest):
    """Only an annotation: Django builds the request, views behind ``login_required`` say it
    is this one."""

    user: User
    htmx: HtmxDetails
