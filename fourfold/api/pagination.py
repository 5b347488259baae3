"""Lists stay plain JSON arrays (the contract); paging is in the query and the headers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from django.http import HttpRequest, HttpResponse
from ninja import Schema
from pydantic import Field

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
# Bounded so the database never sees an integer it cannot hold (SQLite and PostgreSQL stop at
# 2**63 - 1, and an offset beyond it was a server error); no list comes near it.
MAX_OFFSET = 1_000_000_000


class Pageable(Protocol):
    """A QuerySet, or any list that counts itself and reads one slice at a time."""

    def count(self) -> int: ...

    def __getitem__(self, window: slice, /) -> Iterable: ...


class Page(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page.")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip.")


def paginate(request: HttpRequest, response: HttpResponse, items: Pageable, page: Page) -> list:
    """One page of ``items``; ``X-Total-Count`` and a ``Link: rel=next`` header tell the rest."""
    total = items.count()
    response["X-Total-Count"] = str(total)
    following = page.offset + page.limit
    if following < total:
        params = request.GET.copy()
        params["offset"] = str(following)
        params["limit"] = str(page.limit)
        url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
        response["Link"] = f'<{url}>; rel="next"'
    return list(items[page.offset : following])
