from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from fourfold.coops.models import Cooperative
from fourfold.ledger.models import Transaction
from fourfold.lib.dates import describe_cadence, format_day, format_moment
from fourfold.lib.language import format_ratio, zone_in_words
from fourfold.lib.money import format_money, from_minor
from fourfold.web.forms.accounts import language_choices
from fourfold.web.presenters.ledger import kind_label

register = template.Library()


@register.filter
def cadence(rule: str) -> str:
    """``{{ coop.cadence|cadence }}``: "every Sunday", or the rule itself when it is too unusual
    to put in words."""
    return describe_cadence(rule) or rule


@register.filter
def day(value: date | datetime | None) -> str:
    """``{{ batch.date|day }}``: the one way a day is written, "Tue 1 Dec 2026"."""
    if value is None or value == "":
        return ""
    return format_day(value)


@register.filter(expects_localtime=True)
def moment(value: datetime | None) -> str:
    """``{{ entry.entered_at|moment }}``: the one way an instant is written, in the co-op's
    time zone: "Tue 1 Dec 2026, 16:45"."""
    if value is None or value == "":
        return ""
    return format_moment(value)


@register.filter(expects_localtime=True)
def until(moment: datetime) -> str:
    """A deadline as people read it: one at midnight is "the end of" the day before (a
    deadline of "Fri 00:00" reads as Friday evening to most), else the day and the time."""
    if moment.time() == time(0):
        return _("the end of %(day)s") % {"day": format_day(moment.date() - timedelta(days=1))}
    return format_moment(moment)


@register.filter
def zone(name: str) -> str:
    """``{{ coop.timezone|zone }}``: the time zone as people say it ("Eastern Time"), in the
    reader's language; the zone's own name when there is no common one."""
    return zone_in_words(name)


@register.filter
def money(amount: Decimal | None, currency: str) -> str:
    """``{{ amount|money:coop.currency }}`` in the reader's language: $6.50, 6,50 €."""
    if amount is None:
        return ""
    return format_money(amount, currency)


@register.filter
def minor(units: int | None, currency: str) -> Decimal | None:
    """The ledger's whole minor units (cents) as an amount: ``{{ x|minor:cur|money:cur }}``."""
    if units is None:
        return None
    return from_minor(units, currency)


@register.filter
def percent(ratio: float | None) -> str:
    """``{{ figure.ratio|percent }}``: 0.833 becomes 83% in the reader's language; no ratio
    (nothing was due) becomes an em dash."""
    if ratio is None:
        return "\u2014"
    return format_ratio(ratio)


@register.simple_tag
def units(count: int, coop: Cooperative) -> str:
    """``{% units batch.planned_quantity coop %}``: "1 quart", "24 quarts" — the co-op's unit
    for that count (see ``Cooperative.unit_for``)."""
    return coop.units(count)


@register.filter
def unit_for(coop: Cooperative, count: int) -> str:
    """``{{ coop|unit_for:n }}``: the unit alone for ``n`` of it, where a sentence places the
    number itself: "quart" for 1, "quarts" for any other count."""
    return coop.unit_for(count)


@register.filter
def entry_kind(item: Transaction, coop: Cooperative) -> str:
    """What kind of ledger entry ``item`` is, in the co-op's words."""
    return kind_label(item.kind, coop)


@register.simple_tag
def languages() -> list[tuple[str, str]]:
    """The languages offered, each named in itself, for the switcher."""
    return language_choices()
