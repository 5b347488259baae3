import re
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from fourfold.consumption import selectors, services
from fourfold.consumption.models import Allocation, Reservation, StandingShare
from fourfold.coops.models import Membership
from fourfold.ledger import services as ledger
from fourfold.production.models import Batch, Shift
from fourfold.testing import MembershipFactory, consented
from fourfold.workflows import money as money_flow
from fourfold.workflows import production as production_flow

pytestmark = pytest.mark.django_db

SHARES = "/c/home/shares/"
SHARE_SET = "/c/home/shares/mine/"
SHARE_PAUSE = "/c/home/shares/mine/pause/"
BATCH = "/c/home/shares/batch/"
COSTS = "/c/home/shares/costs/"
PAUSE = "/c/home/shares/membership/pause/"
RESUME = "/c/home/shares/membership/resume/"
LEAVE = "/c/home/shares/membership/leave/"

# The home co-op bakes on Sundays in New York. Every test starts on the Wednesday before.
WEDNESDAY = "2026-06-10T12:00:00-04:00"
SUNDAY = date(2026, 6, 14)


def batch_url(batch, action: str = "") -> str:
    return f"/c/home/shares/batches/{batch.pk}/{action}"


def reserve_url(batch) -> str:
    return batch_url(batch, "reservation/")


def h1_count(response) -> int:
    return len(re.findall(r"<h1[ >]", response.content.decode()))


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def plan(coop, weeks: int = 2) -> list[Batch]:
    production_flow.batches_plan(coop=coop, weeks=weeks, by=None, today=date(2026, 6, 10))
    return list(Batch.objects.filter(coop=coop).order_by("date"))


def make(batch: Batch, quantity: int) -> Batch:
    producer = Shift.objects.filter(batch=batch).exclude(member=None).first().member
    return production_flow.batch_record_made(
        batch=batch, by=producer, quantity=quantity, hours="3", today=batch.date
    )


def share(coop, member) -> int | None:
    found = StandingShare.objects.filter(coop=coop, member=member).first()
    return found.units if found else None


def units_of(batch) -> dict[str, int]:
    return {a.member.username: a.units for a in selectors.allocations(batch=batch)}


@pytest.fixture(autouse=True)
def wednesday():
    with time_machine.travel(WEDNESDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def alice_client(client, personas):
    client.force_login(personas.alice)
    return client


@pytest.fixture
def shared(personas):
    """Alice takes 2 quarts, Bob 3."""
    services.share_set(coop=personas.coop, member=personas.alice, units=2)
    services.share_set(coop=personas.coop, member=personas.bob, units=3)
    return personas


@pytest.fixture
def made(shared):
    """Sunday's batch: 10 quarts made, 5 asked, its 10.00 of milk charged by units."""
    batch = plan(shared.coop)[0]
    money_flow.expense_post(
        coop=shared.coop,
        payer=shared.alice,
        amount="10.00",
        category="ingredients",
        entered_by=shared.alice,
        batch=batch,
    )
    return make(batch, 10)


# --- Every page ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", [SHARES, BATCH, COSTS, LEAVE])
def test_each_page_renders_with_one_heading(alice_client, made, path):
    response = alice_client.get(path)
    assert response.status_code == 200
    assert h1_count(response) == 1


@pytest.mark.parametrize("path", [SHARES, BATCH, COSTS])
def test_each_page_renders_before_anything_happened(alice_client, path):
    response = alice_client.get(path)
    assert response.status_code == 200
    assert h1_count(response) == 1


def test_the_batch_page_of_a_past_batch_renders(alice_client, made):
    response = alice_client.get(batch_url(made))
    assert response.status_code == 200
    assert h1_count(response) == 1


def test_a_planned_batch_has_no_batch_page(alice_client, made):
    planned = Batch.objects.filter(status=Batch.Status.PLANNED).first()
    assert alice_client.get(batch_url(planned)).status_code == 404


def test_the_coop_nav_links_to_the_shares(alice_client):
    assert f'href="{SHARES}"'.encode() in alice_client.get("/c/home/").content


@pytest.mark.parametrize("path", [SHARES, BATCH, COSTS, LEAVE])
def test_a_member_of_another_coop_gets_a_404(client, made, personas, path):
    client.force_login(personas.outsider)
    assert client.get(path).status_code == 404


def test_a_member_of_another_coop_cannot_claim_an_extra(client, made, personas):
    client.force_login(personas.outsider)
    assert client.post(batch_url(made, "extras/")).status_code == 404
    assert client.post(batch_url(made, "collected/")).status_code == 404
    assert client.post(reserve_url(made), {f"batch-{made.pk}-units": "1"}).status_code == 404
    assert selectors.extras_left(batch=made) == 5
    assert not Allocation.objects.filter(member=personas.outsider).exists()


def test_a_batch_of_another_coop_is_not_found(alice_client, personas):
    production_flow.batches_plan(
        coop=personas.other_coop, weeks=1, by=None, today=date(2026, 6, 10)
    )
    theirs = Batch.objects.get(coop=personas.other_coop)
    response = alice_client.post(reserve_url(theirs), {f"batch-{theirs.pk}-units": "1"})
    assert response.status_code == 404
    assert not Reservation.objects.exists()


# --- My share -----------------------------------------------------------------------------


def test_the_plus_and_minus_buttons_post_my_next_size(alice_client, shared):
    content = alice_client.get(SHARES).content.decode()
    assert "You take <strong>2 quarts</strong> of every batch." in content
    hidden = re.findall(r'<input type="hidden" name="units" value="(\d+)">', content)
    assert hidden == ["1", "3"]


def test_plus_and_minus_change_my_share(alice_client, shared):
    response = alice_client.post(SHARE_SET, {"units": "3"}, follow=True)
    assert share(shared.coop, shared.alice) == 3
    assert messages_of(response) == ["You now take 3 quarts of every batch."]
    assert "You take <strong>3 quarts</strong>" in response.content.decode()

    alice_client.post(SHARE_SET, {"units": "2"})
    assert share(shared.coop, shared.alice) == 2


def test_one_click_starts_a_share(alice_client, personas):
    content = alice_client.get(SHARES).content.decode()
    assert re.findall(r'name="units" value="(\d+)">', content) == ["1"]
    alice_client.post(SHARE_SET, {"units": "1"})
    assert share(personas.coop, personas.alice) == 1


def test_zero_stops_my_share(alice_client, shared):
    response = alice_client.post(SHARE_SET, {"units": "0"}, follow=True)
    assert share(shared.coop, shared.alice) is None
    assert messages_of(response) == ["You stopped your standing share."]


def test_a_share_out_of_range_is_refused_with_a_message(alice_client, shared):
    response = alice_client.post(SHARE_SET, {"units": "-1"}, follow=True)
    assert share(shared.coop, shared.alice) == 2
    assert messages_of(response) == ["Take 0 or more units (0 means none)."]


@pytest.mark.parametrize(
    ("units", "message"),
    [
        ("1001", "Take at most 1000 units of every batch."),
        ("two", "Take a whole number of units, such as 2."),
        ("", "Say how many units you take of every batch (0 means none)."),
    ],
)
def test_a_share_the_form_refuses_says_what_to_enter_instead(alice_client, shared, units, message):
    response = alice_client.post(SHARE_SET, {"units": units}, follow=True)
    assert share(shared.coop, shared.alice) == 2
    assert messages_of(response) == [message]


def test_everyone_s_shares_add_up_against_the_target(alice_client, shared):
    carol = MembershipFactory(coop=shared.coop, user__username="carol").user
    services.share_set(coop=shared.coop, member=carol, units=4, paused=True)
    response = alice_client.get(SHARES)
    assert [row.share.member.username for row in response.context["everyone"]] == [
        "alice",
        "bob",
        "carol",
    ]
    assert response.context["asked"] == 5  # carol's paused share counts as nothing
    content = response.content.decode()
    assert "Together we take 5 of the 20 quarts a batch aims to make." in content
    assert "share paused: counts as nothing" in content


def test_pausing_my_share_keeps_its_size_and_resuming_brings_it_back(alice_client, shared):
    response = alice_client.post(SHARE_PAUSE, {"paused": "1"}, follow=True)
    found = StandingShare.objects.get(member=shared.alice)
    assert (found.units, found.paused) == (2, True)
    assert "Resume my share" in response.content.decode()

    alice_client.post(SHARE_SET, {"units": "4"})
    assert StandingShare.objects.get(member=shared.alice).paused  # a new size stays paused

    alice_client.post(SHARE_PAUSE, {"paused": "0"})
    found = StandingShare.objects.get(member=shared.alice)
    assert (found.units, found.paused) == (4, False)


def test_a_paused_share_counts_as_nothing_in_the_next_allocation(alice_client, shared):
    alice_client.post(SHARE_PAUSE, {"paused": "1"})
    batch = make(plan(shared.coop)[0], 10)
    assert units_of(batch) == {"bob": 3}


def test_pausing_without_a_share_says_so(alice_client, personas):
    response = alice_client.post(SHARE_PAUSE, {"paused": "1"}, follow=True)
    assert messages_of(response) == ["You have no standing share to pause or resume."]


# --- Reservations -------------------------------------------------------------------------


def test_the_next_batches_show_their_cut_off_in_the_coops_zone(alice_client, shared):
    plan(shared.coop)
    content = alice_client.get(SHARES).content.decode()
    # 48 hours before Sunday 14 June begins in New York.
    # A midnight deadline reads as the end of the day before, as people say it.
    assert '<time datetime="2026-06-12T00:00:00-04:00">the end of Thu 11 Jun 2026</time>' in content
    assert "Times are in the co-op's time zone, Eastern Time." in content
    assert "Everyone together: 5 of the 20 quarts planned." in content


def test_a_reservation_before_the_cut_off_is_saved(alice_client, shared):
    batch = plan(shared.coop)[0]
    response = alice_client.post(reserve_url(batch), {f"batch-{batch.pk}-units": "5"}, follow=True)
    assert Reservation.objects.get(batch=batch, member=shared.alice).units == 5
    assert messages_of(response) == ["You take 5 quarts of the batch of Sun 14 Jun 2026."]
    [first, _second] = response.context["upcoming"]
    assert (first.mine, first.asked, first.open) == (5, 8, True)

    alice_client.post(reserve_url(batch), {f"batch-{batch.pk}-units": "0"})
    assert units_of(make(batch, 10)) == {"bob": 3}


def test_a_reservation_after_the_cut_off_is_refused_with_the_message(
    alice_client, shared, wednesday
):
    batch = plan(shared.coop)[0]
    wednesday.move_to("2026-06-13T09:00:00-04:00")
    response = alice_client.post(reserve_url(batch), {f"batch-{batch.pk}-units": "5"}, follow=True)
    assert not Reservation.objects.exists()
    assert messages_of(response) == [
        "Reservations for Sun 14 Jun 2026 closed 48 hours before the batch."
    ]
    content = response.content.decode()
    assert (
        'Reservations closed at <time datetime="2026-06-12T00:00:00-04:00">'
        "the end of Thu 11 Jun 2026</time>." in content
    )
    assert f'action="{reserve_url(batch)}"' not in content  # the next Sunday's form only


def test_a_deadline_not_at_midnight_shows_its_time(alice_client, shared):
    shared.coop.reservation_cutoff_hours = 30
    shared.coop.save()
    plan(shared.coop)
    content = alice_client.get(SHARES).content.decode()
    assert '<time datetime="2026-06-12T18:00:00-04:00">Fri 12 Jun 2026, 18:00</time>' in content


# --- This week's batch --------------------------------------------------------------------


def test_the_batch_page_shows_who_got_what_and_the_cost_per_unit(alice_client, made):
    response = alice_client.get(BATCH)
    assert response.context["batch"] == made
    assert [
        (row.allocation.member.username, row.allocation.units) for row in response.context["rows"]
    ] == [
        ("alice", 2),
        ("bob", 3),
    ]
    content = response.content.decode()
    assert "Everyone got what they asked for." in content
    assert "$2.00 per quart" in content  # 10.00 over 5 quarts
    assert "It costs you $4.00." in content
    assert "5 quarts are left over for anyone to claim." in content


def test_scarcity_is_explained(alice_client, shared):
    batch = make(plan(shared.coop)[0], 4)
    response = alice_client.get(BATCH)
    assert units_of(batch) == {"alice": 2, "bob": 2}
    content = response.content.decode()
    assert "More was asked (5 quarts) than was made (4)" in content
    assert "fair share: 1 fewer than asked" in content


def test_claiming_an_extra_increases_my_units_and_shows(alice_client, made):
    response = alice_client.post(batch_url(made, "extras/"), follow=True)
    assert units_of(made) == {"alice": 3, "bob": 3}
    assert messages_of(response) == [
        "You claimed an extra quart: you take 3 of the batch of Sun 14 Jun 2026."
    ]
    content = response.content.decode()
    assert "You get <strong>3 quarts</strong> (you asked for 2)." in content
    assert "1 of them is an extra." in content
    # The costs are shared again by the new units: 10.00 over 6 quarts, 5.00 for alice's 3.
    assert "$1.67 per quart" in content
    assert "It costs you $5.00." in content


def test_no_extra_is_left_to_claim(alice_client, shared):
    batch = make(plan(shared.coop)[0], 5)
    content = alice_client.get(BATCH).content.decode()
    assert "Claim an extra" not in content
    response = alice_client.post(batch_url(batch, "extras/"), follow=True)
    assert messages_of(response) == ["No extras are left: the last one was just claimed."]
    assert units_of(batch) == {"alice": 2, "bob": 3}


def test_mark_collected(alice_client, made):
    response = alice_client.post(batch_url(made, "collected/"), follow=True)
    assert Allocation.objects.get(batch=made, member__username="alice").collected_at is not None
    assert messages_of(response) == ["Your share of the batch of Sun 14 Jun 2026 is collected."]
    assert "Mark collected" not in response.content.decode()


def test_marking_collected_without_a_share_says_so(client, made, personas):
    carol = MembershipFactory(coop=personas.coop, user__username="carol").user
    client.force_login(carol)
    response = client.post(batch_url(made, "collected/"), follow=True)
    assert messages_of(response) == ["You have no share of this batch to collect."]


# --- Costs --------------------------------------------------------------------------------


def test_the_costs_page_shows_cost_per_unit_my_cost_and_waste(alice_client, made, wednesday):
    wednesday.move_to("2026-06-20T12:00:00-04:00")  # Sunday's shares were due by Wednesday
    Allocation.objects.filter(member__username="bob").update(collected_at=timezone.now())
    response = alice_client.get(COSTS)
    [row] = response.context["rows"]
    assert (row.cost.per_unit, row.mine) == (Decimal("2.00"), Decimal("4.00"))
    content = response.content.decode()
    assert "$2.00" in content and "$4.00" in content
    assert "2 of the 5 quarts shared out were not collected within 3 days: 40%." in content


# --- My membership ------------------------------------------------------------------------


def test_pausing_my_membership_makes_my_share_count_as_nothing(alice_client, shared):
    response = alice_client.post(PAUSE, follow=True)
    assert Membership.objects.get(user=shared.alice).status == Membership.Status.PAUSED
    assert messages_of(response)[0].startswith("Your membership is paused")
    content = response.content.decode()
    assert "Resume my membership" in content
    assert "membership paused: counts as nothing" in content
    assert response.context["asked"] == 3

    batch = make(plan(shared.coop)[0], 10)
    assert units_of(batch) == {"bob": 3}


def test_a_paused_member_is_offered_no_share_or_reservation_forms(alice_client, shared):
    batch = plan(shared.coop)[0]
    alice_client.post(PAUSE)
    content = alice_client.get(SHARES).content.decode()
    assert f'action="{reserve_url(batch)}"' not in content
    assert f'action="{SHARE_SET}"' not in content
    assert "Resume your membership to reserve." in content


def test_a_paused_member_cannot_claim_extras(client, made, personas):
    client.force_login(personas.bob)
    client.post(PAUSE)
    assert "Claim an extra" not in client.get(BATCH).content.decode()
    response = client.post(batch_url(made, "extras/"), follow=True)
    assert "paused" in messages_of(response)[-1]
    assert units_of(made) == {"alice": 2, "bob": 3}


def test_resuming_my_membership(alice_client, shared):
    alice_client.post(PAUSE)
    response = alice_client.post(RESUME, follow=True)
    assert Membership.objects.get(user=shared.alice).status == Membership.Status.ACTIVE
    assert messages_of(response)[-1].startswith("Welcome back")
    assert units_of(make(plan(shared.coop)[0], 10)) == {"alice": 2, "bob": 3}


def test_resuming_an_active_membership_says_so(alice_client, personas):
    response = alice_client.post(RESUME, follow=True)
    assert messages_of(response) == ["Your membership is already active."]


def test_the_leave_page_asks_first(alice_client, made):
    response = alice_client.get(LEAVE)
    assert Membership.objects.get(user__username="alice").status == Membership.Status.ACTIVE
    content = response.content.decode()
    assert "Leave Home Co-op" in content
    assert "the co-op owes you $6.00: it stays in the ledger" in content


def test_leaving_removes_my_share_and_keeps_my_balance(alice_client, made):
    response = alice_client.post(LEAVE, follow=True)
    assert response.redirect_chain[-1][0] == "/coops/"
    assert Membership.objects.get(user__username="alice").status == Membership.Status.LEFT
    assert not StandingShare.objects.filter(member__username="alice").exists()
    assert messages_of(response) == [
        "You have left Home Co-op. It owes you $6.00 until it is settled."
    ]
    assert alice_client.get(SHARES).status_code == 404
    # Out of the co-op's pages, but not out of sight: what is owed stays on My co-ops.
    assert "Home Co-op owes you $6.00." in response.content.decode()


def test_a_former_member_who_owes_sees_it_until_it_is_settled(client, shared, made):
    bob = shared.bob
    client.force_login(bob)
    client.post(LEAVE)
    page = client.get("/coops/").content.decode()
    assert "You owe Home Co-op $6.00." in page
    consented(
        ledger.transfer_post(
            coop=shared.coop, payer=bob, payee=shared.alice, amount="6", entered_by=shared.alice
        )
    )
    assert "Still to settle" not in client.get("/coops/").content.decode()


# --- No N+1 -------------------------------------------------------------------------------


def populate(personas, members: int, batches: int) -> None:
    """``members`` more members with shares, ``batches`` batches made, each with a cost."""
    coop = personas.coop
    for n in range(members):
        member = MembershipFactory(coop=coop, user__username=f"member-{n}").user
        services.share_set(coop=coop, member=member, units=1 + n % 3)
    services.share_set(coop=coop, member=personas.alice, units=2)
    made = plan(coop, weeks=batches + 3)[:batches]
    for batch in made:
        money_flow.expense_post(
            coop=coop,
            payer=personas.alice,
            amount="12.00",
            category="ingredients",
            entered_by=personas.alice,
            batch=batch,
        )
        make(batch, 20)


@pytest.mark.parametrize(("members", "batches"), [(1, 1), (12, 6)])
# Each counts the header's co-op switcher (+1; #15).
@pytest.mark.parametrize(("path", "queries"), [(SHARES, 17), (BATCH, 12), (COSTS, 11), (LEAVE, 6)])
def test_the_pages_make_as_many_queries_whatever_the_size(
    alice_client, personas, django_assert_max_num_queries, members, batches, path, queries
):
    populate(personas, members, batches)
    with django_assert_max_num_queries(queries):
        assert alice_client.get(path).status_code == 200
