from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import BeforeValidator, Field, WithJsonSchema

from fourfold.lib.money import plain

# A decimal arrives as a JSON number or a decimal string ("6.50"). Pydantic documents any string;
# the pattern tells clients which strings parse.
DecimalIn = Annotated[
    Decimal,
    WithJsonSchema(
        {"anyOf": [{"type": "number"}, {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$"}]}
    ),
]


def _iso_date(value):
    # Pydantic would also take 0 or 1700000000 as a date (Unix time): we want YYYY-MM-DD only.
    if isinstance(value, date) or (
        isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)
    ):
        return value
    raise ValueError("use an ISO 8601 date, YYYY-MM-DD")


IsoDate = Annotated[date, BeforeValidator(_iso_date)]


def _json_int(value):
    # JSON Schema's integer: 2 and 2.0 yes; "2", true or 2.5 no (Pydantic alone would take the
    # first two and refuse 2.0 in strict mode).
    if isinstance(value, bool):
        raise ValueError("expected an integer")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int):
        return value
    raise ValueError("expected an integer")


JsonInt = Annotated[int, BeforeValidator(_json_int)]


class Error(Schema):
    detail: str | list | dict = Field(description="What went wrong, in words.")
    code: str = Field(description="A stable machine-readable code, e.g. principle_violation.")
    principle: str | None = Field(None, description="The principle refused, if any.")
    field: str | None = Field(None, description="The input field at fault, if any.")


class SignupIn(Schema):
    username: str = Field(max_length=150)
    email: str = Field(max_length=254)
    password: str = Field(max_length=4096)


class UserOut(Schema):
    username: str
    email: str


class TokenIn(Schema):
    username: str = Field(max_length=150)
    password: str = Field(max_length=4096)


class TokenOut(Schema):
    token: str


class CoopIn(Schema):
    slug: str = Field(max_length=50, examples=["somerville"])
    name: str = Field(max_length=120, examples=["Somerville Yogurt Cooperative"])
    product: str = Field(max_length=120, examples=["yogurt"])
    unit: str = Field(max_length=40, examples=["quart"])
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
    commercial_unit_price: DecimalIn = Field(examples=["6.50"])
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


def errors(*codes: int, authenticated: bool = True) -> dict:
    """The error answers an operation documents: every one may refuse malformed input (400 for
    a body that is not JSON, 422 for input that does not fit the schema); an authenticated one
    may also refuse a missing or wrong token (401)."""
    return {frozenset({400, 422, *codes, *((401,) if authenticated else ())}): Error}
