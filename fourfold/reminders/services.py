"""Sending reminders by e-mail, each at most once whoever runs the sender and however often;
notifications in-app, by e-mail at once or in a daily digest; and each member's choices."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from fourfold.accounts.models import User
from fourfold.accounts.selectors import user_language
from fourfold.consumption import services as consumption
from fourfold.coops.models import Cooperative
from fourfold.errors import Invalid, NotFound
from fourfold.ledger import consent, recurring
from fourfold.reminders import push, selectors, tasks
from fourfold.reminders.mail import letter_send, unsubscribe_read
from fourfold.reminders.models import (
    Notification,
    NotificationPreference,
    SentReminder,
)
from fourfold.reminders.notices import Delivery, kind_label, notice
from fourfold.reminders.selectors import Reminder, reminders_all, reminders_due

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RoundDone:
    lapsed: int
    sent: int
    digests: int = 0
    pushed: int = 0


def round_run(*, now: datetime | None = None) -> RoundDone:
    """The hourly round: recurring costs enter the periods now due (each charged to its
    period's batches already made), entries that waited too long for consent lapse, then the
    reminders that are due go out (and stay in-app as notifications), and the daily digests
    once their hour has come; the notifications that want a push and had none yet (the
    reminders' among them) are pushed."""
    now = now or timezone.now()
    for entry in recurring.recurring_due(now=now).entries:
        consumption.period_catch_up(expense=entry, by=None)
    lapsed = consent.entries_lapse(now=now)
    sent = send_reminders(now=now) + emails_retry(now=now)
    recent = Notification.objects.filter(created_at__gte=now - RETRY_FOR, created_at__lte=now)
    return RoundDone(
        lapsed=lapsed,
        sent=sent,
        digests=digests_send(now=now),
        pushed=push.pushes_send(recent, now=now),
    )


def _reminder_notices_record(reminders: list[Reminder], now: datetime) -> None:
    """The reminders the round finds are notifications too, whether or not they are e-mailed:
    one rule for when a shift or a vote is worth telling, and it lives in the selectors."""
    Notification.objects.bulk_create(
        [
            Notification(
                coop=r.coop,
                member=r.member,
                kind=r.notice_kind,
                subject=r.notice_subject,
                params=r.params,
                created_at=now,
            )
            for r in reminders
            if r.params is not None
        ],
        ignore_conflicts=True,
    )


def send_reminders(*, now: datetime | None = None) -> int:
    """Send every reminder that is due; returns how many went out. Safe to run at any time,
    from any number of processes at once: a reminder is sent at most once."""
    now = now or timezone.now()
    candidates = reminders_all(now=now)
    _reminder_notices_record(candidates, now)
    sent = 0
    for reminder in reminders_due(now=now, candidates=candidates):
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
                # The reminder is its notification's e-mail: the digest and the e-mail step
                # leave it alone.
                Notification.objects.filter(
                    coop=reminder.coop,
                    member=reminder.member,
                    kind=reminder.notice_kind,
                    subject=reminder.notice_subject,
                    emailed_at__isnull=True,
                ).update(emailed_at=now)
                with override(user_language(reminder.member)):
                    letter_send(
                        member=reminder.member,
                        kind=reminder.notice_kind,
                        subject=reminder.subject,
                        template="reminders/email/reminder",
                        context={
                            "body": reminder.body,
                            "about": kind_label(reminder.notice_kind, coops=[reminder.coop]),
                        },
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


# --- Notifications -------------------------------------------------------------------------

# The daily digest goes out with the first round at or after this hour, in the installation's
# time zone (settings.TIME_ZONE): members have no zone of their own.
DIGEST_HOUR = 18


def notify(
    *,
    coop: Cooperative,
    kind: str,
    subject: str,
    params: Mapping[str, object],
    member_ids: Iterable[int],
    now: datetime | None = None,
    params_of: Mapping[int, Mapping[str, object]] | None = None,
) -> None:
    """Tell the members about ``subject``: in-app at once, ``params_of`` adding what is each
    member's own (their units); the e-mails and pushes to those who want ``kind`` so are
    queued for the worker (``tasks.notifications_send``), so that a slow mail server or push
    service never holds up the change that caused them. Told once: the same kind and subject
    again adds nothing and sends nothing.
    Call it after the change committed (the e-mail must not announce a rolled-back change)."""
    now = now or timezone.now()
    Notification.objects.bulk_create(
        [
            Notification(
                coop=coop,
                member_id=member_id,
                kind=kind,
                subject=subject,
                params={**params, **(params_of or {}).get(member_id, {})},
                created_at=now,
            )
            for member_id in sorted(set(member_ids))
        ],
        ignore_conflicts=True,
    )
    tasks.notifications_send.enqueue(coop.pk, kind, subject)


@dataclass(frozen=True)
class Delivered:
    emailed: int
    pushed: int


def notifications_deliver(
    *, coop: Cooperative, kind: str, subject: str, now: datetime | None = None
) -> Delivered:
    """Send the e-mails and pushes of ``coop``'s notifications of ``kind`` about ``subject``
    that have not gone yet. Each goes once, however often this runs. An e-mail that could not
    be sent stays unsent, and the hourly round tries it again (``emails_retry``); a push that
    could not be delivered is logged and stays in-app (``push.push_send``)."""
    now = now or timezone.now()
    emailed = _emails_send(coop=coop, kind=kind, subject=subject, now=now)
    pushed = push.pushes_send(
        Notification.objects.filter(coop=coop, kind=kind, subject=subject), now=now
    )
    return Delivered(emailed=emailed, pushed=pushed)


def _emails_send(*, coop: Cooperative, kind: str, subject: str, now: datetime) -> int:
    waiting = (
        selectors.delivered_by(
            Notification.objects.filter(
                coop=coop, kind=kind, subject=subject, emailed_at__isnull=True
            ).select_related("coop", "member"),
            Delivery.EMAIL,
        )
        .exclude(member__email="")
        .order_by("pk")
    )
    sent = 0
    for notification in waiting:
        member = notification.member
        try:
            with transaction.atomic():
                # Compare and swap: of two processes telling the same, one sends. A failed
                # send rolls the mark back.
                claimed = Notification.objects.filter(
                    pk=notification.pk, emailed_at__isnull=True
                ).update(emailed_at=now)
                if not claimed:
                    continue
                with override(user_language(member)):
                    said = notice(notification)
                    letter_send(
                        member=member,
                        kind=kind,
                        subject=f"[{coop.name}] {said.text}",
                        template="reminders/email/notification",
                        context={
                            "coop": coop,
                            "text": said.text,
                            "link": settings.SITE_URL + said.path,
                            "about": kind_label(kind, coops=[coop]),
                            "preferences": _preferences_url(),
                        },
                    )
        except OSError:  # smtplib's errors included: it stays in-app
            logger.warning(
                "could not send a %s notification to %s", kind, member.username, exc_info=True
            )
            continue
        sent += 1
    return sent


# The kinds whose e-mail is a reminder of the round's (send_reminders), not the event's.
REMINDED = {
    Notification.Kind.SHIFT_TOMORROW,
    Notification.Kind.VOTE_CLOSING,
    Notification.Kind.BALANCE,
}
# An event's e-mail that could not go out is tried again by the rounds this long; then it
# stays in-app only: news a day old is the digest's or the page's.
RETRY_FOR = timedelta(days=1)


def emails_retry(*, now: datetime | None = None) -> int:
    """Send the events' e-mails that failed (the SMTP server was away); returns how many."""
    now = now or timezone.now()
    waiting = (
        selectors.delivered_by(
            Notification.objects.filter(
                emailed_at__isnull=True, created_at__gte=now - RETRY_FOR, created_at__lt=now
            ).exclude(kind__in=REMINDED),
            Delivery.EMAIL,
        )
        .exclude(member__email="")
        .values_list("coop_id", "kind", "subject")
        .distinct()
    )
    subjects = sorted(set(waiting))
    coops = Cooperative.objects.in_bulk({coop_id for coop_id, _kind, _subject in subjects})
    return sum(
        _emails_send(coop=coops[coop_id], kind=kind, subject=subject, now=now)
        for coop_id, kind, subject in subjects
    )


def _preferences_url() -> str:
    return settings.SITE_URL + reverse("web:notifications")


def digest_cutoff(now: datetime) -> datetime:
    """The last digest hour at or before ``now``: a digest tells what came before it, and
    what comes after waits for the next day's."""
    zone = timezone.get_default_timezone()
    local = now.astimezone(zone)
    day = local.date() if local.time() >= time(DIGEST_HOUR) else local.date() - timedelta(days=1)
    return datetime.combine(day, time(DIGEST_HOUR), tzinfo=zone)


class _Raced(Exception):
    """Another round sent part of this digest meanwhile."""


def digests_send(*, now: datetime | None = None) -> int:
    """Send each member who wants digests one e-mail with their unread notifications from
    before the digest hour, each in one digest only; returns how many digests went out."""
    now = now or timezone.now()
    due = selectors.delivered_by(
        Notification.objects.filter(
            digest_sent_at__isnull=True,
            emailed_at__isnull=True,
            read_at__isnull=True,
            created_at__lt=digest_cutoff(now),
        ),
        Delivery.DIGEST,
    ).exclude(member__email="")
    member_ids = sorted(set(due.values_list("member_id", flat=True)))
    sent = 0
    for member_id in member_ids:
        rows = list(
            due.filter(member_id=member_id)
            .select_related("coop", "member")
            .order_by("created_at", "pk")
        )
        member = rows[0].member
        try:
            with transaction.atomic():
                claimed = Notification.objects.filter(
                    pk__in=[row.pk for row in rows], digest_sent_at__isnull=True
                ).update(digest_sent_at=now)
                if claimed != len(rows):
                    raise _Raced
                with override(user_language(member)):
                    items = []
                    for row in rows:
                        said = notice(row)
                        items.append(
                            {
                                "coop": row.coop.name,
                                "text": said.text,
                                "link": settings.SITE_URL + said.path,
                            }
                        )
                    letter_send(
                        member=member,
                        kind=DIGEST,
                        subject=_("Your fourfold digest"),
                        template="reminders/email/digest",
                        context={"items": items, "preferences": _preferences_url()},
                    )
        except _Raced:
            continue
        except OSError:
            logger.warning("could not send a digest to %s", member.username, exc_info=True)
            continue
        sent += 1
    return sent


# An unsubscribe link in a digest names no one kind: it stops every kind sent by digest.
DIGEST = "digest"


def notification_read(*, member: User, pk: int, now: datetime | None = None) -> Notification:
    """Mark one of ``member``'s notifications read. Another member's is not found."""
    notification = selectors.notifications_of(member=member).filter(pk=pk).first()
    if notification is None:
        raise NotFound(_("No such notification."))
    if notification.read_at is None:
        notification.read_at = now or timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_read_all(*, member: User, now: datetime | None = None) -> int:
    """Mark all of ``member``'s notifications read; returns how many were unread."""
    return Notification.objects.filter(member=member, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )


def notification_preferences_set(
    *, member: User, choices: Mapping[str, str], now: datetime | None = None
) -> dict[str, str]:
    """Choose how ``member`` gets each kind named in ``choices`` (the others keep theirs);
    returns every kind's delivery. A member's own setting: it is in no co-op's trail."""
    kinds, deliveries = set(Notification.Kind), set(Delivery)
    for kind, delivery in choices.items():
        if kind not in kinds:
            raise Invalid(_("There is no kind of notification called %r.") % kind, field=kind)
        if delivery not in deliveries:
            raise Invalid(
                _("Choose one of %(choices)s.") % {"choices": ", ".join(deliveries)}, field=kind
            )
    now = now or timezone.now()
    with transaction.atomic():
        for kind, delivery in choices.items():
            NotificationPreference.objects.update_or_create(
                member=member, kind=kind, defaults={"delivery": delivery, "updated_at": now}
            )
    return selectors.deliveries_of(member=member)


def unsubscribe(*, token: str, now: datetime | None = None) -> tuple[User, list[str]]:
    """What an e-mail's unsubscribe link does: the kind it names (or, from a digest, every
    kind sent by digest) comes in-app only. Returns the member and those kinds."""
    try:
        member_id, kind = unsubscribe_read(token)
    except signing.BadSignature as error:
        raise NotFound(_("This unsubscribe link is not valid.")) from error
    member = User.objects.filter(pk=member_id).first()
    if member is None:
        raise NotFound(_("This unsubscribe link is not valid."))
    if kind == DIGEST:
        chosen = selectors.deliveries_of(member=member)
        kinds = [k for k, delivery in chosen.items() if delivery == Delivery.DIGEST]
    elif kind in set(Notification.Kind):
        kinds = [kind]
    else:
        raise NotFound(_("This unsubscribe link is not valid."))
    notification_preferences_set(member=member, choices=dict.fromkeys(kinds, Delivery.APP), now=now)
    return member, kinds
