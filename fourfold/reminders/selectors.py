"""What reminders are due: the day before a member's shift, a vote closing within two days that
they have not voted on, and a balance long overdue or beyond the co-op's owing limit; less what
went out already and what the member turned off."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from fourfold.accounts.models import User
from fourfold.accounts.selectors import user_language
from fourfold.coops.models import Cooperative
from fourfold.coops.selectors import active_members_by_coop, coop_today
from fourfold.coops.vocabulary import service_or_good
from fourfold.governance import votes as governance_votes
from fourfold.governance.models import Proposal
from fourfold.ledger.models import Account, ConsentAsk
from fourfold.ledger.selectors import FUNDER_DEBT_WEEKS, WINDOW_WEEKS, member_money, window
from fourfold.lib.dates import format_day, format_moment
from fourfold.lib.money import format_money
from fourfold.production.models import Batch, Shift
from fourfold.reminders.models import (
    Notification,
    NotificationPreference,
    SentReminder,
)
from fourfold.reminders.notices import DEFAULT_DELIVERY, Delivery

VOTE_WARNING = timedelta(hours=48)  # a vote closing this soon is worth an e-mail
Kind = SentReminder.Kind
# An entry waiting for a member's confirmation: told at the next round, then reminded this often.
CONSENT_EVERY = timedelta(days=3)


@dataclass(frozen=True)
class Reminder:
    coop: Cooperative
    member: User
    kind: str
    key: str
    subject: str
    body: str
    # The notification kind it belongs to: the member's choice for that kind says whether it
    # is e-mailed. With ``params`` the round also keeps it in-app, as a Notification about
    # ``notice_subject``; without, the event that caused it did that already.
    notice_kind: str
    notice_subject: str
    params: dict[str, object] | None

    @property
    def identity(self) -> tuple[int, int, str, str]:
        return (self.coop.pk, self.member.pk, self.kind, self.key)


def _link(name: str, *args) -> str:
    return settings.SITE_URL + reverse(f"web:{name}", args=args)


def _reminder(
    coop: Cooperative,
    member: User,
    kind: str,
    key: str,
    subject: str,
    *lines: str,
    notice: tuple[str, str, dict[str, object] | None],
) -> Reminder:
    """A plain-text letter: greeting, what it is about, and how to turn it off."""
    footer = _(
        "You get this e-mail as a member of %(coop)s. To choose which reminders you get: %(link)s"
    ) % {"coop": coop.name, "link": _link("notifications")}
    greeting = _("Hello %(name)s,") % {"name": member.get_full_name() or member.username}
    return Reminder(
        coop=coop,
        member=member,
        kind=kind,
        key=key,
        subject=f"[{coop.name}] {subject}",
        body="\n\n".join([greeting, *lines, footer]) + "\n",
        notice_kind=notice[0],
        notice_subject=notice[1],
        params=notice[2],
    )


def _shift_reminders(now: datetime) -> list[Reminder]:
    # Every co-op's "tomorrow" lies within a day of UTC's; the exact one is checked in the
    # co-op's own zone below, so one query serves co-ops in every time zone.
    utc_today = now.astimezone(UTC).date()
    shifts = [
        shift
        for shift in Shift.objects.filter(
            member__isnull=False,
            done=False,
            batch__status=Batch.Status.PLANNED,
            batch__date__gte=utc_today,
            batch__date__lte=utc_today + timedelta(days=2),
        )
        .select_related("batch__coop")
        .order_by("batch__date", "pk")
        if shift.batch.date == coop_today(shift.batch.coop, now=now) + timedelta(days=1)
    ]
    members = active_members_by_coop(coop_ids={shift.batch.coop_id for shift in shifts})
    reminders = []
    for shift in shifts:
        batch, coop = shift.batch, shift.batch.coop
        member = members[coop.pk].get(shift.member_id) if shift.member_id is not None else None
        if member is None:  # paused or gone: the rotation will give the shift to someone else
            continue
        with override(user_language(member)):
            day = format_day(batch.date)
            what = service_or_good(
                coop,
                _(
                    "You are one of the producers of tomorrow's batch: %(day)s, %(n)d %(unit)s "
                    "of %(product)s."
                ),
                _(
                    "You are one of the volunteers of tomorrow's session: %(day)s, %(n)d "
                    "%(unit)s of %(product)s."
                ),
            ) % {
                "day": day,
                "n": batch.planned_quantity,
                "unit": coop.unit_for(batch.planned_quantity),
                "product": coop.product,
            }
            swap = _("If you cannot come, offer your shift on the swap board: %(link)s") % {
                "link": _link("production_shifts", coop.slug)
            }
            subject = _("Your shift tomorrow, %(day)s") % {"day": day}
            params = {
                "shift": shift.pk,
                "day": batch.date.isoformat(),
                "quantity": batch.planned_quantity,
            }
            notice = (Notification.Kind.SHIFT_TOMORROW, str(shift.pk), params)
            reminders.append(
                _reminder(
                    coop, member, Kind.SHIFT, str(shift.pk), subject, what, swap, notice=notice
                )
            )
    return reminders


def _vote_reminders(now: datetime) -> list[Reminder]:
    proposals = list(
        Proposal.objects.filter(
            status=Proposal.Status.OPEN, closes_at__gt=now, closes_at__lte=now + VOTE_WARNING
        )
        .select_related("coop")
        .order_by("closes_at", "pk")
    )
    members = active_members_by_coop(coop_ids={proposal.coop_id for proposal in proposals})
    reminders = []
    for proposal in proposals:
        coop = proposal.coop
        # Counted: who voted, and who named a proxy who voted. Neither needs reminding.
        counted = governance_votes.tally(proposal, now)["counted"]
        params = {
            "proposal": proposal.pk,
            "title": proposal.title,
            "closes_at": proposal.closes_at.isoformat(),
        }
        notice = (Notification.Kind.VOTE_CLOSING, str(proposal.pk), params)
        for member_id, member in sorted(members[coop.pk].items()):
            if member_id in counted:
                continue
            with override(user_language(member)):
                what = _(
                    "“%(title)s” closes on %(closes)s (%(zone)s), and you have not voted yet."
                ) % {
                    "title": proposal.title,
                    "closes": format_moment(proposal.closes_at, coop.zone),
                    "zone": coop.timezone,
                }
                vote = _("Agree, disagree, abstain or block here: %(link)s") % {
                    "link": _link("proposal", coop.slug, proposal.pk)
                }
                subject = _("Vote closing soon: %(title)s") % {"title": proposal.title}
                reminders.append(
                    _reminder(
                        coop,
                        member,
                        Kind.VOTE,
                        str(proposal.pk),
                        subject,
                        what,
                        vote,
                        notice=notice,
                    )
                )
    return reminders


def _balance_reminders(now: datetime) -> list[Reminder]:
    # A member's account holds what the co-op owes them (credit-normal), so a positive total
    # is a debt to the co-op. Only co-ops where someone owes anything are looked at.
    owing = Account.objects.filter(kind=Account.Kind.MEMBER, total_minor__gt=0)
    coops = list(Cooperative.objects.filter(pk__in=owing.values("coop_id")).order_by("pk"))
    members = active_members_by_coop(coop_ids={coop.pk for coop in coops})
    reminders = []
    for coop in coops:
        today = coop_today(coop, now=now)
        ids = sorted(members[coop.pk])
        _paid, charged, balance = member_money(coop, ids, *window(coop, today))
        year, week, _weekday = today.isocalendar()
        for member_id in ids:
            # The funder audit's "long overdue" (insights): owing more than four weeks of
            # one's costs over its rolling window.
            weekly_cost = charged[member_id] / WINDOW_WEEKS
            owed = -balance[member_id]
            # Or beyond the co-op's owing limit, however recent the debt.
            beyond_limit = coop.owing_limit is not None and owed > coop.owing_limit
            if not (owed > 0 and (beyond_limit or owed > weekly_cost * FUNDER_DEBT_WEEKS)):
                continue
            member = members[coop.pk][member_id]
            with override(user_language(member)):
                if beyond_limit:
                    what = _(
                        "You owe the co-op %(amount)s, more than its limit of %(limit)s. Until "
                        "you settle up you can take your standing share, but reserve or claim "
                        "no more."
                    ) % {
                        "amount": format_money(owed, coop.currency),
                        "limit": format_money(coop.owing_limit or Decimal(0), coop.currency),
                    }
                else:
                    what = _(
                        "You owe the co-op %(amount)s, more than %(weeks)d weeks of your share "
                        "of its costs."
                    ) % {"amount": format_money(owed, coop.currency), "weeks": FUNDER_DEBT_WEEKS}
                settle = _("Pay in, or settle up with the members the co-op owes: %(link)s") % {
                    "link": _link("ledger_settle", coop.slug)
                }
                subject = _("Your balance is overdue")
                key = f"{year}-W{week:02d}"
                amount: dict[str, object] = {"amount": str(owed)}
                notice = (Notification.Kind.BALANCE, key, amount)
                reminders.append(
                    _reminder(coop, member, Kind.BALANCE, key, subject, what, settle, notice=notice)
                )
    return reminders


def _consent_reminders(now: datetime) -> list[Reminder]:
    asks = (
        ConsentAsk.objects.filter(
            member__isnull=False,
            answer__isnull=True,
            transaction__awaits_consent=True,
            transaction__outcome__isnull=True,
            transaction__lapses_at__gt=now,
        )
        .select_related("member", "transaction__coop", "transaction__entered_by")
        .order_by("pk")
    )
    reminders = []
    for ask in asks:
        entry, member = ask.transaction, ask.member
        assert member is not None  # filtered above: the pool's asks name nobody
        coop = entry.coop
        # One letter per period of waiting: the first at once, then every few days.
        period = (now - entry.entered_at) // CONSENT_EVERY
        told = Notification.Kind.SETTLE_UP if entry.kind == "transfer" else Notification.Kind.ENTRY
        with override(user_language(member)):
            what = _(
                "%(who)s recorded entry #%(id)d (%(kind)s, %(amount)s) naming you. It moves no "
                "money until you confirm it; it lapses on %(day)s."
            ) % {
                "who": entry.entered_by.username,
                "id": entry.pk,
                "kind": entry.get_kind_display(),
                "amount": format_money(entry.amount, coop.currency),
                "day": format_day(entry.lapses_at.astimezone(coop.zone).date())
                if entry.lapses_at
                else "",
            }
            answer = _("Confirm or decline it: %(link)s") % {"link": _link("ledger", coop.slug)}
            subject = _("An entry waits for your confirmation")
            key = f"{entry.pk}:{period}"
            notice = (told, str(entry.pk), None)
            reminders.append(
                _reminder(coop, member, Kind.CONSENT, key, subject, what, answer, notice=notice)
            )
    return reminders


def reminders_all(*, now: datetime | None = None) -> list[Reminder]:
    """Every reminder the time calls for, whatever the members chose or were sent already."""
    now = now or timezone.now()
    with override(settings.LANGUAGE_CODE):
        return [
            *_shift_reminders(now),
            *_vote_reminders(now),
            *_balance_reminders(now),
            *_consent_reminders(now),
        ]


def _not_by_email(reminders: list[Reminder]) -> set[tuple[int, str]]:
    """(member, kind) of the reminders whose member wants that kind other than by e-mail now."""
    chosen = dict(
        (((member_id, kind), delivery))
        for member_id, kind, delivery in NotificationPreference.objects.filter(
            member_id__in={r.member.pk for r in reminders},
            kind__in={r.notice_kind for r in reminders},
        ).values_list("member_id", "kind", "delivery")
    )
    return {
        (r.member.pk, r.notice_kind)
        for r in reminders
        if chosen.get((r.member.pk, r.notice_kind), DEFAULT_DELIVERY[r.notice_kind])
        != Delivery.EMAIL
    }


def _told_already(reminders: list[Reminder]) -> set[tuple[int, int, str, str]]:
    """The entries whose first word the member had by e-mail from the event itself: the
    round's first reminder of them would say it again."""
    first = [r for r in reminders if r.kind == Kind.CONSENT and r.key.endswith(":0")]
    if not first:
        return set()
    return set(
        Notification.objects.filter(
            member_id__in={r.member.pk for r in first},
            subject__in={r.notice_subject for r in first},
            kind__in={r.notice_kind for r in first},
            emailed_at__isnull=False,
        ).values_list("coop_id", "member_id", "kind", "subject")
    )


def reminders_due(
    *, now: datetime | None = None, candidates: list[Reminder] | None = None
) -> list[Reminder]:
    """What should go out by e-mail now and has not yet, as the members' choices allow;
    out of ``candidates`` (``reminders_all``) when the caller has them already."""
    due = candidates if candidates is not None else reminders_all(now=now)
    due = [reminder for reminder in due if reminder.member.email]
    if not due:
        return []
    not_by_email = _not_by_email(due)
    told = _told_already(due)
    sent = set(
        SentReminder.objects.filter(
            member_id__in={r.member.pk for r in due}, key__in={r.key for r in due}
        ).values_list("coop_id", "member_id", "kind", "key")
    )
    return [
        r
        for r in due
        if r.identity not in sent
        and (r.member.pk, r.notice_kind) not in not_by_email
        and (r.coop.pk, r.member.pk, r.notice_kind, r.notice_subject) not in told
    ]


# --- Notifications -------------------------------------------------------------------------


def delivered_by(notifications: QuerySet[Notification], delivery: str) -> QuerySet[Notification]:
    """Those of ``notifications`` whose member wants their kind by ``delivery``: their choice,
    or else the kind's default, worked out by the database."""
    chosen = NotificationPreference.objects.filter(
        member=OuterRef("member_id"), kind=OuterRef("kind")
    ).values("delivery")[:1]
    default = Case(
        *[When(kind=kind, then=Value(way)) for kind, way in DEFAULT_DELIVERY.items()],
        default=Value(Delivery.APP),
        output_field=CharField(),
    )
    return notifications.annotate(delivery=Coalesce(Subquery(chosen), default)).filter(
        delivery=delivery
    )


def deliveries_of(*, member: User) -> dict[str, str]:
    """How ``member`` gets each kind: their choice, else the kind's default."""
    chosen = dict(
        NotificationPreference.objects.filter(member=member).values_list("kind", "delivery")
    )
    return {kind: chosen.get(kind, DEFAULT_DELIVERY[kind]) for kind in Notification.Kind}


def delivery_by_member(*, member_ids: Iterable[int], kind: str) -> dict[int, str]:
    """How each of the members gets ``kind``."""
    ids = set(member_ids)
    chosen = dict(
        NotificationPreference.objects.filter(member_id__in=ids, kind=kind).values_list(
            "member_id", "delivery"
        )
    )
    return {member_id: chosen.get(member_id, DEFAULT_DELIVERY[kind]) for member_id in ids}


def notifications_of(*, member: User) -> QuerySet[Notification]:
    """``member``'s own notifications, newest first; every member sees only theirs."""
    return (
        Notification.objects.filter(member=member)
        .select_related("coop")
        .order_by("-created_at", "-pk")
    )


def unread_count(*, member: User) -> int:
    return Notification.objects.filter(member=member, read_at__isnull=True).count()


def unread_count_of_outer_user() -> Coalesce:
    """``unread_count`` as a subquery on an outer query's user (``OuterRef("pk")``), to read it
    together with the user's own row."""
    unread = (
        Notification.objects.filter(member=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("member")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(unread), Value(0))
