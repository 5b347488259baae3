"""What the activity answers with: one row of the audit trail, as a sentence."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field


class ActivityOut(Schema):
    at: datetime = Field(description="When, in the co-op's time zone, with its offset.")
    actor: str | None = Field(description="Who did it; null when fourfold did it by itself.")
    action: str = Field(examples=["ledger.expense"])
    summary: str = Field(description="What happened, in a sentence in the reader's language.")
    object: dict[str, str | int] | None = Field(
        description='What it was about, e.g. {"type": "transaction", "id": 12} or '
        '{"type": "member", "username": "eli"}; null when it names nothing.'
    )
