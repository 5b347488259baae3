"""What a notification says and where it leads, written when it is read, in the reader's
language; and how each kind is delivered unless the member chose otherwise."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from fourfold.coops.vocabulary import service_or_good
from fourfold.lib.dates import format_day, format_moment
from fourfold.lib.money import format_money
from fourfold.reminders.models import Notification, NotificationPreference

if TYPE_CHECKING:
    from fourfold.coops.models import Cooperative

Kind = Notification.Kind
Delivery = NotificationPreference.Delivery

# What waits for the member's own answer or time goes at once; news that can wait a day goes
# in the digest.
DEFAULT_DELIVERY: dict[str, str] = {
    Kind.PROPOSAL: Delivery.DIGEST,
    Kind.VOTE_CLOSING: Delivery.EMAIL,
    Kind.ADMISSION: Delivery.EMAIL,
    Kind.SWAP_OFFERED: Delivery.DIGEST,
    Kind.SWAP_TAKEN: Delivery.EMAIL,
    Kind.BATCH: Delivery.EMAIL,
    Kind.SHARE_READY: Delivery.DIGEST,
    Kind.ENTRY: Delivery.EMAIL,
    Kind.SETTLE_UP: Delivery.EMAIL,
    Kind.SHIFT_TOMORROW: Delivery.EMAIL,
    Kind.BALANCE: Delivery.EMAIL,
}


# The kinds named in goods words (``Notification.Kind``'s labels), as a member of service co-ops
# only reads them, and as a member of both kinds of co-op: whole phrases, each its own msgid.
_SERVICE_LABELS: dict[str, Promise] = {
    Kind.BATCH: gettext_lazy("a session missed or moved"),
    Kind.SHARE_READY: gettext_lazy("my booking ready to use"),
}
_BOTH_LABELS: dict[str, Promise] = {
    Kind.BATCH: gettext_lazy("a batch or session missed or moved"),
    Kind.SHARE_READY: gettext_lazy("my share or booking ready"),
}


def kind_label(kind: str, *, coops: Iterable[Cooperative]) -> str:
    """What ``kind`` is called for a member of ``coops``: in a service's words where they are
    all services, in both where some are, else in goods words."""
    service = {coop.is_service for coop in coops}
    named: dict[str, Promise] = (
        _SERVICE_LABELS if service == {True} else _BOTH_LABELS if len(service) == 2 else {}
    )
    return str(named.get(kind, Kind(kind).label))


@dataclass(frozen=True)
class Notice:
    text: str
    path: str


def _day(value: str) -> str:
    return format_day(date.fromisoformat(value))


def _money(notification: Notification, value: str) -> str:
    return format_money(Decimal(value), notification.coop.currency)


def notice(notification: Notification) -> Notice:
    """The notification in words (the active language) and the page it leads to.
    ``notification.coop`` is read: select it with the notification."""
    kind, p, coop = notification.kind, notification.params, notification.coop
    slug = coop.slug
    if kind in (Kind.PROPOSAL, Kind.VOTE_CLOSING, Kind.ADMISSION):
        path = reverse("web:proposal", args=[slug, p["proposal"]])
        if kind == Kind.ADMISSION:
            text = _("%(name)s asks to join %(coop)s; the admission vote is open.") % {
                "name": p["name"],
                "coop": coop.name,
            }
        elif kind == Kind.VOTE_CLOSING:
            text = _("“%(title)s” closes on %(closes)s, and you have not voted yet.") % {
                "title": p["title"],
                "closes": format_moment(datetime.fromisoformat(p["closes_at"]), coop.zone),
            }
        elif p.get("by"):
            text = _("%(by)s proposed “%(title)s”.") % {"by": p["by"], "title": p["title"]}
        else:
            text = _("A new proposal: “%(title)s”.") % {"title": p["title"]}
        return Notice(text, path)
    if kind == Kind.SWAP_OFFERED:
        text = _("%(by)s offers their shift on %(day)s: take it if you can.") % {
            "by": p["by"],
            "day": _day(p["day"]),
        }
        return Notice(text, reverse("web:production_shifts", args=[slug]))
    if kind == Kind.SWAP_TAKEN:
        text = _("%(by)s took your shift on %(day)s.") % {"by": p["by"], "day": _day(p["day"])}
        return Notice(text, reverse("web:production_shifts", args=[slug]))
    if kind == Kind.SHIFT_TOMORROW:
        text = service_or_good(
            coop,
            _("Your shift tomorrow: %(day)s, %(n)d %(unit)s of %(product)s."),
            _("You volunteer tomorrow: %(day)s, %(n)d %(unit)s of %(product)s."),
        ) % {
            "day": _day(p["day"]),
            "n": p["quantity"],
            "unit": coop.unit_for(p["quantity"]),
            "product": coop.product,
        }
        return Notice(text, reverse("web:production_shifts", args=[slug]))
    if kind == Kind.BATCH:
        if p["event"] == "missed":
            text = service_or_good(
                coop,
                _("The batch of %(day)s was missed: %(reason)s"),
                _("The session of %(day)s did not take place: %(reason)s"),
            ) % {"day": _day(p["day"]), "reason": p["reason"]}
            return Notice(text, reverse("web:production_batch", args=[slug, p["batch"]]))
        text = service_or_good(
            coop,
            ngettext(
                "%(n)d planned batch moved to follow the co-op's new rules.",
                "%(n)d planned batches moved to follow the co-op's new rules.",
                p["removed"],
            ),
            ngettext(
                "%(n)d planned session moved to follow the co-op's new rules.",
                "%(n)d planned sessions moved to follow the co-op's new rules.",
                p["removed"],
            ),
        ) % {"n": p["removed"]}
        return Notice(text, reverse("web:production", args=[slug]))
    if kind == Kind.SHARE_READY:
        text = service_or_good(
            coop,
            _("Your share of the batch of %(day)s is ready to collect: %(n)d %(unit)s."),
            _("Your booking for the session of %(day)s is ready to use: %(n)d %(unit)s."),
        ) % {
            "day": _day(p["day"]),
            "n": p["units"],
            "unit": coop.unit_for(p["units"]),
        }
        return Notice(text, reverse("web:shares_batch_detail", args=[slug, p["batch"]]))
    if kind == Kind.ENTRY:
        text = _(
            "%(by)s recorded entry #%(id)d (%(amount)s) naming you; it waits for your confirmation."
        ) % {"by": p["by"], "id": p["transaction"], "amount": _money(notification, p["amount"])}
        return Notice(text, reverse("web:ledger_entry", args=[slug, p["transaction"]]))
    if kind == Kind.SETTLE_UP:
        text = _(
            "%(by)s recorded a settle-up payment of %(amount)s with you: confirm it if it happened."
        ) % {"by": p["by"], "amount": _money(notification, p["amount"])}
        return Notice(text, reverse("web:ledger_entry", args=[slug, p["transaction"]]))
    if kind == Kind.BALANCE:
        text = _("Your balance is overdue: you owe the co-op %(amount)s.") % {
            "amount": _money(notification, p["amount"])
        }
        return Notice(text, reverse("web:ledger_settle", args=[slug]))
    raise ValueError(f"no words for the notification kind {kind!r}")
