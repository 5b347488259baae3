"""The words a co-op's members read, picked by its kind: a good is made in batches that members
reserve and collect; a service is held in sessions that members book and use.

Each word is a whole msgid of its own in both forms, never a noun put into a sentence: "Record
the batch made" and "Record the session held" are two sentences a translator sees, since other
languages inflect the noun, the verb and the article together. Nouns here serve headings and
labels; a sentence chooses between two complete translatable sentences where it is written
(``{% if coop.is_service %}{% translate "…" %}{% else %}{% translate "…" %}{% endif %}`` in a
template, ``service_or_good`` in Python).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from fourfold.coops.models import Cooperative


@dataclass(frozen=True)
class Vocabulary:
    """One co-op's words, as lazy strings: translated when read, in the reader's language."""

    batch: Promise
    batches: Promise
    Batch: Promise
    Batches: Promise
    made: Promise
    make: Promise
    producer: Promise
    producers: Promise
    Producers: Promise
    collect: Promise
    collected: Promise
    reserve: Promise
    reservation: Promise
    # The pick-up day: a good's shares are collected at the fridge, a service's members
    # checked in at the desk.
    Pickups: Promise
    Collected: Promise
    Uncollected: Promise


GOOD_WORDS = Vocabulary(
    batch=_("batch"),
    batches=_("batches"),
    Batch=_("Batch"),
    Batches=_("Batches"),
    made=_("made"),
    make=_("make"),
    producer=_("producer"),
    producers=_("producers"),
    Producers=_("Producers"),
    collect=_("collect"),
    collected=_("collected"),
    reserve=_("reserve"),
    reservation=_("reservation"),
    Pickups=_("Pick-up list"),
    Collected=_("Collected"),
    Uncollected=_("Not collected yet"),
)

# A bike kitchen's evenings are sessions, its members book a slot and come to use it, and the
# members who fix bikes that evening are its volunteers: words any service co-op (childcare,
# tool library) can read as its own, where "mechanic" would fit bikes alone.
SERVICE_WORDS = Vocabulary(
    batch=_("session"),
    batches=_("sessions"),
    Batch=_("Session"),
    Batches=_("Sessions"),
    made=_("held"),
    make=_("hold"),
    producer=_("volunteer"),
    producers=_("volunteers"),
    Producers=_("Volunteers"),
    collect=_("use"),
    collected=_("used"),
    reserve=_("book"),
    reservation=_("booking"),
    Pickups=_("Check-in list"),
    Collected=_("Checked in"),
    Uncollected=_("Not checked in yet"),
)


def words(coop: Cooperative) -> Vocabulary:
    """The words ``coop``'s pages, e-mails and calendar use for its batches and shares."""
    return SERVICE_WORDS if coop.is_service else GOOD_WORDS


def service_or_good(coop: Cooperative, good: str, service: str) -> str:
    """``service`` for a service co-op, else ``good``: both already translated sentences, so
    that each stays a whole msgid (``service_or_good(coop, _("…"), _("…"))``)."""
    return service if coop.is_service else good
