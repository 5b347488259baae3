"""What is sent goes in the recipient's language, not the sender's or the installation's: one
event, two members, two languages.

The date in a notice is written by Babel in the active language (German "Mi., 17. Juni 2026",
French "mer. 17 juin 2026"), whether or not fourfold's catalogues are compiled: they prove the
letter was rendered with the recipient's language active."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core import mail

from fourfold.accounts.models import User
from fourfold.production.models import Batch, Shift
from fourfold.production.services import batch_record_missed
from fourfold.reminders import events
from fourfold.reminders.models import Notification
from fourfold.reminders.push import payload_of
from fourfold.testing import MembershipFactory, tasks_run

NOW = datetime(2026, 6, 17, 9, 0, tzinfo=UTC)
TODAY = date(2026, 6, 17)


@pytest.fixture
def missed(personas, django_capture_on_commit_callbacks):
    """A batch missed, told to Bob (German), Carol (French) and Dee (no language set)."""
    coop = personas.coop
    carol = MembershipFactory(coop=coop, user__username="carol").user
    dee = MembershipFactory(coop=coop, user__username="dee").user
    User.objects.filter(pk=personas.bob.pk).update(language="de")
    User.objects.filter(pk=carol.pk).update(language="fr")
    batch = Batch.objects.create(coop=coop, date=TODAY, planned_quantity=20)
    Shift.objects.create(batch=batch, slot=0, member=personas.alice)
    with time_machine.travel(NOW, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            batch_record_missed(batch=batch, by=personas.alice, reason="The milk was off")
        with django_capture_on_commit_callbacks(execute=True):
            events.event_notify(coop.audit_events.get(action="production.missed"))
        # The e-mails go out from the worker.
        tasks_run()
    assert dee.email
    return {letter.to[0].split("@")[0]: letter for letter in mail.outbox}


def test_each_member_gets_the_events_email_in_their_own_language(missed):
    assert sorted(missed) == ["bob", "carol", "dee"]
    assert "Mi., 17. Juni 2026" in missed["bob"].body
    assert "mer. 17 juin 2026" in missed["carol"].body
    assert "Wed 17 Jun 2026" in missed["dee"].body


def test_each_email_says_its_language(missed):
    assert missed["bob"].extra_headers["Content-Language"] == "de"
    assert missed["carol"].extra_headers["Content-Language"] == "fr"
    assert missed["dee"].extra_headers["Content-Language"] == "en"
    html = missed["carol"].alternatives[0][0]
    assert '<html lang="fr">' in html


def test_a_push_is_in_its_members_language(missed):
    bobs = Notification.objects.select_related("coop", "member").get(member__username="bob")
    assert "Mi., 17. Juni 2026" in payload_of(bobs)["body"]
