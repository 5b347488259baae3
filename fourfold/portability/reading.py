"""Reading an export's values strictly: the right type, within bounds, or refused with where."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from fourfold.accounts.models import User
from fourfold.errors import Invalid
from fourfold.ledger.models import Account, Category
from fourfold.lib.money import decimal_from_text, to_minor
from fourfold.portability.format import column, is_user_field, places

# The export nests six levels at most (a proposal's result); far deeper is not an export, and
# would exhaust the stack of whatever walks it next.
MAX_DEPTH = 32


def refused(where: str, why: str) -> Invalid:
    return Invalid(
        _("This file cannot be imported: %(where)s: %(why)s") % {"where": where, "why": why}
    )


def scan(data: Any) -> None:
    """Refuse, before anything is read, what no database keeps the same: text with a NUL
    character (PostgreSQL refuses it, SQLite would keep it), and nesting no export has."""
    stack: list[tuple[Any, str, int]] = [(data, _("the file"), 1)]
    while stack:
        value, where, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise refused(where, _("nested deeper than %(n)d levels") % {"n": MAX_DEPTH})
        if isinstance(value, str):
            if "\x00" in value:
                raise refused(where, _("text may not contain NUL characters"))
        elif isinstance(value, dict):
            for key, item in value.items():
                if "\x00" in key:
                    raise refused(where, _("text may not contain NUL characters"))
                stack.append((item, f"{where}.{key}" if depth > 1 else key, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, f"{where}[{i}]", depth + 1) for i, item in enumerate(value))


def as_object(raw: Any, where: str) -> dict:
    if not isinstance(raw, dict):
        raise refused(where, _("expected an object"))
    return raw


def as_list(raw: Any, where: str) -> list:
    if not isinstance(raw, list):
        raise refused(where, _("expected a list"))
    return raw


def as_text(raw: Any, where: str) -> str:
    if not isinstance(raw, str):
        raise refused(where, _("expected a string"))
    return raw


def field_value(field: models.Field, raw: Any, people: dict[str, User], where: str) -> Any:
    """One field's value from the document, checked against the model field."""
    if raw is None:
        if field.null:
            return None
        raise refused(where, _("must not be empty"))
    if is_user_field(field):
        user = people.get(raw) if isinstance(raw, str) else None
        if user is None:
            raise refused(where, _("%(name)r is not listed among the people") % {"name": raw})
        return user
    try:
        if isinstance(field, models.DateTimeField):
            value = dt.datetime.fromisoformat(as_text(raw, where))
            if value.tzinfo is None:
                raise refused(where, _("a time needs its UTC offset"))
            return value
        if isinstance(field, models.DateField):
            return dt.date.fromisoformat(as_text(raw, where))
        if isinstance(field, models.DecimalField):
            number = Decimal(as_text(raw, where))
            if not number.is_finite() or number != number.quantize(places(field)):
                raise refused(where, _("%(value)r is not a decimal we can keep") % {"value": raw})
            return number
    except (ValueError, InvalidOperation) as error:
        raise refused(where, _("%(value)r cannot be read") % {"value": raw}) from error
    if isinstance(field, models.BooleanField):
        if not isinstance(raw, bool):
            raise refused(where, _("expected true or false"))
        return raw
    if isinstance(field, models.IntegerField):
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise refused(where, _("expected a whole number"))
        return raw
    if isinstance(field, models.JSONField):
        return raw
    text = as_text(raw, where)
    if field.max_length is not None and len(text) > field.max_length:
        raise refused(where, _("longer than %(n)d characters") % {"n": field.max_length})
    choices = {str(key) for key, _label in field.flatchoices}
    if choices and text not in choices and not (field.blank and text == ""):
        raise refused(where, _("%(value)r is not one of the choices") % {"value": text})
    return text


def row_load(
    model: type[models.Model],
    raw: Any,
    names: Iterable[str],
    people: dict[str, User],
    where: str,
) -> dict[str, Any]:
    """The model field values of one record; a field the document leaves out keeps the
    model's default where it has one."""
    raw = as_object(raw, where)
    values: dict[str, Any] = {}
    for name in names:
        field = column(model, name)
        if name not in raw:
            if field.has_default() or field.null:
                continue
            raise refused(where, _("%(field)s is missing") % {"field": name})
        values[name] = field_value(field, raw[name], people, f"{where}.{name}")
    return values


def money_minor(raw: Any, currency: str, where: str) -> int:
    """An amount in minor units, exactly: "12.50" is 1250 cents, "12.505" is refused."""
    try:
        # The one parse of a decimal: no "5_000", no "1e1".
        return to_minor(decimal_from_text(as_text(raw, where)), currency)
    except (ValueError, InvalidOperation) as error:
        raise refused(
            where,
            _("%(value)r is not an amount in %(currency)s") % {"value": raw, "currency": currency},
        ) from error


def account_fields(key: Any, people: dict[str, User], where: str) -> dict[str, Any]:
    kind, _colon, rest = as_text(key, where).partition(":")
    if key in (Account.Kind.POOL, Account.Kind.CHARGING):
        return {"kind": key, "user": None, "category": ""}
    if kind in (Account.Kind.MEMBER, Account.Kind.EQUITY) and rest in people:
        return {"kind": kind, "user": people[rest], "category": ""}
    if kind == Account.Kind.COST and rest in Category.values:
        return {"kind": Account.Kind.COST, "user": None, "category": rest}
    raise refused(where, _("%(key)r is not a ledger account") % {"key": key})
