"""``fourfold demo``: the Somerville Yogurt Cooperative, built through the services."""

from __future__ import annotations

from decimal import Decimal
from typing import TextIO

from django.core.management import call_command
from django.db import transaction

from fourfold.accounts.models import User
from fourfold.accounts.services import user_signup
from fourfold.coops import services
from fourfold.coops.models import Cooperative

DEMO_SLUG = "somerville"
DEMO_PASSWORD = "yogurt-on-sunday"
DEMO_MEMBERS = ["dee", "eli", "flo", "ana", "ben", "cam", "gus", "hal", "ivy", "jo", "kai", "lou"]
DEMO_COOP = services.CoopFields(
    slug=DEMO_SLUG,
    name="Somerville Yogurt Cooperative",
    product="yogurt",
    unit="quart",
    cadence="FREQ=WEEKLY;BYDAY=SU",
    timezone="America/New_York",
    target_quantity=20,
    producers_per_batch=2,
    currency="USD",
    commercial_unit_price=Decimal("6.50"),
    diy_minutes_per_unit=Decimal("30"),
)


def _demo_user(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        return user_signup(
            username=username, email=f"{username}@somerville.example", password=DEMO_PASSWORD
        )
    # Reusing the demo: whatever a visitor changed, the printed password works again.
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    return user


@transaction.atomic
def build() -> tuple[Cooperative, bool]:
    """The demo co-op and whether it was built now (False: it was there and is reused)."""
    members = [_demo_user(username) for username in DEMO_MEMBERS]
    coop = Cooperative.objects.filter(slug=DEMO_SLUG).first()
    if coop is not None:
        return coop, False
    founder, *others = members
    coop = services.coop_found(founder=founder, fields=DEMO_COOP)
    for member in others:
        invitation = services.invitation_create(coop=coop, by=founder)
        services.invitation_accept(code=invitation.code, user=member)
    return coop, True


def run(*, stdout: TextIO) -> Cooperative:
    call_command("migrate", interactive=False, verbosity=0)
    coop, built = build()
    stdout.write(
        ("Built" if built else "Reusing") + f" the demo co-op: {coop.name} (/c/{coop.slug}/)\n"
        f"Log in as any of: {', '.join(DEMO_MEMBERS)}\n"
        f"Demo password for all of them: {DEMO_PASSWORD}\n"
    )
    return coop
