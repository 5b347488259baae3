"""The co-op's activity, open to every member: who did what, newest first."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import BeforeValidator, Field, WithJsonSchema, field_validator
from pydantic_core import PydanticCustomError

from fourfold.api.auth import MemberRequest
from fourfold.api.pagination import Page, paginate
from fourfold.api.schemas import errors
from fourfold.api.schemas.activity import ActivityOut
from fourfold.coops.activity import (
    DEFAULT_LIMIT,
    KIND_PATTERN,
    KINDS,
    MAX_LIMIT,
    ActivityLog,
    kind_is_known,
)
from fourfold.coops.selectors import coop_for_member

router = Router(tags=["activity"])

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}.*")


def _day_or_instant(value):
    # A day or an instant as ISO 8601 writes them, nothing else: Pydantic alone would also take
    # 1700000000 (Unix time) or "2026-06-01 9:00".
    if isinstance(value, str):
        try:
            if _DAY.fullmatch(value):
                return date.fromisoformat(value)
            if _INSTANT.fullmatch(value):
                return datetime.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError(
        "since",
        _("use an ISO 8601 date or date and time, e.g. 2026-06-01 or 2026-06-01T09:00:00-04:00"),
    )


Since = Annotated[
    datetime | date,
    BeforeValidator(_day_or_instant),
    WithJsonSchema(
        {"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}]}
    ),
]


class ActivityFilters(Schema):
    actor: str | None = Field(
        None, max_length=150, description="Only what this member did (a username)."
    )
    kind: str | None = Field(
        None,
        max_length=64,
        description=f"A domain ({', '.join(KINDS)}) or a full action such as ledger.expense.",
        # Documented, and checked by the validator below, which says in words what is wrong.
        json_schema_extra={"pattern": KIND_PATTERN},
    )
    since: Since | None = Field(
        None,
        description="From this day (its start in the co-op's time zone) or this instant on; "
        "an instant without an offset is in the co-op's zone.",
    )

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, kind: str | None) -> str | None:
        if kind is not None and not kind_is_known(kind):
            raise PydanticCustomError(
                "kind",
                _("choose one of %(kinds)s, or a full action such as ledger.expense")
                % {"kinds": ", ".join(KINDS)},
            )
        return kind


class ActivityPage(Page):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page.")


@router.get("/coops/{slug}/activity", response={200: list[ActivityOut], **errors(404)})
def activity_list(
    request: MemberRequest,
    response: HttpResponse,
    slug: str,
    filters: Query[ActivityFilters],
    page: Query[ActivityPage],
):
    """Everything that changed in the co-op and who did it, newest first: every member sees
    it all."""
    coop = coop_for_member(user=request.auth, slug=slug)
    log = ActivityLog(
        coop=coop, actor_username=filters.actor, kind=filters.kind, since=filters.since
    )
    return [
        {
            "at": row.at,
            "actor": row.actor,
            "action": row.action,
            "summary": row.summary,
            "object": row.object,
        }
        for row in paginate(request, response, log, page)
    ]
