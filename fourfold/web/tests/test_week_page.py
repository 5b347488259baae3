import html
import re
from datetime import timedelta

import pytest

from fourfold.coops.models import Membership
from fourfold.coops.selectors import coop_today
from fourfold.insights.tests import weeks
from fourfold.insights.tests.weeks import made, planned
from fourfold.production import swaps
from fourfold.testing import CoopFactory, MembershipFactory
from fourfold.web.tests.histories import build_history
from fourfold.workflows import decisions as decisions_flow
from fourfold.workflows import money as money_flow

pytestmark = pytest.mark.django_db

WEEK = "/week/"


# The week's shared fixtures (insights/tests/weeks.py).
travel = weeks.travel
scene = weeks.scene


def text_of(content: str) -> str:
    main = content.split("<main", 1)[1].split("</main>", 1)[0]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)))


def test_it_shows_each_thing_to_do_with_its_action(client, scene):
    client.force_login(scene.alice)
    page = client.get(WEEK).content.decode()
    assert page.count("<h1") == 1
    assert page.count('<article class="card week-item ') == 7  # six things to do, one debt
    text = text_of(page)
    titles = [
        "Collect 2 quarts of yogurt",
        "Take bob's shift: 20 quarts of yogurt",
        "Produce 20 quarts of yogurt",
        "Take 2 quarts of yogurt",
        "Vote on “Buy a second pot”",
        f"Confirm entry #{scene.entry.pk}",
    ]
    positions = [text.index(title) for title in titles]
    assert positions == sorted(positions)
    assert f'action="/c/home/production/shifts/{scene.shift.pk}/offer/"' in page
    assert f'action="/c/home/shares/batches/{scene.made.pk}/collected/"' in page
    assert f'action="/c/home/ledger/transactions/{scene.entry.pk}/confirm/"' in page
    assert f'href="/c/home/decisions/{scene.proposal.pk}/#vote"' in page
    swap = scene.swap_batch.shifts.get(member=scene.bob).swaps.get()
    assert f'action="/c/home/production/swaps/{swap.pk}/take/"' in page
    assert "With bob." in text
    assert "You owe $10.00. Pay bob $10.00." in text
    assert 'href="/c/home/ledger/settle/"' in page
    assert 'hx-get="/c/home/week/health/"' in page
    assert "Elsewhere" not in text


def test_it_heads_each_day_and_puts_later_deadlines_last(client, scene):
    client.force_login(scene.alice)
    text = text_of(client.get(WEEK).content.decode())
    days = ["Wed 17 Jun 2026", "Sat 20 Jun 2026", "Sun 21 Jun 2026", "Open until later"]
    positions = [text.index(day, text.index("This week") + 30) for day in days]
    assert positions == sorted(positions)


def test_confirming_comes_back_to_the_week(client, scene):
    client.force_login(scene.alice)
    response = client.post(f"/c/home/ledger/transactions/{scene.entry.pk}/confirm/", {"next": WEEK})
    assert response["Location"] == WEEK


def test_an_offered_shift_links_to_the_swap_board(client, scene):
    swaps.swap_offer(shift=scene.shift, by=scene.alice)
    client.force_login(scene.alice)
    page = client.get(WEEK).content.decode()
    assert f"/production/shifts/{scene.shift.pk}/offer/" not in page
    assert "On the swap board: it stays yours until someone takes it." in text_of(page)


def test_an_empty_week_says_what_to_do_next(client, travel, personas):
    client.force_login(personas.alice)
    text = text_of(client.get(WEEK).content.decode())
    assert "Nothing to do this week" in text
    assert "Reserve a share of the next batch" in text
    assert "You owe nothing and nobody owes you." in text


def test_without_a_coop_it_points_to_my_coops(client, travel, personas):
    Membership.objects.filter(user=personas.alice).update(status=Membership.Status.LEFT)
    client.force_login(personas.alice)
    page = client.get(WEEK).content.decode()
    assert "you are not an active member of any co-op" in text_of(page)
    assert 'href="/coops/"' in page
    assert 'href="/coops/new/"' in page


def test_the_health_line_counts_the_principles(client, scene):
    client.force_login(scene.alice)
    response = client.get("/c/home/week/health/")
    assert response.status_code == 200
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))
    assert "Home Co-op" in text
    assert re.search(r"\d+ principles? holds?", text)


def test_the_health_line_of_a_coop_i_am_not_in_is_not_found(client, scene):
    client.force_login(scene.alice)
    assert client.get("/c/elsewhere/week/health/").status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client, personas):
    response = client.get(WEEK)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_logging_in_leads_to_the_week(client, personas):
    from fourfold.testing import PASSWORD

    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response["Location"] == WEEK


# --- Queries ------------------------------------------------------------------------------


def _busy_coop(coop, member, others: int, weeks: int) -> None:
    """``member`` and ``others`` more with ``weeks`` of history behind them, and one of each
    thing to do this week."""
    people = [member] + [MembershipFactory(coop=coop).user for _ in range(others)]
    build_history(coop, people, weeks=weeks)
    helper = people[1]
    today = coop_today(coop)
    planned(coop, today + timedelta(days=3), member, helper)
    offered = planned(coop, today + timedelta(days=5), helper, people[2])
    swaps.swap_offer(shift=offered.shifts.get(member=helper), by=helper)
    made(coop, today - timedelta(days=1), {member: 2})
    money_flow.entry_record(
        coop=coop,
        entered_by=helper,
        kind="transfer",
        amount="5.00",
        payer=member.username,
        payee=helper.username,
    )
    decisions_flow.proposal_open(coop=coop, by=helper, kind="general", title="Buy a pot")


# Two for the session and the user, one for the memberships, six for the batches, shifts and
# shares, two for what waits for my say, one for the votes, one for my balances: 13, however
# many co-ops; then two for each co-op's settle-up plan where I owe or am owed (19 for three).
# The health lines load on their own, one request per co-op.
@pytest.mark.parametrize(("coops", "others", "weeks"), [(1, 2, 2), (3, 12, 8)])
def test_the_week_takes_a_bounded_number_of_queries(
    client, travel, personas, django_assert_max_num_queries, coops, others, weeks
):
    member = personas.alice
    _busy_coop(personas.coop, member, others, weeks)
    for _ in range(coops - 1):
        coop = CoopFactory()
        MembershipFactory(coop=coop, user=member)
        _busy_coop(coop, member, others, weeks)
    client.force_login(member)
    with django_assert_max_num_queries(20):
        response = client.get(WEEK)
    page = response.content.decode()
    # Per co-op: last Sunday's share and yesterday's to collect, my shift, my share of both
    # batches ahead, the shift on offer, the vote, the entry to confirm, and my debt.
    assert page.count('<article class="card week-item ') == 9 * coops
