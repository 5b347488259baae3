"""Notifications: each kind told once by the event or the round that causes it, nothing for a
change rolled back, e-mails at once or in one daily digest, as each member chose."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.db import transaction

from fourfold.consumption.services import share_set
from fourfold.coops.services import invitation_create
from fourfold.ledger import services as ledger
from fourfold.production import swaps
from fourfold.production.models import Batch, Shift
from fourfold.production.services import batch_record_missed
from fourfold.reminders import events, services
from fourfold.reminders.models import Notification, SentReminder
from fourfold.reminders.notices import notice
from fourfold.testing import MembershipFactory, UserFactory, tasks_run
from fourfold.workflows import decisions as decisions_flow
from fourfold.workflows import money as money_flow
from fourfold.workflows import production as production_flow
from fourfold.workflows.membership import invitation_accept

# Wednesday morning in UTC, the installation's zone in the tests; the digest goes at 18:00.
NOW = datetime(2026, 6, 17, 9, 0, tzinfo=UTC)
TODAY = date(2026, 6, 17)


@pytest.fixture
def home(personas):
    personas.carol = MembershipFactory(coop=personas.coop, user__username="carol").user
    return personas


@pytest.fixture
def told(django_capture_on_commit_callbacks):
    """Run the work as a request would, then the worker: the notifications follow its
    commit, their e-mails the queued task."""

    def run(work):
        with django_capture_on_commit_callbacks(execute=True):
            done = work()
        tasks_run()
        return done

    return run


def of(kind: str) -> list[tuple[str, str]]:
    return sorted(
        (n.member.username, n.subject)
        for n in Notification.objects.filter(kind=kind).select_related("member")
    )


def test_a_new_proposal_tells_the_other_members_once(home, told):
    with time_machine.travel(NOW, tick=False):
        proposal = told(
            lambda: decisions_flow.proposal_open(
                coop=home.coop, by=home.alice, kind="general", title="Try goat milk"
            )
        )
        assert of("proposal") == [("bob", str(proposal.pk)), ("carol", str(proposal.pk))]
        # The same event seen again (a retried hook) tells nobody twice.
        event = home.coop.audit_events.get(action="governance.opened")
        events.event_notify(event)
    assert Notification.objects.filter(kind="proposal").count() == 2
    bobs = Notification.objects.select_related("coop").get(member=home.bob)
    assert notice(bobs).text == "alice proposed “Try goat milk”."
    assert notice(bobs).path == f"/c/home/decisions/{proposal.pk}/"
    # A proposal goes in the digest by default: no e-mail now.
    assert mail.outbox == []


def test_a_change_rolled_back_tells_nobody(home, told):
    class Undo(Exception):
        pass

    def open_then_fail():
        with transaction.atomic():
            decisions_flow.proposal_open(
                coop=home.coop, by=home.alice, kind="general", title="Never mind"
            )
            raise Undo

    with time_machine.travel(NOW, tick=False), pytest.raises(Undo):
        told(open_then_fail)
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_someone_waiting_for_admission_tells_the_members_by_email(home, told):
    home.coop.admission_mode = "vote"
    home.coop.save()
    newcomer = UserFactory(username="newt")
    with time_machine.travel(NOW, tick=False):
        invitation = invitation_create(coop=home.coop, by=home.alice)
        told(lambda: invitation_accept(code=invitation.code, user=newcomer))
    assert [name for name, _subject in of("admission")] == ["alice", "bob", "carol"]
    assert sorted(message.to[0] for message in mail.outbox) == [
        "alice@example.org",
        "bob@example.org",
        "carol@example.org",
    ]
    assert "newt asks to join Home Co-op" in mail.outbox[0].body


def test_a_swap_offered_tells_who_could_take_it_and_taken_tells_who_offered(home, told):
    batch = Batch.objects.create(
        coop=home.coop, date=TODAY + timedelta(days=4), planned_quantity=20
    )
    shift = Shift.objects.create(batch=batch, slot=0, member=home.alice)
    Shift.objects.create(batch=batch, slot=1, member=home.bob)
    with time_machine.travel(NOW, tick=False):
        swap = told(lambda: swaps.swap_offer(shift=shift, by=home.alice))
        # Bob produces that batch already: only Carol could take it.
        assert [name for name, _subject in of("swap_offered")] == ["carol"]
        told(lambda: swaps.swap_take(swap=swap, by=home.carol))
    assert [name for name, _subject in of("swap_taken")] == ["alice"]
    [letter] = mail.outbox  # taken goes by e-mail at once, offered in the digest
    assert letter.to == ["alice@example.org"]
    assert "carol took your shift on Sun 21 Jun 2026." in letter.body


def test_a_batch_missed_tells_the_others(home, told):
    batch = Batch.objects.create(coop=home.coop, date=TODAY, planned_quantity=20)
    Shift.objects.create(batch=batch, slot=0, member=home.alice)
    with time_machine.travel(NOW, tick=False):
        told(lambda: batch_record_missed(batch=batch, by=home.alice, reason="The milk was off"))
        told(lambda: events.event_notify(home.coop.audit_events.get(action="production.missed")))
    assert of("batch") == [("bob", f"missed:{batch.pk}"), ("carol", f"missed:{batch.pk}")]
    assert len(mail.outbox) == 2
    assert "The batch of Wed 17 Jun 2026 was missed: The milk was off" in mail.outbox[0].body


def test_a_batch_made_tells_each_consumer_their_share_is_ready(home, told):
    with time_machine.travel(NOW, tick=False):
        share_set(coop=home.coop, member=home.bob, units=3)
        batch = Batch.objects.create(coop=home.coop, date=TODAY, planned_quantity=20)
        Shift.objects.create(batch=batch, slot=0, member=home.alice)
        told(
            lambda: production_flow.batch_record_made(
                batch=batch, by=home.alice, quantity=20, hours="3"
            )
        )
    assert of("share_ready") == [("bob", str(batch.pk))]
    bobs = Notification.objects.select_related("coop").get(kind="share_ready")
    assert notice(bobs).text == (
        "Your share of the batch of Wed 17 Jun 2026 is ready to collect: 3 quarts."
    )


@pytest.mark.parametrize("consumers", [3, 40])
def test_a_batch_made_tells_all_its_consumers_in_as_many_queries_however_many(
    home, told, consumers, django_assert_max_num_queries
):
    with time_machine.travel(NOW, tick=False):
        for index in range(consumers):
            member = MembershipFactory(coop=home.coop, user__username=f"m{index:02d}").user
            share_set(coop=home.coop, member=member, units=1 + index % 3)
        batch = Batch.objects.create(coop=home.coop, date=TODAY, planned_quantity=200)
        Shift.objects.create(batch=batch, slot=0, member=home.alice)
        production_flow.batch_record_made(batch=batch, by=home.alice, quantity=200, hours="3")
        made = home.coop.audit_events.get(action="consumption.allocated")
        with django_assert_max_num_queries(12):
            events.event_notify(made)
    told_of = Notification.objects.filter(kind="share_ready", subject=str(batch.pk))
    assert told_of.count() == consumers
    # Each is told their own units, not a neighbour's.
    assert all(
        notification.params["units"] == 1 + int(notification.member.username[1:]) % 3
        for notification in told_of.select_related("member")
    )


def bobs_milk(home):
    """Alice records milk Bob paid for: it waits for Bob's confirmation."""
    return money_flow.expense_post(
        coop=home.coop,
        payer=home.bob,
        amount=Decimal("12.50"),
        category="ingredients",
        entered_by=home.alice,
    )


def test_an_entry_naming_a_member_tells_them_by_multipart_email(home, told):
    with time_machine.travel(NOW, tick=False):
        entry = told(lambda: bobs_milk(home))
    assert of("entry") == [("bob", str(entry.pk))]
    [letter] = mail.outbox
    assert letter.to == ["bob@example.org"]
    assert letter.subject == (
        f"[Home Co-op] alice recorded entry #{entry.pk} ($12.50) naming you; it waits for your "
        "confirmation."
    )
    assert f"/c/home/ledger/transactions/{entry.pk}/" in letter.body
    [(html, mimetype)] = letter.alternatives
    assert mimetype == "text/html"
    assert f'href="/c/home/ledger/transactions/{entry.pk}/"' in html
    assert letter.extra_headers["List-Unsubscribe"].startswith("</unsubscribe/")
    assert letter.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert Notification.objects.get(kind="entry").emailed_at == NOW


def test_an_entry_told_at_once_is_not_told_again_by_the_first_reminder(home, told):
    with time_machine.travel(NOW, tick=False):
        entry = told(
            lambda: ledger.transfer_post(
                coop=home.coop,
                payer=home.bob,
                payee=home.alice,
                amount="12.00",
                entered_by=home.alice,
            )
        )
        assert of("settle_up") == [("bob", str(entry.pk))]
        assert len(mail.outbox) == 1
        assert "a settle-up payment of $12.00 with you" in mail.outbox[0].body
        assert services.send_reminders(now=NOW + timedelta(hours=1)) == 0
    # Three days on, the reminder comes as before.
    assert services.send_reminders(now=NOW + timedelta(days=3, hours=1)) == 1


def test_nobody_is_emailed_who_chose_in_app_only(home, told):
    services.notification_preferences_set(member=home.bob, choices={"entry": "app"})
    with time_machine.travel(NOW, tick=False):
        told(lambda: bobs_milk(home))
        assert of("entry") != []
        assert mail.outbox == []
        # Neither does the round's first reminder e-mail it.
        assert services.send_reminders(now=NOW + timedelta(hours=1)) == 0


# --- The round: a shift tomorrow, a vote closing soon ---------------------------------------


def tomorrows_batch(home) -> Batch:
    batch = Batch.objects.create(
        coop=home.coop, date=TODAY + timedelta(days=1), planned_quantity=20
    )
    Shift.objects.create(batch=batch, slot=0, member=home.alice)
    return batch


def test_the_round_keeps_a_shift_tomorrow_in_app_and_its_reminder_is_its_email(home):
    tomorrows_batch(home)
    evening = datetime(2026, 6, 17, 22, 0, tzinfo=UTC)  # 18:00 in New York, the co-op's zone
    done = services.round_run(now=evening)
    assert done.sent == 1
    assert of("shift_tomorrow") == [("alice", str(Shift.objects.get().pk))]
    [letter] = mail.outbox
    assert letter.subject == "[Home Co-op] Your shift tomorrow, Thu 18 Jun 2026"
    assert letter.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert letter.alternatives[0][1] == "text/html"
    assert Notification.objects.get().emailed_at == evening
    # An hour later nothing is told or sent again, and the digest leaves it alone.
    services.round_run(now=evening + timedelta(hours=1))
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_shift_reminder_goes_in_the_digest_for_who_chose_it(home):
    tomorrows_batch(home)
    services.notification_preferences_set(member=home.alice, choices={"shift_tomorrow": "digest"})
    afternoon = datetime(2026, 6, 17, 17, 0, tzinfo=UTC)  # 13:00 in New York
    assert services.round_run(now=afternoon).sent == 0
    assert not SentReminder.objects.exists()
    done = services.round_run(now=afternoon + timedelta(hours=1))  # 18:00 UTC: digest time
    assert done.digests == 1
    [digest] = mail.outbox
    assert "Your shift tomorrow: Thu 18 Jun 2026, 20 quarts of yogurt." in digest.body


def test_a_vote_closing_soon_is_kept_in_app_for_who_has_not_voted(home, told):
    with time_machine.travel(NOW - timedelta(days=6), tick=False):
        proposal = told(
            lambda: decisions_flow.proposal_open(
                coop=home.coop, by=home.alice, kind="general", title="Try goat milk"
            )
        )
        decisions_flow.vote_cast(proposal=proposal, member=home.alice, position="agree")
    services.round_run(now=NOW)
    assert of("vote_closing") == [("bob", str(proposal.pk)), ("carol", str(proposal.pk))]
    services.round_run(now=NOW + timedelta(hours=1))
    assert Notification.objects.filter(kind="vote_closing").count() == 2


# --- The digest ------------------------------------------------------------------------------


def test_a_digest_gathers_the_days_notifications_in_one_email_and_sends_each_once(home, told):
    with time_machine.travel(NOW, tick=False):
        for title in ("Try goat milk", "Buy a second pot", "Move pick-up to Monday"):
            told(
                lambda title=title: decisions_flow.proposal_open(
                    coop=home.coop, by=home.alice, kind="general", title=title
                )
            )
    assert Notification.objects.filter(member=home.bob).count() == 3
    assert mail.outbox == []
    # Before the digest hour nothing goes.
    assert services.digests_send(now=datetime(2026, 6, 17, 17, 59, tzinfo=UTC)) == 0
    # Carol read one of hers already: her digest has the other two.
    services.notification_read(
        member=home.carol, pk=Notification.objects.filter(member=home.carol).first().pk
    )
    assert services.digests_send(now=datetime(2026, 6, 17, 18, 5, tzinfo=UTC)) == 2
    by_member = {letter.to[0]: letter for letter in mail.outbox}
    bobs = by_member["bob@example.org"]
    assert bobs.subject == "Your fourfold digest"
    assert "(3 notifications)" in bobs.body
    for title in ("Try goat milk", "Buy a second pot", "Move pick-up to Monday"):
        assert f"alice proposed “{title}”." in bobs.body
        assert f"alice proposed “{title}”." in bobs.alternatives[0][0]
    assert bobs.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "(2 notifications)" in by_member["carol@example.org"].body
    # The next day's round has nothing new to send.
    done = services.round_run(now=datetime(2026, 6, 18, 18, 5, tzinfo=UTC))
    assert done.digests == 0
    assert len(mail.outbox) == 2


def test_what_comes_after_the_digest_hour_waits_for_the_next_days_digest(home, told):
    evening = datetime(2026, 6, 17, 19, 0, tzinfo=UTC)
    with time_machine.travel(evening, tick=False):
        told(
            lambda: decisions_flow.proposal_open(
                coop=home.coop, by=home.alice, kind="general", title="Try goat milk"
            )
        )
    assert services.digests_send(now=evening + timedelta(hours=1)) == 0
    assert services.digests_send(now=evening + timedelta(hours=23)) == 2


# --- Reading and choosing ---------------------------------------------------------------------


def test_an_unsubscribe_token_sets_that_kind_to_in_app_only(home):
    from fourfold.reminders.mail import unsubscribe_token
    from fourfold.reminders.selectors import deliveries_of

    token = unsubscribe_token(member=home.bob, kind="entry")
    member, kinds = services.unsubscribe(token=token)
    assert (member, kinds) == (home.bob, ["entry"])
    assert deliveries_of(member=home.bob)["entry"] == "app"
    assert deliveries_of(member=home.bob)["settle_up"] == "email"


def test_a_digest_unsubscribe_stops_every_kind_sent_by_digest(home):
    from fourfold.reminders.mail import unsubscribe_token
    from fourfold.reminders.selectors import deliveries_of

    _member, kinds = services.unsubscribe(token=unsubscribe_token(member=home.bob, kind="digest"))
    assert sorted(kinds) == ["proposal", "share_ready", "swap_offered"]
    assert "digest" not in deliveries_of(member=home.bob).values()


def test_an_unknown_kind_or_delivery_is_refused(home):
    from fourfold.errors import Invalid

    with pytest.raises(Invalid):
        services.notification_preferences_set(member=home.bob, choices={"gossip": "app"})
    with pytest.raises(Invalid):
        services.notification_preferences_set(member=home.bob, choices={"entry": "pigeon"})


@pytest.mark.django_db(transaction=True)
def test_a_real_commit_tells_and_a_real_rollback_does_not():
    from fourfold.testing import make_personas

    people = make_personas()
    with time_machine.travel(NOW, tick=False):
        decisions_flow.proposal_open(coop=people.coop, by=people.alice, kind="general", title="Yes")
        with pytest.raises(RuntimeError), transaction.atomic():
            decisions_flow.proposal_open(
                coop=people.coop, by=people.alice, kind="general", title="No"
            )
            raise RuntimeError
    assert [n.params["title"] for n in Notification.objects.filter(member=people.bob)] == ["Yes"]


def test_an_email_that_could_not_be_sent_is_tried_again_by_the_next_round(home, told, monkeypatch):
    def refuse(**kwargs):
        raise ConnectionRefusedError("no SMTP server")

    monkeypatch.setattr(services, "letter_send", refuse)
    with time_machine.travel(NOW, tick=False):
        told(lambda: bobs_milk(home))
    assert Notification.objects.get(kind="entry").emailed_at is None
    monkeypatch.undo()
    assert services.emails_retry(now=NOW + timedelta(hours=1)) == 1
    assert [letter.to for letter in mail.outbox] == [["bob@example.org"]]
    assert services.emails_retry(now=NOW + timedelta(hours=2)) == 0
    assert len(mail.outbox) == 1
