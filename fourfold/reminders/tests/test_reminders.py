"""Reminders: a shift tomorrow, a vote closing soon, a balance overdue — each sent once."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from fourfold.governance import votes as governance_votes
from fourfold.governance.models import Proposal
from fourfold.ledger import services as ledger
from fourfold.production.models import Batch, Shift
from fourfold.reminders import selectors, services, tasks
from fourfold.reminders.models import SentReminder
from fourfold.testing import PASSWORD, MembershipFactory, make_personas, race
from fourfold.workflows import decisions as decisions_flow
from fourfold.workflows import money as money_flow

NEW_YORK = ZoneInfo("America/New_York")
# Saturday evening in Somerville; the batch is on Sunday.
NOW = datetime(2026, 3, 14, 18, 0, tzinfo=NEW_YORK)
SUNDAY = date(2026, 3, 15)


@pytest.fixture
def busy(personas):
    """Alice and Bob produce tomorrow; Bob has not voted on a proposal closing in a day and
    owes Alice for milk; Carol named Alice her proxy, and Alice voted."""
    coop, alice, bob = personas.coop, personas.alice, personas.bob
    carol = MembershipFactory(coop=coop, user__username="carol").user
    with time_machine.travel(NOW - timedelta(days=6), tick=False):
        proposal = decisions_flow.proposal_open(
            coop=coop, by=alice, kind="general", title="Try goat milk"
        )
        governance_votes.proxy_grant(coop=coop, giver=carol, holder=alice, proposal=proposal)
        decisions_flow.vote_cast(proposal=proposal, member=alice, position="agree")
    with time_machine.travel(NOW - timedelta(days=3), tick=False):
        money_flow.expense_post(
            coop=coop,
            payer=alice,
            amount=Decimal("30.00"),
            category="ingredients",
            entered_by=alice,
            split={alice: 1, bob: 1},
        )
    batch = Batch.objects.create(coop=coop, date=SUNDAY, planned_quantity=20)
    Shift.objects.create(batch=batch, slot=0, member=alice)
    Shift.objects.create(batch=batch, slot=1, member=bob)
    return personas


def sent_to() -> list[tuple[str, str]]:
    return sorted((message.to[0].split("@")[0], message.subject) for message in mail.outbox)


def test_each_reminder_goes_out_once(busy):
    assert services.send_reminders(now=NOW) == 4
    assert sent_to() == [
        ("alice", "[Home Co-op] Your shift tomorrow, Sun 15 Mar 2026"),
        ("bob", "[Home Co-op] Vote closing soon: Try goat milk"),
        ("bob", "[Home Co-op] Your balance is overdue"),
        ("bob", "[Home Co-op] Your shift tomorrow, Sun 15 Mar 2026"),
    ]
    assert SentReminder.objects.count() == 4

    assert services.send_reminders(now=NOW + timedelta(hours=1)) == 0
    assert len(mail.outbox) == 4


def test_the_letters_name_the_coop_and_link_to_what_to_do(busy):
    services.send_reminders(now=NOW)
    by_subject = {message.subject: message for message in mail.outbox if "bob" in message.to[0]}
    shift = by_subject["[Home Co-op] Your shift tomorrow, Sun 15 Mar 2026"]
    assert "tomorrow's batch: Sun 15 Mar 2026, 20 quarts of yogurt" in shift.body
    assert "/c/home/production/shifts/" in shift.body
    assert "member of Home Co-op" in shift.body and "/notifications/" in shift.body
    vote = by_subject["[Home Co-op] Vote closing soon: Try goat milk"]
    assert "closes on Sun 15 Mar 2026, 18:00 (America/New_York)" in vote.body
    assert f"/c/home/decisions/{Proposal.objects.get().pk}/" in vote.body
    balance = by_subject["[Home Co-op] Your balance is overdue"]
    assert "You owe the co-op $15.00, more than 4 weeks" in balance.body
    assert "/c/home/ledger/settle/" in balance.body
    assert shift.from_email == "fourfold@localhost"


@override_settings(SITE_URL="https://coop.example.org")
def test_links_are_absolute_when_the_site_address_is_set(busy):
    services.send_reminders(now=NOW)
    assert all("https://coop.example.org/notifications/" in m.body for m in mail.outbox)


def test_tomorrow_is_the_coops_tomorrow(busy):
    # Friday 23:00 in New York is already Saturday in UTC: Sunday is not tomorrow yet.
    friday_night = datetime(2026, 3, 13, 23, 0, tzinfo=NEW_YORK)
    assert not [r for r in selectors.reminders_due(now=friday_night) if r.kind == "shift"]
    # Saturday 23:30 in New York is Sunday in UTC: Sunday is still tomorrow there.
    saturday_night = datetime(2026, 3, 14, 23, 30, tzinfo=NEW_YORK)
    shifts = [r for r in selectors.reminders_due(now=saturday_night) if r.kind == "shift"]
    assert sorted(r.member.username for r in shifts) == ["alice", "bob"]
    # On the day itself it is too late for "the day before".
    sunday = datetime(2026, 3, 15, 7, 0, tzinfo=NEW_YORK)
    assert not [r for r in selectors.reminders_due(now=sunday) if r.kind == "shift"]


def test_no_shift_reminder_for_a_shift_done_an_open_place_or_a_paused_member(busy):
    Shift.objects.filter(member=busy.alice).update(done=True)
    Shift.objects.create(batch=Batch.objects.get(date=SUNDAY), slot=2, member=None)
    busy.bob.memberships.update(status="paused")
    assert not [r for r in selectors.reminders_due(now=NOW) if r.kind == "shift"]


def test_a_vote_reminder_only_within_two_days_of_the_close_and_not_after(busy):
    closes = Proposal.objects.get().closes_at
    assert closes == NOW + timedelta(days=1)
    too_early = closes - timedelta(hours=49)
    assert not [r for r in selectors.reminders_due(now=too_early) if r.kind == "vote"]
    after = closes + timedelta(minutes=1)
    assert not [r for r in selectors.reminders_due(now=after) if r.kind == "vote"]


def test_no_vote_reminder_for_who_voted_or_whose_proxy_voted(busy):
    votes = [r for r in selectors.reminders_due(now=NOW) if r.kind == "vote"]
    assert [r.member.username for r in votes] == ["bob"]


def test_a_small_debt_against_ones_costs_is_not_overdue(busy):
    # Bob now owes 15.00 of 15.00 charged over twelve weeks: overdue. Paying 12.00 leaves
    # 3.00, less than four weeks (5.00) of his costs.
    ledger.contribution_post(
        coop=busy.coop, payer=busy.bob, amount=Decimal("12.00"), entered_by=busy.bob
    )
    assert not [r for r in selectors.reminders_due(now=NOW) if r.kind == "balance"]


def test_the_balance_reminder_comes_at_most_once_a_week(busy):
    assert services.send_reminders(now=NOW) == 4
    assert services.send_reminders(now=NOW + timedelta(days=1)) == 0  # Sunday: same ISO week
    balance = [
        r for r in selectors.reminders_due(now=NOW + timedelta(days=2)) if r.kind == "balance"
    ]
    assert [(r.member.username, r.key) for r in balance] == [("bob", "2026-W12")]


def test_a_member_can_turn_each_kind_off(busy):
    services.notification_preferences_set(
        member=busy.bob, choices={"shift_tomorrow": "app", "balance": "app"}
    )
    services.send_reminders(now=NOW)
    assert sent_to() == [
        ("alice", "[Home Co-op] Your shift tomorrow, Sun 15 Mar 2026"),
        ("bob", "[Home Co-op] Vote closing soon: Try goat milk"),
    ]


def test_a_member_without_an_email_address_is_skipped(busy):
    busy.bob.email = ""
    busy.bob.save()
    services.send_reminders(now=NOW)
    assert [to for to, _subject in sent_to()] == ["alice"]


def test_a_reminder_another_run_recorded_meanwhile_is_not_sent_again(busy, monkeypatch):
    due = selectors.reminders_due(now=NOW)
    # Another run sends them all between our reading and our sending.
    services.send_reminders(now=NOW)
    mail.outbox.clear()
    monkeypatch.setattr(services, "reminders_due", lambda now, candidates: due)
    assert services.send_reminders(now=NOW) == 0
    assert mail.outbox == []


def test_a_reminder_that_could_not_be_sent_is_tried_again_next_run(busy, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("no SMTP server")

    monkeypatch.setattr(services, "letter_send", refuse)
    assert services.send_reminders(now=NOW) == 0
    assert not SentReminder.objects.exists()
    monkeypatch.undo()
    assert services.send_reminders(now=NOW + timedelta(hours=1)) == 4


def test_the_command_sends_them(busy):
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("send_reminders", stdout=out)
        call_command("send_reminders", stdout=out)
    assert out.getvalue() == (
        "0 entry(ies) lapsed, 4 reminder(s) sent, 0 push(es) delivered.\n"
        "0 entry(ies) lapsed, 0 reminder(s) sent, 0 push(es) delivered.\n"
    )
    assert len(mail.outbox) == 4


def test_the_hourly_task_sends_and_comes_back_in_an_hour(busy):
    from django_tasks import default_task_backend

    default_task_backend.clear()
    with time_machine.travel(NOW, tick=False):
        assert tasks.send_reminders_hourly.call() == 4
    [next_run] = default_task_backend.results
    assert next_run.task.run_after == NOW + timedelta(hours=1)
    assert next_run.task.module_path == tasks.send_reminders_hourly.module_path


def test_the_command_starts_the_hourly_task(db):
    from django_tasks import default_task_backend

    default_task_backend.clear()
    out = StringIO()
    call_command("send_reminders", "--hourly", stdout=out)
    assert out.getvalue() == "The hourly reminder task is queued.\n"
    assert len(default_task_backend.results) == 1
    assert mail.outbox == []


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_starting_the_hourly_task_twice_queues_it_once(db):
    from django_tasks_db.models import DBTaskResult

    assert tasks.schedule() is True
    assert tasks.schedule() is False
    assert DBTaskResult.objects.count() == 1


# --- Where a member chooses --------------------------------------------------------------


def test_the_old_reminders_page_sends_to_the_one_choice_on_the_notifications_page(personas, client):
    client.login(username="alice", password=PASSWORD)
    response = client.get("/c/home/reminders/")
    assert response.status_code == 301
    assert response["Location"] == reverse("web:notifications")


# --- A real race ------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_senders_racing_send_each_reminder_once():
    if connection.vendor != "postgresql":
        pytest.skip("a real race needs PostgreSQL")
    people = make_personas()
    batch = Batch.objects.create(coop=people.coop, date=SUNDAY, planned_quantity=20)
    Shift.objects.create(batch=batch, slot=0, member=people.alice)
    results = race(6, lambda: services.send_reminders(now=NOW))
    assert sorted(results) == [0, 0, 0, 0, 0, 1], results
    assert len(mail.outbox) == 1


def test_an_entry_naming_a_member_tells_them_then_reminds_them_every_three_days(personas):
    coop, alice, bob = personas.coop, personas.alice, personas.bob
    with time_machine.travel(NOW, tick=False):
        entry = ledger.transfer_post(
            coop=coop, payer=bob, payee=alice, amount="12.00", entered_by=alice
        )
        assert services.send_reminders(now=NOW) == 1
    [letter] = mail.outbox
    assert letter.to == [bob.email]
    assert f"entry #{entry.pk}" in letter.body
    assert "moves no money until you confirm it" in letter.body
    assert services.send_reminders(now=NOW + timedelta(days=1)) == 0
    assert services.send_reminders(now=NOW + timedelta(days=3, hours=1)) == 1
    # Answered, it asks nothing more; lapsed, neither.
    consent_reminders = SentReminder.objects.filter(kind=SentReminder.Kind.CONSENT)
    assert consent_reminders.count() == 2
    services.notification_preferences_set(member=bob, choices={"settle_up": "app"})
    assert services.send_reminders(now=NOW + timedelta(days=6, hours=1)) == 0


def test_the_hourly_round_lapses_what_waited_too_long(personas):
    coop, alice, bob = personas.coop, personas.alice, personas.bob
    with time_machine.travel(NOW, tick=False):
        entry = ledger.transfer_post(
            coop=coop, payer=bob, payee=alice, amount="12.00", entered_by=alice
        )
    with time_machine.travel(NOW + timedelta(days=15), tick=False):
        tasks.send_reminders_hourly.call()
    assert entry.outcome.outcome == "lapsed"
