"""The e-mails and pushes an event calls for go out from the worker, not from the member's
request: the request keeps the notifications in-app and queues one task; the task sends each
once; an e-mail it could not send is logged and sent by the next hourly round."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django_tasks import default_task_backend

from fourfold.reminders import services, tasks
from fourfold.reminders.models import Notification
from fourfold.testing import Personas, make_personas, tasks_run

NOW = datetime(2026, 6, 17, 9, 0, tzinfo=UTC)

# A real commit: the request's on_commit callbacks run as they would in production.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people() -> Personas:
    people = make_personas()
    # Bob wants new proposals by e-mail at once (their default is the digest).
    services.notification_preferences_set(member=people.bob, choices={"proposal": "email"})
    return people


def alice_proposes(api_client, people: Personas) -> int:
    with time_machine.travel(NOW, tick=False):
        response = api_client(people.alice).post(
            f"/api/v1/coops/{people.coop.slug}/proposals",
            {"kind": "general", "title": "Open on Saturdays"},
        )
    assert response.status_code == 201
    return response.json()["id"]


def queued_sends() -> list:
    return [
        result
        for result in default_task_backend.results
        if result.task.module_path == tasks.notifications_send.module_path
    ]


def test_the_request_keeps_the_notification_and_queues_its_sending(api_client, people):
    proposal = alice_proposes(api_client, people)
    assert mail.outbox == []
    told = Notification.objects.get(member=people.bob, kind="proposal")
    assert (told.subject, told.emailed_at) == (str(proposal), None)
    [queued] = queued_sends()
    assert queued.args == [people.coop.pk, "proposal", str(proposal)]


def test_the_worker_sends_the_email_once_however_often_the_task_runs(api_client, people):
    proposal = alice_proposes(api_client, people)

    later = NOW + timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        assert tasks_run() == [1]
        assert tasks.notifications_send.call(people.coop.pk, "proposal", str(proposal)) == 0
    [letter] = mail.outbox
    assert letter.to == [people.bob.email]
    assert "alice proposed “Open on Saturdays”." in letter.body
    told = Notification.objects.get(member=people.bob, kind="proposal")
    assert told.emailed_at == later


def test_an_email_the_worker_could_not_send_is_logged_and_sent_by_the_next_round(
    api_client, people, monkeypatch, caplog
):
    alice_proposes(api_client, people)

    def refuse(**kwargs):
        raise ConnectionRefusedError("no SMTP server")

    monkeypatch.setattr(services, "letter_send", refuse)
    with time_machine.travel(NOW, tick=False), caplog.at_level(logging.WARNING):
        assert tasks_run() == [0]
    assert "could not send a proposal notification to bob" in caplog.text
    assert Notification.objects.get(member=people.bob, kind="proposal").emailed_at is None
    monkeypatch.undo()
    an_hour_later = NOW + timedelta(hours=1)
    with time_machine.travel(an_hour_later, tick=False):
        assert services.round_run(now=an_hour_later).sent == 1
        assert services.round_run(now=an_hour_later + timedelta(hours=1)).sent == 0
    assert [letter.to for letter in mail.outbox] == [[people.bob.email]]


def test_a_co_op_deleted_before_the_worker_ran_sends_nothing(api_client, people):
    alice_proposes(api_client, people)
    people.coop.delete()
    # At the proposal's own time: its deadline's task is not due yet, only the sending.
    with time_machine.travel(NOW, tick=False):
        assert tasks_run() == [0]
    assert mail.outbox == []
