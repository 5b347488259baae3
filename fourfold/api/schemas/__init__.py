from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from fourfold.lib.money import PLAIN_DECIMAL, PLAIN_DECIMAL_PATTERN, plain


class Input(Schema):
    """The base of every request body: a field the API does not know is refused (422) rather
    than ignored, so a misspelt "ammount" or a "currency" it would not honour never passes in
    silence."""

    model_config = ConfigDict(extra="forbid")


def _decimal_number(value):
    # A quantity that is not money (hours, minutes, a weight) may be a JSON number, as a person
    # would write it: 3, 3.5 or "3.5". Any JSON number is taken (the service says whether it is
    # in range); a string must match the documented pattern exactly. Never money: money is a
    # decimal string, for the cents.
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = Decimal(repr(value) if isinstance(value, float) else str(value))
        if number.is_finite():
            return number
    if isinstance(value, str) and PLAIN_DECIMAL.fullmatch(value):
        return Decimal(value)
    raise PydanticCustomError("decimal", _("enter a number such as 3.5"))


# A decimal arrives as a JSON number or a decimal string ("6.50"). Pydantic documents any string;
# the pattern tells clients which strings parse.
DecimalIn = Annotated[
    Decimal,
    BeforeValidator(_decimal_number),
    WithJsonSchema(
        {"anyOf": [{"type": "number"}, {"type": "string", "pattern": PLAIN_DECIMAL_PATTERN}]}
    ),
]


def _money_text(value):
    # Money is a decimal string, never a JSON number: a float has no cents, only approximations.
    if not isinstance(value, str):
        raise PydanticCustomError("money", _('send money as a decimal string, e.g. "12.50"'))
    return value


# Money: a decimal string in the co-op's currency. The service parses it (one parser, in
# fourfold.lib.money), so the web's forms and the API refuse the same things the same way.
MoneyIn = Annotated[
    str,
    BeforeValidator(_money_text),
    # No pattern here: the service's parse refuses what it cannot read (400, naming the field),
    # the same for the web's forms.
    Field(max_length=32),
]


def _iso_date(value):
    # Pydantic would also take 0 or 1700000000 as a date (Unix time): we want YYYY-MM-DD only.
    if isinstance(value, date) or (
        isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)
    ):
        return value
    raise PydanticCustomError("date", _("use an ISO 8601 date, YYYY-MM-DD"))


IsoDate = Annotated[date, BeforeValidator(_iso_date)]


def _json_int(value):
    # JSON Schema's integer: 2 and 2.0 yes; "2", true or 2.5 no (Pydantic alone would take the
    # first two and refuse 2.0 in strict mode).
    if isinstance(value, bool):
        raise PydanticCustomError("integer", _("enter a whole number"))
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int):
        return value
    raise PydanticCustomError("integer", _("enter a whole number"))


JsonInt = Annotated[int, BeforeValidator(_json_int)]


class FieldError(Schema):
    field: str = Field(description='The input at fault, e.g. "hours" or "split.alice".')
    message: str = Field(description="What is wrong with it, in words.")


class Error(Schema):
    detail: str = Field(description="What went wrong, in words.")
    code: str = Field(description="A stable machine-readable code, e.g. principle_violation.")
    principle: str | None = Field(None, description="The principle refused, if any.")
    words: list[str] | None = Field(
        None, description="principle_check (422): the words that were asked about."
    )
    field: str | None = Field(None, description="The input field at fault, if any.")
    errors: list[FieldError] | None = Field(
        None, description="Input that does not fit the schema (422): one entry per field."
    )


class SignupIn(Input):
    username: str = Field(max_length=150)
    email: str = Field(max_length=254)
    password: str = Field(max_length=4096)


class UserOut(Schema):
    username: str
    email: str


class TokenIn(Input):
    username: str = Field(max_length=150)
    password: str = Field(max_length=4096)


class TokenOut(Schema):
    token: str


class CoopIn(Input):
    slug: str = Field(max_length=50, examples=["somerville"])
    name: str = Field(max_length=120, examples=["Somerville Yogurt Cooperative"])
    product: str = Field(max_length=120, examples=["yogurt"])
    unit: str = Field(max_length=40, examples=["quart"])
    kind: Literal["good", "service"] = Field(
        "good",
        description="A good (made in batches) or a service (given in sessions): picks the "
        "words members read.",
    )
    unit_plural: str = Field(
        "",
        max_length=40,
        description='The unit for more than one ("quarts"); empty: guessed from unit.',
        examples=["quarts"],
    )
    cadence: str = Field(
        max_length=255, description="An RFC 5545 RRULE.", examples=["FREQ=WEEKLY;BYDAY=SU"]
    )
    target_quantity: JsonInt = Field(description="Units per batch, at least 1.", examples=[20])
    producers_per_batch: JsonInt = Field(examples=[2])
    currency: str = Field(max_length=3, description="ISO 4217 code.", examples=["USD"])
    commercial_unit_price: MoneyIn = Field(examples=["6.50"])
    diy_minutes_per_unit: DecimalIn = Field(examples=["30"])
    timezone: str = Field(
        "UTC",
        max_length=64,
        description="IANA time zone of the co-op.",
        examples=["America/New_York"],
    )


class CoopOut(Schema):
    slug: str
    name: str
    product: str
    kind: str
    unit: str
    unit_plural: str
    cadence: str
    timezone: str
    target_quantity: int
    producers_per_batch: int
    currency: str
    commercial_unit_price: str = Field(description='A decimal string, e.g. "6.50".')
    diy_minutes_per_unit: str = Field(description='A decimal string, e.g. "30".')
    founded_at: datetime

    @staticmethod
    def resolve_commercial_unit_price(coop) -> str:
        return plain(coop.commercial_unit_price, coop.currency)

    @staticmethod
    def resolve_diy_minutes_per_unit(coop) -> str:
        return f"{coop.diy_minutes_per_unit.normalize():f}"


class MemberOut(Schema):
    username: str = Field(alias="user.username")
    status: str
    joined_on: date


class MembershipOut(MemberOut):
    coop: str = Field(alias="coop.slug")


class InvitationOut(Schema):
    code: str
    url: str
    expires_at: datetime


# Every operation may answer these: 400 a body that is not JSON (or an address or a header
# too long), 413 a body over the size limit, 422 input that does not fit the schema, 503 while
# the database is unreachable.
ALWAYS = (400, 413, 422, 503)


def errors(*codes: int, authenticated: bool = True) -> dict:
    """The error answers an operation documents: every one may refuse malformed input (400 for
    a body that is not JSON or an address or header too long, 413 for a body too large, 422
    for input that does not fit the schema) or be unable to reach the database (503); an
    authenticated one may also refuse a missing or wrong token (401)."""
    return {frozenset({*ALWAYS, *codes, *((401,) if authenticated else ())}): Error}
