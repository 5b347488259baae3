"""Factories and personas for tests.

The personas mark the access boundaries: two members of one co-op, a member of another co-op,
and an anonymous visitor (no user at all).
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import cast

import factory
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.utils import timezone as django_timezone

from fourfold.accounts.models import User
from fourfold.coops.models import Cooperative, Membership
from fourfold.ledger import statements
from fourfold.ledger.models import Transaction
from fourfold.lib.language import plural_guess
from fourfold.workflows import money as money_flow

PASSWORD = "correct-horse-battery"

# A Wednesday in mid-June, in the middle of a month, of a week and of summer time in every zone the
# tests use: no month end, no leap day, no clock change and no new year near it. Every test runs
# at this instant (the clock ticking on from it) unless it travels somewhere itself, so that the
# suite says the same on any day it runs. FOURFOLD_TEST_NOW moves the whole suite to another
# instant: `make test-calendar` runs the date-sensitive tests at the awkward ones.
DEFAULT_NOW = "2026-06-17T14:30:00+00:00"


def suite_instant() -> str:
    """The instant the test suite runs at (see DEFAULT_NOW)."""
    return os.environ.get("FOURFOLD_TEST_NOW") or DEFAULT_NOW


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"member{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save_password(self, create, extracted, **kwargs):
        # factory_boy passes the built user, not the factory, as ``self``.
        if create:
            cast(User, self).save()


class CoopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cooperative

    slug = factory.Sequence(lambda n: f"coop-{n}")
    name = factory.Sequence(lambda n: f"Co-op {n}")
    product = "yogurt"
    unit = "quart"
    unit_plural = factory.LazyAttribute(lambda coop: plural_guess(coop.unit))
    cadence = "FREQ=WEEKLY;BYDAY=SU"
    timezone = "America/New_York"
    target_quantity = 20
    producers_per_batch = 2
    currency = "USD"
    commercial_unit_price = Decimal("6.50")
    diy_minutes_per_unit = Decimal("30")
    founded_at = factory.LazyFunction(django_timezone.now)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    coop = factory.SubFactory(CoopFactory)
    user = factory.SubFactory(UserFactory)
    status = Membership.Status.ACTIVE
    joined_on = factory.LazyFunction(date.today)


@dataclass
class Personas:
    coop: Cooperative
    alice: User
    bob: User
    other_coop: Cooperative
    outsider: User


def make_personas() -> Personas:
    """Alice and Bob share a co-op; the outsider belongs to another one."""
    coop = CoopFactory.create(slug="home", name="Home Co-op")
    other_coop = CoopFactory.create(slug="elsewhere", name="Elsewhere Co-op")
    alice = MembershipFactory.create(coop=coop, user__username="alice").user
    bob = MembershipFactory.create(coop=coop, user__username="bob").user
    outsider = MembershipFactory.create(coop=other_coop, user__username="outsider").user
    return Personas(coop=coop, alice=alice, bob=bob, other_coop=other_coop, outsider=outsider)


def tasks_run() -> list:
    """Run the queued tasks that are due, as the worker would, and those they queue in turn;
    their results, in order. For the test settings' DummyBackend, which only keeps them."""
    from django.utils import timezone
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, TaskResultStatus, task_backends
    from django_tasks.backends.dummy import DummyBackend

    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    assert isinstance(backend, DummyBackend), backend
    done = []
    while due := [
        result
        for result in backend.results
        if result.status == TaskResultStatus.READY
        and (result.task.run_after is None or result.task.run_after <= timezone.now())
    ]:
        for result in due:
            backend.results.remove(result)
            done.append(result.task.call(*result.args, **result.kwargs))
    return done


def race(count: int, work) -> list:
    """Run ``work`` in ``count`` threads released at once; each thread's result or exception,
    in thread order. Each thread has its own database connection, as separate requests would."""
    import threading

    from django.db import connections

    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work()
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def consented(entry: Transaction) -> Transaction:
    """Give every confirmation ``entry`` waits for (its payer's, its receiver's, a second
    member's for the pool), as those members would: for tests of what happens once money has
    moved, where whose say it took is beside the point."""
    coop = entry.coop
    for _round in range(3):
        current = statements.transactions(coop=coop).get(pk=entry.pk)
        if statements.entry_status(current).status != "pending":
            return current
        answerer = next(
            member
            for member in User.objects.filter(memberships__coop=coop).order_by("pk")
            if statements.can_answer(current, member) is not None
        )
        money_flow.entry_confirm(coop=coop, transaction_id=entry.pk, member=answerer)
    return statements.transactions(coop=coop).get(pk=entry.pk)


@dataclass(frozen=True)
class PushDevice:
    """A browser's side of a push subscription: the keys PushManager would make, which the
    test keeps to decrypt what it is sent (RFC 8291)."""

    private_key: ec.EllipticCurvePrivateKey
    p256dh: str
    auth: str
    auth_secret: bytes


def push_device() -> PushDevice:
    private_key = ec.generate_private_key(ec.SECP256R1())
    point = private_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    secret = os.urandom(16)

    def b64url(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    return PushDevice(private_key, b64url(point), b64url(secret), secret)
