from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from fourfold.accounts.services import token_authenticate


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>``; a token comes from ``POST /api/v1/auth/token``."""

    def authenticate(self, request: HttpRequest, token: str):
        user = token_authenticate(token=token)
        if user is not None:
            request.user = user
            request.api_token = token  # for logging out: ending this very token
        return user
