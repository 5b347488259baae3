import re

import pytest

from fourfold.coops.models import Membership
from fourfold.testing import CoopFactory, MembershipFactory
from fourfold.web.tests.histories import build_history

pytestmark = pytest.mark.django_db

DASHBOARD = "/c/home/dashboard/"
PRINCIPLES = [
    "Self-funded",
    "No paid staff",
    "Flat",
    "Consistent production",
    "Members only",
    "Everyone in all four roles",
]


def h1_count(response) -> int:
    return len(re.findall(r"<h1[ >]", response.content.decode()))


def text_of(response) -> str:
    """The page's main text, tags dropped and spaces squeezed, as a reader would take it in."""
    main = response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


@pytest.fixture
def alice_client(client, personas):
    client.force_login(personas.alice)
    return client


@pytest.fixture
def history(personas):
    """Alice, Bob, Cat and Dan with ten weeks behind them: one batch missed four weeks ago, one
    short two weeks ago; Dan takes no share and never votes."""
    people = [personas.alice, personas.bob]
    people += [MembershipFactory(coop=personas.coop, user__username=n).user for n in ("cat", "dan")]
    build_history(personas.coop, people, weeks=10, missed=(4,), short=(2,))
    return personas


# --- The dashboard ------------------------------------------------------------------------


def test_the_dashboard_has_one_h1_and_every_principle_with_its_status_in_words(
    alice_client, history
):
    response = alice_client.get(DASHBOARD)
    assert response.status_code == 200
    assert h1_count(response) == 1
    text = text_of(response)
    for name in PRINCIPLES:
        assert name in text
    audit = response.context["audit"]
    assert [p.name for p in audit] == [
        "self_funded",
        "no_paid_staff",
        "flat",
        "consistent_production",
        "members_only",
        "all_four_roles",
    ]
    # One missed and one short batch in ten: at risk, with its figure and what to do.
    assert "At risk Consistent production" in text
    assert "8 of 10 batches made on their day at target" in text
    assert "What to do: Record every batch" in text
    assert "Holds Self-funded" in text


def test_the_dashboard_shows_the_share_of_members_active_in_all_four_roles(alice_client, history):
    text = text_of(alice_client.get(DASHBOARD))
    assert "75% of the members are active in all four roles: 3 of 4." in text


def test_the_dashboard_compares_the_cost_and_the_time_with_buying_and_making_alone(
    alice_client, history
):
    text = text_of(alice_client.get(DASHBOARD))
    # 38.40 of milk for 20 quarts, and for 18 in the short week.
    assert re.search(r"Cost per quart \$1\.9\d, against \$6\.50 to buy", text)
    assert re.search(r"Money saved \$[\d.]+ per member per month", text)
    assert re.search(r"Time per quart [\d.]+ member minutes, against 30 alone", text)
    assert re.search(r"Time saved [\d.]+ hours per member per month", text)


def test_the_dashboard_draws_four_charts_each_with_its_figures_in_a_table(alice_client, history):
    page = alice_client.get(DASHBOARD).content.decode()
    for chart in ("roles-chart", "consistency-chart", "cost-chart", "share-chart"):
        svg = re.search(rf'<svg[^>]*id="{chart}"[^>]*>', page).group(0)
        assert 'role="img"' in svg
        assert f'aria-labelledby="{chart}-title"' in svg
        assert f'aria-describedby="{chart}-desc"' in svg
    assert page.count("<details>") == 4
    assert page.count("<table") == 4
    assert "<script" not in page.split("<main", 1)[1].split("</main>")[0]


def test_the_roles_table_links_each_members_page(alice_client, history):
    page = alice_client.get(DASHBOARD).content.decode()
    for name in ("alice", "bob", "cat", "dan"):
        assert f'href="/c/home/members/{name}/"' in page


def test_a_username_with_markup_is_shown_as_text(alice_client, personas):
    MembershipFactory(coop=personas.coop, user__username="<b>eve")
    for path in (DASHBOARD, "/c/home/", "/c/home/members/"):
        page = alice_client.get(path).content.decode()
        assert "<b>eve" not in page, path
        assert "&lt;b&gt;eve" in page, path


def test_a_new_coop_dashboard_says_what_is_still_missing(alice_client, personas):
    response = alice_client.get(DASHBOARD)
    assert response.status_code == 200
    text = text_of(response)
    assert "No batch has come due yet" in text
    assert "Nothing has been made yet" in text
    # Nothing to measure is not a broken principle: the founder is told what will measure it.
    assert "Broken" not in text
    assert "At risk" not in text
    assert "Not measured yet Consistent production" in text
    assert "Measured once the first batch is due." in text
    assert "Not measured yet Everyone in all four roles" in text
    overview = text_of(alice_client.get("/c/home/"))
    assert "Broken" not in overview
    assert "Not measured yet Self-funded Measured once the first money is recorded." in overview


def test_the_dashboard_is_linked_from_the_co_op_nav(alice_client, personas):
    page = alice_client.get("/c/home/").content.decode()
    assert 'href="/c/home/dashboard/"' in page
    page = alice_client.get(DASHBOARD).content.decode()
    assert re.search(r'href="/c/home/dashboard/" aria-current="page"', page)


# --- The overview -------------------------------------------------------------------------


def test_the_overview_shows_what_doing_it_together_saves_as_the_dashboard_does(
    alice_client, history
):
    overview, dashboard = (
        text_of(alice_client.get("/c/home/")),
        text_of(alice_client.get(DASHBOARD)),
    )
    saving = re.compile(
        r"What doing it together saves Cost per quart \$1\.9\d, against \$6\.50 to buy "
        r"Money saved \$[\d.]+ per member per month "
        r"Time per quart [\d.]+ member minutes, against 30 alone "
        r"Time saved [\d.]+ hours per member per month"
    )
    assert saving.search(overview).group(0) == saving.search(dashboard).group(0)


def test_the_overview_shows_the_audit_summary(alice_client, history):
    response = alice_client.get("/c/home/")
    assert h1_count(response) == 1
    text = text_of(response)
    assert "Our principles" in text
    for name in PRINCIPLES:
        assert name in text
    assert "At risk Consistent production 8 of 10 batches" in text
    assert "Cadence Every Sunday" in text


# --- A member's page ----------------------------------------------------------------------


def test_a_members_page_shows_their_four_roles_with_figures(alice_client, history):
    response = alice_client.get("/c/home/members/bob/")
    assert response.status_code == 200
    assert h1_count(response) == 1
    text = text_of(response)
    assert "The four roles of bob" in text
    for role in ("Producer", "Funder", "Manager", "Consumer"):
        assert re.search(rf"{role} ● active", text), role
    assert "voted on 2 of 2 decisions" in text
    assert "Active in all four roles" in text


def test_a_member_who_plays_no_role_sees_it_role_by_role(client, history):
    client.force_login(history.coop.memberships.get(user__username="dan").user)
    text = text_of(client.get("/c/home/members/dan/"))
    assert "Your four roles" in text
    assert "Not yet active in all four roles" in text
    assert "Consumer ○ absent" in text
    assert "Producer ○ absent" in text


def test_the_members_list_links_each_members_page(alice_client, personas):
    page = alice_client.get("/c/home/members/").content.decode()
    assert 'href="/c/home/members/alice/"' in page
    assert 'href="/c/home/members/bob/"' in page


def test_a_paused_members_page_says_their_roles_count_again_once_they_are_back(
    alice_client, personas
):
    Membership.objects.filter(user=personas.bob).update(status=Membership.Status.PAUSED)
    response = alice_client.get("/c/home/members/bob/")
    assert response.status_code == 200
    assert "counted again once they are back" in text_of(response)


@pytest.mark.parametrize("username", ["nobody", "outsider"])
def test_an_unknown_or_outside_username_is_not_found(alice_client, personas, username):
    assert alice_client.get(f"/c/home/members/{username}/").status_code == 404


def test_a_former_members_page_is_not_found(alice_client, personas):
    Membership.objects.filter(user=personas.bob).update(status=Membership.Status.LEFT)
    assert alice_client.get("/c/home/members/bob/").status_code == 404


@pytest.mark.parametrize("path", [DASHBOARD, "/c/home/members/alice/"])
def test_a_member_of_another_coop_sees_nothing(client, personas, path):
    client.force_login(personas.outsider)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("path", [DASHBOARD, "/c/home/members/alice/"])
def test_an_anonymous_visitor_is_sent_to_log_in(client, personas, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_one_coops_dashboard_counts_only_its_own_members(alice_client, personas):
    other = CoopFactory()
    MembershipFactory(coop=other, user=personas.alice)
    MembershipFactory(coop=other, user__username="zed")
    page = alice_client.get(DASHBOARD).content.decode()
    assert "zed" not in page


# --- Queries ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [2, 20])
@pytest.mark.parametrize(
    ("path", "queries"),
    # One more than before when the window holds no decision (has the co-op ever decided?);
    # the overview also shows what doing it together saves.
    # The dashboard: 30 before the budget chart, which reads the budget report (+5); the
    # member's year reads what they took and were charged, month by month (+2, whatever the
    # number of months or batches).
    # Each page also lists the member's co-ops in the header's switcher (+1; #15).
    [(DASHBOARD, 38), ("/c/home/", 33), ("/c/home/members/bob/", 17)],
)
def test_the_insight_pages_take_a_fixed_number_of_queries(
    client, personas, size, path, queries, django_assert_max_num_queries
):
    people = [personas.alice, personas.bob]
    people += [MembershipFactory(coop=personas.coop).user for _ in range(size)]
    build_history(personas.coop, people, weeks=6, missed=(3,))
    client.force_login(personas.alice)
    with django_assert_max_num_queries(queries):
        assert client.get(path).status_code == 200


def test_every_status_of_the_audit_has_a_symbol_and_a_word():
    from fourfold.insights import principles
    from fourfold.web.presenters.insights import STATUSES

    assert set(STATUSES) == set(principles.STATUSES)


# --- The member's year --------------------------------------------------------------------


def test_the_dashboard_draws_what_the_member_took_with_the_cost_per_unit(alice_client, history):
    response = alice_client.get(DASHBOARD)
    page = response.content.decode()
    svg = re.search(r'<svg[^>]*id="share-chart".*?</svg>', page, re.S).group(0)
    year = response.context["year"]
    assert len(year) == 12
    taken = [m for m in year if m.units]
    assert taken
    assert svg.count('class="chart-bar-share"') == len(taken)
    assert svg.count('class="chart-point-cost"') == sum(
        1 for m in year if m.cost_per_unit is not None
    )
    text = text_of(response)
    assert "Your share over the year" in text
    assert "What you took and were charged per month" in text
    for month in taken:
        assert f'<time datetime="{month.month:%Y-%m}">' in page


def test_a_member_who_took_nothing_is_told_so_instead_of_an_empty_chart(client, history):
    client.force_login(Membership.objects.get(user__username="dan").user)
    response = client.get(DASHBOARD)
    assert "share-chart" not in response.content.decode()
    assert "You have taken nothing in the last twelve months." in text_of(response)
