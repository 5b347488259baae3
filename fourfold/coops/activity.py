"""The co-op's activity: its audit trail in sentences, open to every member (principle 7:
everyone sees who did what)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any, overload

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fourfold.accounts.models import User
from fourfold.coops.activity_summaries import summarise
from fourfold.coops.models import AuditEvent, Cooperative
from fourfold.errors import Invalid

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
# Bounded so the database never sees an offset it cannot hold (SQLite and PostgreSQL stop at
# 2**63 - 1); no co-op's trail comes near it.
MAX_OFFSET = 1_000_000_000

# The domain an action names before its dot ("ledger.expense"), as a member reads it.
KINDS = {
    "ledger": gettext_lazy("Money"),
    "governance": gettext_lazy("Decisions"),
    "production": gettext_lazy("Production"),
    "consumption": gettext_lazy("Shares"),
    "membership": gettext_lazy("Membership"),
    "coop": gettext_lazy("The co-op"),
    "invitation": gettext_lazy("Invitations"),
    "reminders": gettext_lazy("Reminders"),
}
# A domain, or one of its actions: "ledger", "ledger.expense".
KIND_PATTERN = rf"^({'|'.join(KINDS)})(\.[a-z_]+)?$"

# The keys of an audit row's data that name what it was about, most telling first.
_OBJECT_KEYS = (
    ("transaction", "transaction"),
    ("proposal", "proposal"),
    ("batch", "batch"),
    ("shift", "shift"),
    ("invitation", "invitation"),
    ("period", "unavailability"),
)
# The keys that hold another member's user id.
_MEMBER_KEYS = ("member", "holder", "from_member")


@dataclass(frozen=True)
class ActivityRow:
    at: datetime
    actor: str | None
    action: str
    summary: str
    object: dict[str, Any] | None


def kind_is_known(kind: str) -> bool:
    """A domain of ``KINDS`` or a full action name in one ("ledger", "ledger.expense")."""
    return re.fullmatch(KIND_PATTERN, kind) is not None


def _events(
    *,
    coop: Cooperative,
    actor_username: str | None,
    kind: str | None,
    since: date | datetime | None,
) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(coop=coop)
    if actor_username:
        events = events.filter(actor__username__iexact=actor_username)
    if kind:
        if not kind_is_known(kind):
            raise Invalid(
                _("Choose a kind: %(kinds)s, or a full action such as ledger.expense.")
                % {"kinds": ", ".join(KINDS)},
                field="kind",
            )
        events = (
            events.filter(action=kind)
            if "." in kind
            else events.filter(action__startswith=f"{kind}.")
        )
    if since is not None:
        start = _instant(coop, since)
        try:
            start.astimezone(UTC)
        except OverflowError:
            # Within a day of the calendar's ends, beyond it once in UTC (the database's zone):
            # before every row, or after every row.
            return events if start.year == datetime.min.year else events.none()
        events = events.filter(at__gte=start)
    return events


def _instant(coop: Cooperative, since: object) -> datetime:
    # A day, or an instant without a zone, is the co-op's: "since Monday" starts at its midnight.
    if isinstance(since, datetime):
        return since if timezone.is_aware(since) else timezone.make_aware(since, coop.zone)
    if isinstance(since, date):
        return timezone.make_aware(datetime.combine(since, time.min), coop.zone)
    raise Invalid(_("Give a date or a date and time."), field="since")


def _whole(value: object, *, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise Invalid(
            _("Enter a whole number from %(low)s to %(high)s.") % {"low": low, "high": high},
            field=field,
        )
    return value


def activity(
    *,
    coop: Cooperative,
    actor_username: str | None = None,
    kind: str | None = None,
    since: date | datetime | None = None,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> list[ActivityRow]:
    """What happened in ``coop``, newest first, each as a sentence naming who did it.

    ``kind`` is a domain of ``KINDS`` or a full action name; ``since`` a day (from its start in
    the co-op's zone) or an instant. One query, and one more when rows name other members."""
    limit = _whole(limit, field="limit", low=1, high=MAX_LIMIT)
    offset = _whole(offset, field="offset", low=0, high=MAX_OFFSET)
    events = _events(coop=coop, actor_username=actor_username, kind=kind, since=since)
    rows = list(events.select_related("actor").order_by("-at", "-pk")[offset : offset + limit])
    names = _member_names(coop, rows)
    return [_row(coop, event, names) for event in rows]


def activity_count(
    *,
    coop: Cooperative,
    actor_username: str | None = None,
    kind: str | None = None,
    since: date | datetime | None = None,
) -> int:
    return _events(coop=coop, actor_username=actor_username, kind=kind, since=since).count()


def entry_history(*, coop: Cooperative, transaction_ids: Sequence[int]) -> list[ActivityRow]:
    """Everything the activity holds about these money entries (an entry, the reversal of it,
    a request to reverse it), oldest first: who entered it, confirmed, declined, reversed it.
    The ledger says which entries belong together."""
    ids = list(transaction_ids)
    about = Q(data__transaction__in=ids) | Q(data__reverses__in=ids)
    rows = list(
        AuditEvent.objects.filter(coop=coop)
        .filter(about)
        .select_related("actor")
        .order_by("at", "pk")[:MAX_LIMIT]
    )
    names = _member_names(coop, rows)
    return [_row(coop, event, names) for event in rows]


class ActivityLog:
    """The filtered activity as a list a pager slices: ``count()`` and each page are a query
    of their own, so only the page shown is read."""

    def __init__(
        self,
        *,
        coop: Cooperative,
        actor_username: str | None = None,
        kind: str | None = None,
        since: date | datetime | None = None,
    ) -> None:
        # Checked now, so a bad filter is refused before any page is asked for.
        _events(coop=coop, actor_username=actor_username, kind=kind, since=since)
        self.filters: dict[str, Any] = {
            "coop": coop,
            "actor_username": actor_username,
            "kind": kind,
            "since": since,
        }
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = activity_count(**self.filters)
        return self._count

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> ActivityRow: ...

    @overload
    def __getitem__(self, index: slice) -> list[ActivityRow]: ...

    def __getitem__(self, index: int | slice) -> ActivityRow | list[ActivityRow]:
        if isinstance(index, int):
            if index < 0:
                index += len(self)
            found = self[index : index + 1] if index >= 0 else []
            if not found:
                raise IndexError(index)
            return found[0]
        start, stop = index.start or 0, index.stop
        rows: list[ActivityRow] = []
        # A slice wider than a page is read a page at a time (the selector's limit).
        while stop is None or start + len(rows) < stop:
            want = MAX_LIMIT if stop is None else min(MAX_LIMIT, stop - start - len(rows))
            batch = activity(**self.filters, limit=want, offset=start + len(rows))
            rows += batch
            if len(batch) < want:
                break
        return rows

    def __iter__(self) -> Iterator[ActivityRow]:
        return iter(self[0:])


def _member_names(coop: Cooperative, events: list[AuditEvent]) -> dict[int, str]:
    ids = {
        value
        for event in events
        for key in _MEMBER_KEYS
        if isinstance(value := event.data.get(key), int) and not isinstance(value, bool)
    }
    if not ids:
        return {}
    # Only people of this co-op: a row never reveals anyone else's name.
    return dict(
        User.objects.filter(pk__in=ids, memberships__coop=coop).values_list("pk", "username")
    )


def _row(coop: Cooperative, event: AuditEvent, names: Mapping[int, str]) -> ActivityRow:
    actor = event.actor.username if event.actor is not None else None
    return ActivityRow(
        at=timezone.localtime(event.at, coop.zone),
        actor=actor,
        action=event.action,
        summary=summarise(coop, event, actor, names),
        object=_object(event.data, names),
    )


def _object(data: Mapping[str, Any], names: Mapping[int, str]) -> dict[str, Any] | None:
    for key, kind in _OBJECT_KEYS:
        value = data.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return {"type": kind, "id": value}
    member = data.get("member")
    if isinstance(member, int) and member in names:
        # Members are named by username, never by id, as everywhere in the API.
        return {"type": "member", "username": names[member]}
    return None
