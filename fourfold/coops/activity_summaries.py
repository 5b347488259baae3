"""The activity's sentences: each action of the audit trail, read from the data it writes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from fourfold.coops.models import AuditEvent, Cooperative
from fourfold.coops.vocabulary import service_or_good
from fourfold.errors import PrincipleViolation
from fourfold.lib.dates import describe_cadence, format_day
from fourfold.lib.money import format_money


@dataclass(frozen=True)
class _Event:
    coop: Cooperative
    who: str
    data: Mapping[str, Any]
    names: Mapping[int, str]

    def member(self, key: str) -> str:
        value = self.data.get(key)
        name = self.names.get(value) if isinstance(value, int) else None
        return name or _("a former member")

    def number(self, key: str) -> int:
        value = self.data[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(key)
        return value

    def money(self, key: str) -> str:
        return format_money(Decimal(str(self.data[key])), self.coop.currency)

    def units(self, key: str) -> str:
        return self.coop.units(self.number(key))

    def day(self, key: str) -> str:
        return format_day(date.fromisoformat(str(self.data[key])))


def _declined(e: _Event) -> str:
    if e.data.get("withdrawn"):
        return _("%(who)s withdrew entry #%(id)d") % {"who": e.who, "id": e.number("transaction")}
    if e.data.get("reason"):
        return _("%(who)s declined entry #%(id)d: %(reason)s") % {
            "who": e.who,
            "id": e.number("transaction"),
            "reason": e.data["reason"],
        }
    return _("%(who)s declined entry #%(id)d") % {"who": e.who, "id": e.number("transaction")}


def _expense(e: _Event) -> str:
    if e.data.get("category"):
        # The ledger's categories ("ingredients") are in the catalogue already, as its choices.
        return _("%(who)s recorded an expense of %(amount)s (%(category)s)") % {
            "who": e.who,
            "amount": e.money("amount"),
            "category": _(str(e.data["category"])),
        }
    return _("%(who)s recorded an expense of %(amount)s") % {
        "who": e.who,
        "amount": e.money("amount"),
    }


_PROPOSAL_KINDS = {
    "general": gettext_lazy("a general decision"),
    "rule_change": gettext_lazy("a rule change"),
    "admit_member": gettext_lazy("admitting a member"),
    "remove_member": gettext_lazy("removing a member"),
    "spending": gettext_lazy("a spending approval"),
    "choice": gettext_lazy("a ranked choice"),
    "reversal": gettext_lazy("reversing an entry"),
}


def _opened(e: _Event) -> str:
    what = _PROPOSAL_KINDS.get(e.data.get("kind", ""))
    if what is None:
        return _("%(who)s opened proposal #%(id)s") % {"who": e.who, "id": e.number("proposal")}
    return _("%(who)s proposed %(what)s (#%(id)s)") % {
        "who": e.who,
        "what": what,
        "id": e.number("proposal"),
    }


def _flagged(e: _Event) -> str:
    principle = str(e.data["principle"])
    return _(
        "%(who)s flagged entry #%(id)d as breaking the principle “%(principle)s”: %(reason)s "
        "(proposal #%(proposal)d decides)"
    ) % {
        "who": e.who,
        "id": e.number("transaction"),
        "principle": PrincipleViolation.PRINCIPLES.get(principle, principle),
        "reason": e.data["reason"],
        "proposal": e.number("proposal"),
    }


def _voted(e: _Event) -> str:
    sentences = {
        "agree": _("%(who)s agreed to proposal #%(id)s"),
        "abstain": _("%(who)s abstained on proposal #%(id)s"),
        "disagree": _("%(who)s disagreed with proposal #%(id)s"),
        "block": _("%(who)s blocked proposal #%(id)s"),
        # A ranked choice has no position: the ballot is the ranking.
        "": _("%(who)s ranked the options of proposal #%(id)s"),
    }
    return sentences[e.data.get("position", "")] % {"who": e.who, "id": e.number("proposal")}


def _proxy_given(e: _Event) -> str:
    values = {"who": e.who, "holder": e.member("holder")}
    if e.data.get("proposal"):
        return _("%(who)s asked %(holder)s to vote for them on proposal #%(id)s") % {
            **values,
            "id": e.number("proposal"),
        }
    if e.data.get("until"):
        return _("%(who)s asked %(holder)s to vote for them until %(day)s") % {
            **values,
            "day": e.day("until"),
        }
    return _("%(who)s asked %(holder)s to vote for them") % values


def _closed(e: _Event) -> str:
    sentences = {
        "passed": _("Proposal #%(id)s passed"),
        "failed": _("Proposal #%(id)s failed"),
    }
    return sentences[e.data["status"]] % {"id": e.number("proposal")}


def _facilitators(e: _Event) -> str:
    months = len(e.data["months"])
    return ngettext(
        "The facilitator was planned for %(n)s month",
        "Facilitators were planned for %(n)s months",
        months,
    ) % {"n": months}


def _planned(e: _Event) -> str:
    weeks = e.number("weeks")
    return ngettext(
        "%(who)s planned %(n)s week of production",
        "%(who)s planned %(n)s weeks of production",
        weeks,
    ) % {"who": e.who, "n": weeks}


def _replanned(e: _Event) -> str:
    changed = e.number("changed")
    return ngettext(
        "The shifts were planned again: %(n)s change",
        "The shifts were planned again: %(n)s changes",
        changed,
    ) % {"n": changed}


def _unavailable(e: _Event) -> str:
    if e.data["start"] == e.data["end"]:
        return _("%(who)s cannot produce on %(day)s") % {"who": e.who, "day": e.day("start")}
    return _("%(who)s cannot produce from %(start)s to %(end)s") % {
        "who": e.who,
        "start": e.day("start"),
        "end": e.day("end"),
    }


def _missed(e: _Event) -> str:
    if e.coop.is_service:
        if e.data.get("reason"):
            return _("%(who)s recorded a session as missed: %(reason)s") % {
                "who": e.who,
                "reason": e.data["reason"],
            }
        return _("%(who)s recorded a session as missed") % {"who": e.who}
    if e.data.get("reason"):
        return _("%(who)s recorded a batch as missed: %(reason)s") % {
            "who": e.who,
            "reason": e.data["reason"],
        }
    return _("%(who)s recorded a batch as missed") % {"who": e.who}


def _share(e: _Event) -> str:
    if e.data.get("paused"):
        return _("%(who)s paused their standing share") % {"who": e.who}
    if e.number("units") == 0:
        return _("%(who)s stopped their standing share") % {"who": e.who}
    return service_or_good(
        e.coop,
        _("%(who)s set their standing share to %(units)s a batch"),
        _("%(who)s set their standing booking to %(units)s a session"),
    ) % {
        "who": e.who,
        "units": e.units("units"),
    }


def _own_pickup(e: _Event) -> bool:
    """A member marking their own share (older rows name nobody else: always their own)."""
    return "member" not in e.data or e.member("member") == e.who


# Built when a row is read, so that each sentence speaks the reader's language.
# A service co-op's sentences, where they differ from a good's (below).
_SERVICE_SUMMARIES: dict[str, Callable[[_Event], str]] = {
    "production.rules_followed": lambda e: (
        _("The sessions followed the new rules: %(created)s planned, %(removed)s removed")
        % {"created": e.number("created"), "removed": e.number("removed")}
    ),
    "production.made": lambda e: (
        _("%(who)s recorded a session held: %(units)s")
        % {"who": e.who, "units": e.units("quantity")}
    ),
    "consumption.reservation": lambda e: (
        _("%(who)s booked %(units)s of a session") % {"who": e.who, "units": e.units("units")}
    ),
    "consumption.allocated": lambda e: (
        _("%(who)s shared out a session: %(units)s") % {"who": e.who, "units": e.units("units")}
    ),
    "consumption.collected": lambda e: (
        _("%(who)s used their booking") % {"who": e.who}
        if _own_pickup(e)
        else _("%(who)s marked the booking of %(member)s used")
        % {"who": e.who, "member": e.member("member")}
    ),
    "consumption.collected_undone": lambda e: (
        _("%(who)s took back the mark that the booking of %(member)s was used")
        % {"who": e.who, "member": e.member("member")}
    ),
}
_SUMMARIES: dict[str, Callable[[_Event], str]] = {
    "coop.founded": lambda e: _("%(who)s founded the co-op") % {"who": e.who},
    "coop.imported": lambda e: _("The co-op was brought in from an export"),
    "invitation.created": lambda e: _("%(who)s created an invitation link") % {"who": e.who},
    "membership.joined": lambda e: _("%(who)s accepted an invitation to join") % {"who": e.who},
    "membership.paused": lambda e: _("%(who)s paused their membership") % {"who": e.who},
    "membership.resumed": lambda e: _("%(who)s resumed their membership") % {"who": e.who},
    "membership.left": lambda e: _("%(who)s left the co-op") % {"who": e.who},
    "membership.admitted": lambda e: (
        _("%(member)s was admitted by the members' vote") % {"member": e.member("member")}
    ),
    "membership.removed": lambda e: (
        _("%(member)s was removed by the members' vote") % {"member": e.member("member")}
    ),
    "ledger.contribution": lambda e: (
        _("%(who)s recorded a contribution of %(amount)s")
        % {"who": e.who, "amount": e.money("amount")}
    ),
    "ledger.expense": _expense,
    "ledger.transfer": lambda e: (
        _("%(who)s recorded a transfer of %(amount)s") % {"who": e.who, "amount": e.money("amount")}
    ),
    "ledger.deposit": lambda e: (
        _("%(who)s recorded a buy-in deposit of %(amount)s")
        % {"who": e.who, "amount": e.money("amount")}
    ),
    "ledger.deposit_return": lambda e: (
        _("%(who)s recorded a deposit of %(amount)s returned")
        % {"who": e.who, "amount": e.money("amount")}
    ),
    "ledger.receipt_attached": lambda e: (
        _("%(who)s attached a receipt to entry #%(id)d")
        % {"who": e.who, "id": e.number("transaction")}
    ),
    "ledger.cost_allocation": lambda e: (
        _("%(who)s shared out costs of %(amount)s") % {"who": e.who, "amount": e.money("amount")}
    ),
    "ledger.batch_charge": lambda e: (
        _("%(who)s charged the members %(amount)s of costs")
        % {"who": e.who, "amount": e.money("amount")}
    ),
    "ledger.recurring_created": lambda e: (
        _("%(who)s set up the regular cost “%(what)s”: %(amount)s, %(cadence)s")
        % {
            "who": e.who,
            "what": e.data.get("description", ""),
            "amount": e.money("amount"),
            "cadence": describe_cadence(e.data["cadence"]) or e.data["cadence"],
        }
    ),
    "ledger.spread_ended": lambda e: (
        _("The members ended the spread of entry #%(id)d early: %(amount)s %(rest)s")
        % {
            "id": e.number("transaction"),
            "amount": e.money("remaining"),
            "rest": service_or_good(
                e.coop, _("to the next batch made"), _("to the next session held")
            )
            if e.data.get("rest") == "next_batch"
            else _("written off equally"),
        }
    ),
    "ledger.recurring_ended": lambda e: (
        _("%(who)s ended the regular cost “%(what)s”")
        % {"who": e.who, "what": e.data.get("description", "")}
    ),
    "ledger.flagged": _flagged,
    "ledger.confirmed": lambda e: (
        _("%(who)s confirmed entry #%(id)d") % {"who": e.who, "id": e.number("transaction")}
    ),
    "ledger.declined": _declined,
    "ledger.posted": lambda e: (
        _("Entry #%(id)d of %(amount)s is confirmed by everyone it named, and posted")
        % {"id": e.number("transaction"), "amount": e.money("amount")}
    ),
    "ledger.lapsed": lambda e: (
        _("Entry #%(id)d lapsed: nobody confirmed it in time, and no money moved")
        % {"id": e.number("transaction")}
    ),
    "ledger.reversal_requested": lambda e: (
        _("%(who)s asked to reverse entry #%(id)d") % {"who": e.who, "id": e.number("reverses")}
    ),
    "ledger.reversal": lambda e: (
        _("%(who)s reversed an entry of %(amount)s") % {"who": e.who, "amount": e.money("amount")}
    ),
    "governance.opened": _opened,
    "governance.voted": _voted,
    "governance.proxy_given": _proxy_given,
    "governance.proxy_revoked": lambda e: _("%(who)s withdrew their proxy") % {"who": e.who},
    "governance.closed": _closed,
    "governance.budget_adopted": lambda e: (
        _("The budget of proposal #%(id)s is in force from %(month)s")
        % {
            "id": e.number("proposal"),
            "month": date_format(date.fromisoformat(e.data["month"]), "F Y"),
        }
    ),
    "governance.facilitators_planned": _facilitators,
    "production.planned": _planned,
    "production.rules_followed": lambda e: (
        _("The batches followed the new rules: %(created)s planned, %(removed)s removed")
        % {"created": e.number("created"), "removed": e.number("removed")}
    ),
    "production.replanned": _replanned,
    "production.unavailable": _unavailable,
    "production.available_again": lambda e: (
        _("%(who)s removed dates they could not produce") % {"who": e.who}
    ),
    "production.swap_offered": lambda e: _("%(who)s offered a shift to swap") % {"who": e.who},
    "production.swap_taken": lambda e: (
        _("%(who)s took over a shift from %(member)s")
        % {"who": e.who, "member": e.member("from_member")}
    ),
    "production.swap_cancelled": lambda e: _("%(who)s withdrew a shift offer") % {"who": e.who},
    "production.made": lambda e: (
        _("%(who)s recorded a batch made: %(units)s") % {"who": e.who, "units": e.units("quantity")}
    ),
    "production.missed": _missed,
    "production.calendar_made": lambda e: _("%(who)s created their calendar link") % {"who": e.who},
    "production.calendar_rotated": lambda e: (
        _("%(who)s replaced their calendar link") % {"who": e.who}
    ),
    "consumption.share": _share,
    "consumption.reservation": lambda e: (
        _("%(who)s reserved %(units)s of a batch") % {"who": e.who, "units": e.units("units")}
    ),
    "consumption.allocated": lambda e: (
        _("%(who)s shared out a batch: %(units)s") % {"who": e.who, "units": e.units("units")}
    ),
    "consumption.extra": lambda e: (
        _("%(who)s took %(units)s extra") % {"who": e.who, "units": e.units("units")}
    ),
    "consumption.collected": lambda e: (
        _("%(who)s collected their share") % {"who": e.who}
        if _own_pickup(e)
        else _("%(who)s marked the share of %(member)s collected")
        % {"who": e.who, "member": e.member("member")}
    ),
    "consumption.collected_undone": lambda e: (
        _("%(who)s took back the mark that %(member)s collected their share")
        % {"who": e.who, "member": e.member("member")}
    ),
    "consumption.share_stopped": lambda e: (
        _("The standing share of %(member)s stopped") % {"member": e.member("member")}
    ),
    "reminders.chosen": lambda e: _("%(who)s chose their reminders") % {"who": e.who},
}
# Actions nothing writes any more, whose rows stay in the co-ops' trails and still read as
# sentences: the per-co-op reminder choices became each member's own per-kind choice.
RETIRED_ACTIONS = frozenset({"reminders.chosen"})


def summarise(
    coop: Cooperative, event: AuditEvent, actor: str | None, names: Mapping[int, str]
) -> str:
    """``event`` as a sentence in the reader's language; ``names`` are the usernames of the
    members its data names by id."""
    # No actor: fourfold did it by itself (a proposal closing at its deadline, a re-plan).
    who = actor or _("fourfold")
    summary = (coop.is_service and _SERVICE_SUMMARIES.get(event.action)) or _SUMMARIES.get(
        event.action
    )
    if summary is not None:
        try:
            sentence = summary(_Event(coop=coop, who=who, data=event.data, names=names))
        except (KeyError, TypeError, ValueError, InvalidOperation):
            # A row older or newer than these sentences: said plainly rather than not at all.
            pass
        else:
            # An entry whose words were asked about carries its member's declaration, for
            # everyone to read ("dee declared: this is not paid labour").
            declaration = event.data.get("declaration")
            if isinstance(declaration, str) and declaration:
                sentence = _("%(sentence)s — %(declaration)s") % {
                    "sentence": sentence,
                    "declaration": declaration,
                }
            # An entry that named others waited for them: who, as it was entered.
            awaiting = event.data.get("awaiting")
            if isinstance(awaiting, list) and awaiting:
                sentence = _("%(sentence)s, waiting for %(names)s") % {
                    "sentence": sentence,
                    # "pool": a second member, whoever it is, for a payment from the pool.
                    "names": ", ".join(
                        _("a second member") if name == "pool" else str(name) for name in awaiting
                    ),
                }
            return sentence
    return _("%(who)s: %(action)s") % {"who": who, "action": event.action}
