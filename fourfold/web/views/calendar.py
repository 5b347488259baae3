from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse

from fourfold.accounts.selectors import user_language
from fourfold.production import selectors
from fourfold.workflows.calendar import feed_ics


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The secret-address calendar: no login, the token is the key (and can be rotated)."""
    feed = selectors.feed_for_token(token=token)
    if feed is None:
        raise Http404
    response = HttpResponse(feed_ics(feed), content_type="text/calendar; charset=utf-8")
    response["Content-Language"] = user_language(feed.member)
    response["Content-Disposition"] = f'inline; filename="{feed.coop.slug}.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
