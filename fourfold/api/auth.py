from __future__ import annotations

from typing import cast

from django.http import HttpRequest
from ninja.security import HttpBearer

from fourfold.accounts.models import User
from fourfold.accounts.services import token_authenticate


class MemberRequest(HttpRequest):
    """A request ``BearerToken`` let in: every operation that needs a token takes one. Django
    ninja puts the authenticated user on ``auth``; ``BearerToken`` puts it on ``user`` too, and
    the token itself on ``api_token``."""

    auth: User
    user: User
    api_token: str


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>``; a token comes from ``POST /api/v1/auth/token``."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = token_authenticate(token=token)
        if user is not None:
            # The two assignments below are what make it a MemberRequest.
            member = cast(MemberRequest, request)
            member.user = user
            member.api_token = token  # for logging out: ending this very token
        return user
