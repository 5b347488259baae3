import re
from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fourfold.coops.models import Cooperative, Membership
from fourfold.governance import tasks, votes
from fourfold.governance.models import FacilitatorDuty, Proposal, Proxy, Vote
from fourfold.testing import MembershipFactory
from fourfold.workflows import decisions as decisions_flow

pytestmark = pytest.mark.django_db

DECISIONS = "/c/home/decisions/"
LOG = "/c/home/decisions/log/"
SETTINGS = "/c/home/settings/"
# The sections bar marks Decide as where the page is: its link, its icon, its label.
DECIDE_CURRENT = re.compile(r'aria-current="page"><svg[^>]*>.*?</svg><span>Decide</span>', re.S)


def h1_count(response) -> int:
    return len(re.findall(r"<h1[ >]", response.content.decode()))


def proposal_url(proposal, suffix: str = "") -> str:
    return f"/c/home/decisions/{proposal.pk}/{suffix}"


def text(response) -> str:
    """The page's words without tags or runs of white space, to search for a sentence."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def rule_change(personas, by=None, **change):
    return decisions_flow.proposal_open(
        coop=personas.coop,
        by=by or personas.bob,
        kind="rule_change",
        title="Make more",
        change=change or {"target_quantity": 24},
    )


def general(personas, title="Buy a bigger pot"):
    return decisions_flow.proposal_open(
        coop=personas.coop, by=personas.bob, kind="general", title=title
    )


@pytest.fixture
def alice_client(client, personas):
    client.force_login(personas.alice)
    return client


@pytest.fixture
def bob_client(personas):
    bob = Client()
    bob.force_login(personas.bob)
    return bob


@pytest.fixture
def carol(personas):
    return MembershipFactory(coop=personas.coop, user__username="carol").user


def test_each_governance_page_renders_with_one_heading(alice_client, personas):
    proposal = rule_change(personas)
    decided = general(personas, "Honey")
    decisions_flow.proposal_close(proposal=decided, now=timezone.now() + timedelta(days=8))
    for path in (DECISIONS, LOG, SETTINGS, proposal_url(proposal), proposal_url(decided)):
        response = alice_client.get(path)
        assert response.status_code == 200, path
        assert h1_count(response) == 1, path
        assert re.search(DECIDE_CURRENT, response.content.decode()), path


def test_the_decisions_page_lists_open_proposals_with_their_tally_and_closing_time(
    alice_client, personas
):
    with time_machine.travel(datetime(2026, 3, 2, 15, 0, tzinfo=UTC), tick=False):
        proposal = general(personas)
        decisions_flow.vote_cast(proposal=proposal, member=personas.bob, position="agree")
        response = alice_client.get(DECISIONS)
    page = text(response)
    assert "Buy a bigger pot" in page
    assert "1 of 2 members voted" in page
    assert "Agree: 1" in page
    # Opened at 10:00 in New York (EST); seven days later the clocks have gone forward (8 March),
    # so it closes at 11:00 there, the co-op's zone.
    assert "closes Mon 9 Mar 2026, 11:00 (Eastern Time)" in page
    assert "You have not voted yet." in page
    assert f'hx-get="{DECISIONS}tallies/?ids={proposal.pk}"' in response.content.decode()
    assert 'hx-trigger="every 10s"' in response.content.decode()


def writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def test_looking_at_the_decisions_page_writes_nothing_and_plans_nobody(alice_client, personas):
    general(personas)
    with time_machine.travel(datetime(2026, 3, 2, 15, 0, tzinfo=UTC), tick=False):
        alice_client.get(DECISIONS)  # the session is saved on the first request
        with CaptureQueriesContext(connection) as queries:
            response = alice_client.get(DECISIONS)
    assert response.status_code == 200
    assert writes(queries) == []
    assert not FacilitatorDuty.objects.exists()
    assert "No facilitator is planned yet" in text(response)


def test_the_daily_task_plans_the_facilitators_and_the_page_shows_them(alice_client, personas):
    with time_machine.travel(datetime(2026, 3, 2, 15, 0, tzinfo=UTC), tick=False):
        tasks.plan_facilitators_daily.call()
        response = alice_client.get(DECISIONS)
    duty = FacilitatorDuty.objects.get(coop=personas.coop, month=date(2026, 3, 1))
    following = FacilitatorDuty.objects.get(coop=personas.coop, month=date(2026, 4, 1))
    assert f"{duty.member.username} facilitates in March 2026" in text(response)
    assert f"Next: {following.member.username}, in April 2026." in text(response)
    assert "no extra power" in text(response)
    planned = FacilitatorDuty.objects.count()
    with time_machine.travel(datetime(2026, 3, 3, 15, 0, tzinfo=UTC), tick=False):
        call_command("plan_facilitators", stdout=StringIO())
    assert FacilitatorDuty.objects.count() == planned  # months already given keep theirs


def test_the_decisions_list_has_one_poller_for_all_its_tallies(alice_client, bob_client, personas):
    first, second = general(personas, "Honey"), general(personas, "Jars")
    bob_client.post(proposal_url(first), {"position": "block", "reason": "no"})
    page = alice_client.get(DECISIONS).content.decode()
    assert page.count('hx-trigger="every 10s"') == 1
    poll = f"{DECISIONS}tallies/?ids={second.pk},{first.pk}"
    assert f'hx-get="{poll}"' in page
    fragment = alice_client.get(poll, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    body = fragment.content.decode()
    assert f'id="tally-{first.pk}" hx-swap-oob="innerHTML"' in body
    assert f'id="tally-{second.pk}" hx-swap-oob="innerHTML"' in body
    assert "Block: 1" in text(fragment)
    for proposal in (first, second):
        decisions_flow.proposal_close(proposal=proposal, now=timezone.now() + timedelta(days=8))
    assert alice_client.get(poll, headers={"HX-Request": "true"}).status_code == 286


@pytest.mark.parametrize("size", [1, 10])
def test_the_decisions_page_takes_the_same_queries_for_one_open_proposal_as_for_ten(
    alice_client, personas, carol, django_assert_num_queries, size
):
    votes.proxy_grant(coop=personas.coop, giver=carol, holder=personas.bob, until=date(2036, 1, 1))
    for index in range(size):
        proposal = general(personas, f"Proposal {index}")
        decisions_flow.vote_cast(
            proposal=proposal, member=personas.bob, position="agree", reason="yes"
        )
    alice_client.get(DECISIONS)
    # 14: the form offers the spread costs and the regular costs a proposal may end (+2);
    # the header lists the member's co-ops (+1; #15).
    with django_assert_num_queries(14):
        response = alice_client.get(DECISIONS)
    assert text(response).count("2 of 3 members voted (1 by proxy)") == size


def test_a_member_opens_a_general_proposal(alice_client, personas):
    response = alice_client.post(
        DECISIONS, {"kind": "general", "title": "Try maple", "body": "Local syrup."}
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == proposal_url(proposal)
    assert (proposal.kind, proposal.opened_by, proposal.body) == (
        "general",
        personas.alice,
        "Local syrup.",
    )


def test_a_ranked_choice_takes_its_options_one_per_line(alice_client, personas):
    alice_client.post(
        DECISIONS,
        {"kind": "choice", "title": "Flavour", "options": "vanilla\n\n honey \nplain\n"},
    )
    assert Proposal.objects.get().options == ["vanilla", "honey", "plain"]


def test_a_choice_with_one_option_is_refused_next_to_the_options(alice_client):
    response = alice_client.post(
        DECISIONS, {"kind": "choice", "title": "Flavour", "options": "vanilla"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["options"] == ["Give 2 to 20 different options."]
    assert not Proposal.objects.exists()


def test_a_spending_approval_and_removing_a_member(alice_client, personas, carol):
    alice_client.post(DECISIONS, {"kind": "spending", "title": "Fridge", "amount": "150"})
    alice_client.post(DECISIONS, {"kind": "remove_member", "title": "Bye", "subject": "carol"})
    spending, removal = Proposal.objects.order_by("pk")
    assert str(spending.amount) == "150.0000"
    assert removal.subject == carol


def test_propose_a_rule_change_from_the_settings_page(alice_client, personas):
    response = alice_client.post(
        SETTINGS, {"rule": "target_quantity", "value": "24", "title": "", "body": ""}
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == proposal_url(proposal)
    assert proposal.kind == "rule_change"
    assert proposal.change == {"target_quantity": 24}
    assert proposal.title == "Change the target quantity per batch from 20 to 24"
    page = text(alice_client.get(proposal_url(proposal)))
    assert "Target quantity per batch: 20 → 24" in page
    # Nothing changed yet: only the members' vote changes it.
    assert Cooperative.objects.get(pk=personas.coop.pk).target_quantity == 20


def test_the_cadence_reads_as_words_in_the_rules_and_in_a_proposal(alice_client):
    assert "Cadence (RRULE) Every Sunday FREQ=WEEKLY;BYDAY=SU" in text(alice_client.get(SETTINGS))
    alice_client.post(
        SETTINGS,
        {"rule": "cadence", "rhythm": "fortnightly", "days": "SA", "title": "", "body": ""},
    )
    proposal = Proposal.objects.get()
    page = text(alice_client.get(proposal_url(proposal)))
    assert "Cadence (RRULE): Every Sunday → Every 2 weeks on Saturday" in page


def test_the_settings_page_is_read_only_and_links_to_propose_a_change(alice_client):
    response = alice_client.get(SETTINGS + "?rule=quorum_percent")
    html = response.content.decode()
    # The page's own forms; the header's language switcher aside.
    main = html.split("<main", 1)[1]
    names = set(re.findall(r'<(?:input|select|textarea)[^>]* name="([^"]+)"', main))
    assert names == {"csrfmiddlewaretoken", "rule", "shown", "value", "title", "body"}
    assert 'href="?rule=target_quantity#propose"' in html
    assert '<option value="quorum_percent" selected>' in html
    page = text(response)
    assert "Target quantity per batch 20" in page
    assert "Threshold 2/3" in page
    assert "Spending limit no limit" in page


@pytest.mark.parametrize(
    ("rule", "value", "message"),
    [
        ("target_quantity", "0", "The target quantity must be at least 1."),
        ("target_quantity", "abc", "Enter a whole number, such as 24."),
        ("target_quantity", "", "Enter the new value."),
        ("target_quantity", "20", "That is already the rule."),
        ("threshold", "1/4", "Threshold must be from 1/2 to 1."),
        ("quorum_percent", "40.5", "Enter a whole number, such as 24."),
        ("quorum_percent", "0", "Quorum (%) must be from 1 to 100."),
        ("admission_mode", "founder", "Select a valid choice. founder is not one of"),
    ],
)
def test_an_invalid_rule_value_shows_a_form_error_next_to_the_value(
    alice_client, rule, value, message
):
    response = alice_client.post(SETTINGS, {"rule": rule, "value": value})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["value"]
    assert message in errors["value"][0]
    assert h1_count(response) == 1
    assert not Proposal.objects.exists()


def test_an_empty_spending_limit_proposes_no_limit(alice_client, personas):
    personas.coop.spending_limit = 100
    personas.coop.save()
    alice_client.post(SETTINGS, {"rule": "spending_limit", "value": ""})
    proposal = Proposal.objects.get()
    assert proposal.change == {"spending_limit": None}
    assert proposal.title == "Change the spending limit from $100.00 to no limit"


def test_voting_records_the_position_and_the_reason_for_everyone_to_see(
    alice_client, bob_client, personas, carol
):
    proposal = rule_change(personas)
    response = bob_client.post(
        proposal_url(proposal), {"position": "disagree", "reason": "Our pot holds 20."}
    )
    assert response.status_code == 302
    vote = Vote.objects.get()
    assert (vote.member, vote.position, vote.reason) == (
        personas.bob,
        "disagree",
        "Our pot holds 20.",
    )
    page = text(alice_client.get(proposal_url(proposal)))
    assert "bob : disagree Our pot holds 20." in page
    # Bob changes his mind: still one vote, the new position.
    bob_client.post(proposal_url(proposal), {"position": "agree", "reason": ""})
    assert Vote.objects.get().position == "agree"


def test_a_vote_without_a_position_is_a_form_error(bob_client, personas):
    proposal = rule_change(personas)
    response = bob_client.post(proposal_url(proposal), {"reason": "hmm"})
    assert response.status_code == 200
    assert "position" in response.context["form"].errors
    assert not Vote.objects.exists()


def test_the_last_vote_closes_it_and_the_rule_changes_itself(alice_client, bob_client, personas):
    alice_client.post(SETTINGS, {"rule": "target_quantity", "value": "24"})
    proposal = Proposal.objects.get()
    alice_client.post(proposal_url(proposal), {"position": "agree"})
    response = bob_client.post(proposal_url(proposal), {"position": "agree"}, follow=True)
    assert "everyone has voted: the proposal passed" in text(response)
    assert Cooperative.objects.get(pk=personas.coop.pk).target_quantity == 24
    settings_page = text(alice_client.get(SETTINGS))
    assert "Target quantity per batch 24" in settings_page


def test_a_closed_proposal_shows_its_outcome_and_takes_no_vote(bob_client, personas):
    proposal = general(personas)
    decisions_flow.proposal_close(proposal=proposal, now=timezone.now() + timedelta(days=8))
    response = bob_client.get(proposal_url(proposal))
    assert "Failed: quorum 0 of 2 voted, 1 needed." in text(response)
    assert 'name="position"' not in response.content.decode()
    refused = bob_client.post(proposal_url(proposal), {"position": "agree"})
    assert refused.status_code == 200
    assert refused.context["form"].non_field_errors() == ["This proposal is closed."]
    assert "This proposal is closed." in text(refused)


def test_the_tally_fragment_renders_and_stops_polling_once_closed(
    alice_client, bob_client, personas
):
    proposal = general(personas)
    bob_client.post(proposal_url(proposal), {"position": "block", "reason": "no"})
    fragment = alice_client.get(proposal_url(proposal, "tally/"), headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert h1_count(fragment) == 0
    assert "1 of 2 members voted" in text(fragment)
    assert "Block: 1" in text(fragment)
    decisions_flow.proposal_close(proposal=proposal, now=timezone.now() + timedelta(days=8))
    closed = alice_client.get(proposal_url(proposal, "tally/"), headers={"HX-Request": "true"})
    assert closed.status_code == 286  # htmx's "stop polling"
    assert alice_client.get(proposal_url(proposal, "tally/")).status_code == 200


def test_a_ranked_choice_vote_with_number_selects(alice_client, bob_client, personas):
    proposal = decisions_flow.proposal_open(
        coop=personas.coop,
        by=personas.alice,
        kind="choice",
        title="Flavour",
        options=["vanilla", "honey", "plain"],
    )
    page = alice_client.get(proposal_url(proposal)).content.decode()
    assert page.count('<select name="rank_') == 3
    same = alice_client.post(proposal_url(proposal), {"rank_0": "1", "rank_1": "1"})
    assert same.context["form"].non_field_errors() == ["Give each rank to one option only."]
    alice_client.post(proposal_url(proposal), {"rank_0": "2", "rank_1": "1", "rank_2": ""})
    assert Vote.objects.get(member=personas.alice).ranking == ["honey", "vanilla"]
    bob_client.post(proposal_url(proposal), {"rank_1": "1"})
    proposal.refresh_from_db()
    assert proposal.result["winner"] == "honey"
    assert "honey set aside" not in text(alice_client.get(proposal_url(proposal)))
    assert "Chosen: honey" in text(alice_client.get(proposal_url(proposal)))


def test_a_member_names_a_proxy_for_a_proposal_and_revokes_it(
    alice_client, bob_client, personas, carol
):
    proposal = general(personas)
    response = alice_client.post(proposal_url(proposal, "proxy/"), {"holder": "carol"})
    assert response.status_code == 302
    proxy = Proxy.objects.get()
    assert (proxy.giver, proxy.holder, proxy.proposal) == (personas.alice, carol, proposal)
    decisions_flow.vote_cast(proposal=proposal, member=carol, position="agree", reason="yes")
    page = text(bob_client.get(proposal_url(proposal)))
    assert "2 of 3 members voted (1 by proxy)" in page
    assert "also for alice, by proxy" in page
    assert "carol votes for you on this proposal" in text(alice_client.get(proposal_url(proposal)))
    alice_client.post(proposal_url(proposal, "proxy/revoke/"))
    assert Proxy.objects.get().revoked_at is not None
    again = alice_client.post(proposal_url(proposal, "proxy/revoke/"), follow=True)
    assert "You have no proxy to revoke." in text(again)


def test_a_proxy_to_a_stranger_is_refused(alice_client, personas):
    proposal = general(personas)
    response = alice_client.post(
        proposal_url(proposal, "proxy/"), {"holder": "outsider"}, follow=True
    )
    assert "Select a valid choice." in text(response)
    assert not Proxy.objects.exists()


def test_the_decision_log_shows_outcomes_and_before_and_after(alice_client, bob_client, personas):
    change = rule_change(personas, threshold="3/4")
    for client in (alice_client, bob_client):
        client.post(proposal_url(change), {"position": "agree"})
    failed = general(personas, "Skim milk")
    decisions_flow.proposal_close(proposal=failed, now=timezone.now() + timedelta(days=8))
    response = alice_client.get(LOG)
    page = text(response)
    assert page.index("Skim milk") < page.index("Make more")  # newest first
    assert "Threshold: 2/3 → 3/4" in page
    assert "Passed: 2 agree of 2 who took a side" in page
    assert "Failed: quorum 0 of 2 voted" in page
    assert h1_count(response) == 1


def test_an_outsider_gets_404_on_every_governance_page(client, personas):
    proposal = rule_change(personas)
    client.force_login(personas.outsider)
    for path in (
        DECISIONS,
        LOG,
        SETTINGS,
        proposal_url(proposal),
        proposal_url(proposal, "tally/"),
    ):
        assert client.get(path).status_code == 404, path
    for path in (proposal_url(proposal, "proxy/"), proposal_url(proposal, "proxy/revoke/")):
        assert client.post(path, {"holder": "alice"}).status_code == 404, path
    assert client.post(SETTINGS, {"rule": "target_quantity", "value": "1"}).status_code == 404
    assert Proposal.objects.count() == 1


def test_a_proposal_of_another_coop_is_not_found(alice_client, personas):
    elsewhere = decisions_flow.proposal_open(
        coop=personas.other_coop, by=personas.outsider, kind="general", title="Theirs"
    )
    assert alice_client.get(proposal_url(elsewhere)).status_code == 404
    assert alice_client.get(proposal_url(elsewhere, "tally/")).status_code == 404
    assert alice_client.post(proposal_url(elsewhere), {"position": "agree"}).status_code == 404
    assert not Vote.objects.exists()


@pytest.mark.parametrize("size", [1, 5])
def test_the_log_settings_and_proposal_pages_take_a_fixed_number_of_queries(
    alice_client, personas, django_assert_num_queries, size
):
    members = [MembershipFactory(coop=personas.coop).user for _ in range(size)]
    for index in range(size):
        closed = rule_change(personas, target_quantity=21 + index)
        decisions_flow.proposal_close(proposal=closed, now=timezone.now() + timedelta(days=8))
    proposal = general(personas)
    for member in members:
        decisions_flow.vote_cast(proposal=proposal, member=member, position="agree", reason="yes")
    tasks.facilitators_plan_all()
    # Each counts the header's co-op switcher (+1; #15).
    for path, queries in ((LOG, 7), (SETTINGS, 6), (proposal_url(proposal), 11)):
        with django_assert_num_queries(queries):
            assert alice_client.get(path).status_code == 200


def test_a_paused_member_sees_the_votes_but_does_not_vote(client, personas, carol):
    proposal = general(personas)
    Membership.objects.filter(user=carol).update(status="paused")
    client.force_login(carol)
    page = client.get(proposal_url(proposal))
    assert page.status_code == 200
    assert 'name="position"' not in page.content.decode()
    assert "Only active members vote" in text(page)
    refused = client.post(proposal_url(proposal), {"position": "agree"})
    assert "only active members vote" in text(refused)
    assert not Vote.objects.exists()


def test_a_closed_proposal_shows_the_count_it_was_decided_on(alice_client, personas, carol):
    proposal = decisions_flow.proposal_open(
        coop=personas.coop, by=personas.alice, kind="general", title="Honey on the side"
    )
    for member in (personas.alice, personas.bob, carol):
        decisions_flow.vote_cast(proposal=proposal, member=member, position="agree")
    proposal.refresh_from_db()
    assert proposal.status == "passed"
    MembershipFactory(coop=personas.coop, user__username="newcomer")
    page = text(alice_client.get(proposal_url(proposal)))
    assert "3 of 3 members voted." in page
    assert "Agree: 3" in page


def test_a_failed_rule_change_reads_against_the_rules_it_was_proposed_against(
    alice_client, personas, carol
):
    people = (personas.alice, personas.bob, carol)
    failed = decisions_flow.proposal_open(
        coop=personas.coop,
        by=personas.alice,
        kind="rule_change",
        title="More",
        change={"target_quantity": 30},
    )
    for member in people:
        decisions_flow.vote_cast(proposal=failed, member=member, position="disagree")
    passed = decisions_flow.proposal_open(
        coop=personas.coop,
        by=personas.bob,
        kind="rule_change",
        title="A little more",
        change={"target_quantity": 24},
    )
    for member in people:
        decisions_flow.vote_cast(proposal=passed, member=member, position="agree")
    assert "Target quantity per batch: 20 → 30" in text(alice_client.get(proposal_url(failed)))
    assert "Target quantity per batch: 20 → 24" in text(alice_client.get(proposal_url(passed)))


def test_a_paused_member_is_not_offered_to_propose_or_vote(client, personas):
    decisions_flow.proposal_open(coop=personas.coop, by=personas.alice, kind="general", title="Jam")
    personas.coop.memberships.filter(user=personas.bob).update(status="paused")
    client.force_login(personas.bob)
    page = text(client.get("/c/home/decisions/"))
    assert "Your membership is paused: resume it to propose and vote again." in page
    assert "You have not voted yet" not in page
    assert "Open the proposal" not in page


def test_a_rule_that_is_a_choice_is_proposed_by_name(alice_client, personas):
    page = alice_client.get(SETTINGS + "?rule=admission_mode").content.decode()
    assert '<select name="value"' in page
    assert "an invitation from any member" in page
    response = alice_client.post(
        SETTINGS, {"rule": "admission_mode", "value": "vote", "title": "", "body": ""}
    )
    proposal = Proposal.objects.get()
    assert response["Location"] == proposal_url(proposal)
    assert proposal.change == {"admission_mode": "vote"}
    refused = alice_client.post(
        SETTINGS, {"rule": "admission_mode", "value": "open", "title": "", "body": ""}
    )
    assert "Select a valid choice" in str(refused.context["form"].errors["value"])


def test_a_suggested_title_keeps_the_rules_own_capitals(alice_client, personas):
    alice_client.post(
        SETTINGS, {"rule": "cadence", "rhythm": "weekly", "days": "SA", "title": "", "body": ""}
    )
    assert Proposal.objects.get().title.startswith("Change the cadence (RRULE) from")


# --- The tally as a picture ---------------------------------------------------------------


def tally_svg(page: str, proposal) -> str:
    match = re.search(rf'<svg[^>]*id="tally-chart-{proposal.pk}".*?</svg>', page, re.S)
    assert match, "no tally chart"
    return match.group(0)


def test_the_proposal_page_draws_the_tally_with_the_quorum_and_threshold_marked(
    alice_client, bob_client, personas, carol
):
    proposal = general(personas)
    bob_client.post(proposal_url(proposal), {"position": "agree", "reason": "yes"})
    alice_client.post(proposal_url(proposal), {"position": "disagree", "reason": "no"})
    page = alice_client.get(proposal_url(proposal)).content.decode()
    svg = tally_svg(page, proposal)
    assert 'role="img"' in svg
    assert f'aria-labelledby="tally-chart-{proposal.pk}-title"' in svg
    assert 'data-position="agree" data-value="1"' in svg
    assert 'data-position="disagree" data-value="1"' in svg
    assert 'data-position="none" data-value="1"' in svg
    assert "chart-mark-quorum" in svg
    assert "quorum: 2 of 3 vote" in svg  # the default quorum: half of three, rounded up
    assert "to pass: 2 of 2 agree (2/3)" in svg
    # The counts in words stay beside it.
    assert "Agree: 1" in text(alice_client.get(proposal_url(proposal)))


def test_the_live_tally_fragment_carries_the_chart_and_a_closed_one_drops_the_marks(
    alice_client, bob_client, personas
):
    proposal = general(personas)
    bob_client.post(proposal_url(proposal), {"position": "block", "reason": "no"})
    fragment = alice_client.get(proposal_url(proposal, "tally/"), headers={"HX-Request": "true"})
    svg = tally_svg(fragment.content.decode(), proposal)
    assert 'data-position="block" data-value="1"' in svg
    assert "A block stops the proposal." in svg
    decisions_flow.proposal_close(proposal=proposal, now=timezone.now() + timedelta(days=8))
    closed = tally_svg(alice_client.get(proposal_url(proposal)).content.decode(), proposal)
    assert 'data-position="block" data-value="1"' in closed
    assert "chart-mark" not in closed


def test_a_ranked_choice_has_no_tally_bar(alice_client, personas):
    proposal = decisions_flow.proposal_open(
        coop=personas.coop, by=personas.alice, kind="choice", title="Flavour", options=["a", "b"]
    )
    assert "tally-chart" not in alice_client.get(proposal_url(proposal)).content.decode()
