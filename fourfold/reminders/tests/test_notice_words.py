"""A service co-op's notifications read in service words, a good's in goods words."""

import re

import pytest

from fourfold.reminders.models import Notification
from fourfold.reminders.notices import notice
from fourfold.testing import CoopFactory, UserFactory

pytestmark = pytest.mark.django_db

GOODS_WORDS = re.compile(r"\b(batch(es)?|collect(ed|ion)?|quarts?)\b", re.IGNORECASE)
PARAMS = {
    ("batch", "missed"): {"event": "missed", "day": "2027-03-04", "reason": "no milk", "batch": 1},
    ("batch", "moved"): {"event": "moved", "removed": 2},
    ("share_ready", ""): {"day": "2027-03-04", "units": 2, "batch": 1},
    ("shift_tomorrow", ""): {"day": "2027-03-04", "quantity": 8},
}


@pytest.mark.parametrize("kind, event", list(PARAMS), ids=lambda value: value or "-")
def test_each_batch_notice_speaks_the_coops_words(kind, event):
    member = UserFactory()
    for coop_kind, goods in (("service", False), ("good", True)):
        coop = CoopFactory(
            kind=coop_kind, unit="repair slot" if coop_kind == "service" else "quart"
        )
        text = notice(
            Notification(coop=coop, member=member, kind=kind, params=PARAMS[(kind, event)])
        ).text
        assert bool(GOODS_WORDS.search(text)) is goods, text
