"""The e-mails fourfold sends a member: text and HTML, each with a one-click unsubscribe link
(RFC 8058) for the kind it is about."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language

from fourfold.accounts.models import User

_SALT = "fourfold.reminders.unsubscribe"


def unsubscribe_token(*, member: User, kind: str) -> str:
    """A token that turns ``kind`` to in-app only for ``member``. It does not expire: an old
    e-mail's link must still work, and the worst it can do is stop an e-mail."""
    return signing.dumps({"m": member.pk, "k": kind}, salt=_SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[int, str]:
    """The member id and kind a token names; ``signing.BadSignature`` if it is not ours."""
    value = signing.loads(token, salt=_SALT)
    return int(value["m"]), str(value["k"])


def unsubscribe_url(*, member: User, kind: str) -> str:
    token = unsubscribe_token(member=member, kind=kind)
    return settings.SITE_URL + reverse("web:unsubscribe", args=[token])


def letter_send(
    *, member: User, kind: str, subject: str, template: str, context: dict[str, object]
) -> None:
    """Render ``template`` (``.txt`` and ``.html``) and send it to ``member``. Render it in
    the language the letter should be in: the caller's active one."""
    unsubscribe = unsubscribe_url(member=member, kind=kind)
    context = {
        **context,
        "member": member,
        "name": member.get_full_name() or member.username,
        "unsubscribe": unsubscribe,
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[member.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            # RFC 3282: a mail program may offer to translate, or pick a spelling checker.
            "Content-Language": get_language() or settings.LANGUAGE_CODE,
        },
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    message.send()
