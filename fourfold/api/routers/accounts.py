from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from fourfold.accounts import selectors, services
from fourfold.api.auth import MemberRequest
from fourfold.api.schemas import Input, SignupIn, TokenIn, TokenOut, UserOut, errors
from fourfold.errors import FourfoldError

router = Router(tags=["accounts"])


class TokenInfoOut(Schema):
    """One of your API tokens, without its secret (only its digest is stored). It ends at
    ``expires_at``: 90 days after it was last used (the last use is noted at most hourly)."""

    id: int
    created_at: datetime
    last_used_at: datetime
    expires_at: datetime
    current: bool


class WrongCredentials(FourfoldError):
    code = "invalid_credentials"
    status = 401


@router.post(
    "/auth/signup", auth=None, response={201: UserOut, **errors(400, 409, authenticated=False)}
)
def signup(request: HttpRequest, payload: SignupIn):
    user = services.user_signup(
        username=payload.username, email=payload.email, password=payload.password
    )
    return Status(201, user)


@router.post(
    "/auth/token", auth=None, response={200: TokenOut, **errors(401, 429, authenticated=False)}
)
def token(request: HttpRequest, payload: TokenIn):
    user = services.user_login_check(
        request=request, username=payload.username, password=payload.password
    )
    if user is None:
        raise WrongCredentials(_("Wrong username or password."))
    return {"token": services.token_issue(user=user)}


@router.delete("/auth/token", response={204: None, **errors()})
def token_revoke(request: MemberRequest):
    """End the token this request is made with (log out of the API). A new password ends
    all of a person's tokens."""
    services.token_revoke(token=request.api_token)
    return Status(204, None)


@router.get("/auth/tokens", response={200: list[TokenInfoOut], **errors()})
def tokens(request: MemberRequest):
    """Your live API tokens, newest first; ``current`` marks the one this request uses."""
    return selectors.token_list(user=request.user, current_token=request.api_token)


@router.delete("/auth/tokens/{token_id}", response={204: None, **errors(404)})
def token_revoke_by_id(request: MemberRequest, token_id: int):
    """End one of your tokens (a lost laptop's, say); another person's is not found."""
    services.token_revoke_by_id(user=request.user, token_id=token_id)
    return Status(204, None)


class AccountOut(Schema):
    username: str
    email: str
    language: str = Field(
        description="The language fourfold speaks to you (e-mails, pushes, the calendar feed, "
        'the web pages once logged in): one of en, es, fr, de, pt-br; "" follows the browser.'
    )


class AccountIn(Input):
    language: str = Field(max_length=10)


@router.get("/me", response={200: AccountOut, **errors()})
def me(request: MemberRequest):
    """Your account."""
    return request.user


@router.patch("/me", response={200: AccountOut, **errors(400)})
def me_edit(request: MemberRequest, payload: AccountIn):
    """Change your account: your language. The API itself answers in each request's
    Accept-Language."""
    services.user_language_set(user=request.user, language=payload.language)
    return request.user
