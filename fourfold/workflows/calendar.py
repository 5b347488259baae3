"""A member's calendar as RFC 5545 iCalendar: batches, their own shifts, vote deadlines."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from fourfold.accounts.selectors import user_language
from fourfold.coops.selectors import coop_today
from fourfold.coops.vocabulary import service_or_good
from fourfold.governance.models import Proposal
from fourfold.production import selectors
from fourfold.production.models import Batch, CalendarFeed

PAST_WEEKS = 8
AHEAD_WEEKS = 52
# A deadline shows as the hour before a vote closes: long enough to see in a day view.
DEADLINE_LEAD = timedelta(hours=1)


def feed_ics(feed: CalendarFeed) -> bytes:
    """The co-op's batches, the member's own shifts marked, from two months back to a year
    ahead, and the deadlines of the proposals open for votes. Batches are all-day events on
    the co-op's local date. In the member's language: a calendar app fetches it without
    saying whose it is."""
    with override(user_language(feed.member)):
        return _feed_ics(feed)


def _feed_ics(feed: CalendarFeed) -> bytes:
    coop, member = feed.coop, feed.member
    today = coop_today(coop)
    calendar = Calendar()
    calendar.add("prodid", "-//fourfold//production calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add(
        "x-wr-calname",
        service_or_good(coop, _("%(coop)s production"), _("%(coop)s sessions"))
        % {"coop": coop.name},
    )
    calendar.add("x-wr-timezone", coop.timezone)
    stamp = timezone.now()
    # RFC 5545's LANGUAGE on each text: the words are in the member's language.
    spoken = {"LANGUAGE": get_language()}
    batches = selectors.batches(
        coop=coop,
        start=today - timedelta(weeks=PAST_WEEKS),
        end=today + timedelta(weeks=AHEAD_WEEKS),
    )
    for batch in batches:
        producers = [shift.member for shift in batch.shifts.all() if shift.member is not None]
        mine = any(person.pk == member.pk for person in producers)
        event = Event()
        event.add("uid", f"batch-{batch.pk}-{'shift' if mine else 'batch'}@fourfold")
        event.add("dtstamp", stamp)
        event.add("dtstart", batch.date)
        event.add("dtend", batch.date + timedelta(days=1))
        if mine:
            title = _("Your shift: %(product)s")
        else:
            title = service_or_good(coop, _("%(product)s batch"), _("%(product)s session"))
        title %= {"product": coop.product}
        if batch.status == Batch.Status.MISSED:
            title = _("Missed: %(title)s") % {"title": title}
        event.add("summary", title, parameters=spoken)
        names = ", ".join(person.username for person in producers) or _("nobody yet")
        event.add(
            "description",
            service_or_good(
                coop,
                _("%(quantity)d %(unit)s. Producers: %(names)s."),
                _("%(quantity)d %(unit)s. Volunteers: %(names)s."),
            )
            % {
                "quantity": batch.planned_quantity,
                "unit": coop.unit_for(batch.planned_quantity),
                "names": names,
            },
            parameters=spoken,
        )
        event.add("status", "CANCELLED" if batch.status == Batch.Status.MISSED else "CONFIRMED")
        event.add("transp", "OPAQUE" if mine else "TRANSPARENT")
        if mine:
            event.add("categories", ["shift"])
        calendar.add_component(event)
    open_proposals = Proposal.objects.filter(coop=coop, status=Proposal.Status.OPEN).order_by(
        "closes_at"
    )
    voted = set(open_proposals.filter(votes__member=member).values_list("pk", flat=True).distinct())
    for proposal in open_proposals:
        event = Event()
        event.add("uid", f"proposal-{proposal.pk}-deadline@fourfold")
        event.add("dtstamp", stamp)
        event.add("dtstart", proposal.closes_at - DEADLINE_LEAD)
        event.add("dtend", proposal.closes_at)
        summary = (
            _("Vote closes: %(title)s (you voted)")
            if proposal.pk in voted
            else _("Vote before it closes: %(title)s")
        )
        event.add("summary", summary % {"title": proposal.title}, parameters=spoken)
        event.add("categories", ["vote"])
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()
