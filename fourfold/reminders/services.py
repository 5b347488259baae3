"""Sending reminders by e-mail, each at most once whoever runs the sender and however often;
and each member's choice of reminders."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from fourfold.accounts.models import User
from fourfold.consumption import services as consumption
from fourfold.coops.audit import audit_record
from fourfold.coops.models import Cooperative
from fourfold.ledger import consent, recurring
from fourfold.reminders.models import ReminderPreference, SentReminder
from fourfold.reminders.selectors import reminders_due

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RoundDone:
    lapsed: int
    sent: int


def round_run(*, now: datetime | None = None) -> RoundDone:
    """The hourly round: recurring costs enter the periods now due (each charged to its
    period's batches already made), entries that waited too long for consent lapse, then the
    reminders that are due go out."""
    now = now or timezone.now()
    for entry in recurring.recurring_due(now=now).entries:
        consumption.period_catch_up(expense=entry, by=None)
    lapsed = consent.entries_lapse(now=now)
    return RoundDone(lapsed=lapsed, sent=send_reminders(now=now))


def send_reminders(*, now: datetime | None = None) -> int:
    """Send every reminder that is due; returns how many went out. Safe to run at any time,
    from any number of processes at once: a reminder is sent at most once."""
    now = now or timezone.now()
    sent = 0
    for reminder in reminders_due(now=now):
        try:
            with transaction.atomic():
                # The row first: if another run recorded it meanwhile, the unique constraint
                # refuses it here and nothing is sent. If sending fails, the row is rolled
                # back with it, so the next run tries again.
                SentReminder.objects.create(
                    coop=reminder.coop,
                    member=reminder.member,
                    kind=reminder.kind,
                    key=reminder.key,
                    sent_at=now,
                )
                send_mail(
                    reminder.subject,
                    reminder.body,
                    settings.DEFAULT_FROM_EMAIL,
                    [reminder.member.email],
                )
        except IntegrityError:
            continue
        except OSError:  # smtplib's errors included: the server may be back next hour
            logger.warning(
                "could not send a %s reminder to %s",
                reminder.kind,
                reminder.member.username,
                exc_info=True,
            )
            continue
        sent += 1
    return sent


def preference_set(
    *,
    coop: Cooperative,
    member: User,
    shifts: bool,
    votes: bool,
    balance: bool,
    consent: bool = True,
) -> ReminderPreference:
    """Choose which reminders ``member`` gets from ``coop``."""
    now = timezone.now()
    with transaction.atomic():
        preference, _created = ReminderPreference.objects.update_or_create(
            coop=coop,
            member=member,
            defaults={
                "shifts": shifts,
                "votes": votes,
                "balance": balance,
                "consent": consent,
                "updated_at": now,
            },
        )
        audit_record(
            coop=coop,
            actor=member,
            action="reminders.chosen",
            at=now,
            shifts=shifts,
            votes=votes,
            balance=balance,
            consent=consent,
        )
    return preference
