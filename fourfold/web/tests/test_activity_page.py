"""/c/<slug>/activity/: the co-op's activity, newest first, for every member."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from fourfold.coops.tests.activity_story import STORY, expected, more_events, tell_the_story
from fourfold.testing import MembershipFactory

pytestmark = pytest.mark.django_db

ACTIVITY = "/c/somerville/activity/"


def text(response) -> str:
    """The page's words without tags or runs of white space, to search for a sentence."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def summaries(response) -> list[str]:
    items = re.findall(r"<li>(.*?)</li>", response.content.decode(), flags=re.S)
    return [
        " ".join(re.sub(r"\s*·\s*<a .*", "", item.split("<br>")[-1], flags=re.S).split())
        for item in items
        if "<time" in item
    ]


@pytest.fixture
def story():
    return tell_the_story()


@pytest.fixture
def dee_client(story):
    client = Client()
    client.force_login(story.dee)
    return client


def test_every_change_shows_with_its_actor_newest_first(dee_client, story):
    response = dee_client.get(ACTIVITY)
    assert response.status_code == 200
    assert summaries(response) == [summary for _action, _actor, summary in expected(story)]
    page = response.content.decode()
    assert len(re.findall(r"<h1[ >]", page)) == 1
    assert 'aria-current="page">Activity<' in page
    assert f"{len(STORY)} changes" in text(response)


def test_times_are_in_the_coops_zone_and_actors_link_to_the_member(dee_client, story):
    page = dee_client.get(ACTIVITY).content.decode()
    # 17:00 UTC on 1 June is 13:00 in Somerville.
    assert "Mon 1 Jun 2026, 13:00</time>" in page
    assert 'datetime="2026-06-01T13:00:00-04:00"' in page
    assert '<a href="/c/somerville/members/eli/">eli</a>' in page


def test_every_page_of_the_coop_links_to_it(dee_client, story):
    page = dee_client.get("/c/somerville/").content.decode()
    assert f'href="{ACTIVITY}"' in page


def test_it_filters_by_member_and_kind(dee_client, story):
    by_eli = dee_client.get(ACTIVITY, {"member": "eli"})
    assert summaries(by_eli) == [s for _a, actor, s in expected(story) if actor == "eli"]
    decisions = dee_client.get(ACTIVITY, {"kind": "governance", "member": "dee"})
    assert summaries(decisions) == [f"dee proposed a general decision (#{story.proposal.pk})"]
    assert '<option value="governance" selected>Decisions</option>' in decisions.content.decode()


def test_a_filter_that_finds_nothing_says_so(dee_client, story):
    response = dee_client.get(ACTIVITY, {"kind": "reminders"})
    assert summaries(response) == []
    assert "Nothing matches these filters." in text(response)


def test_a_filter_it_does_not_know_is_left_out_and_explained(dee_client, story):
    response = dee_client.get(ACTIVITY, {"member": "nobody", "kind": "wages"})
    assert response.status_code == 200
    assert len(summaries(response)) == len(STORY)
    assert text(response).count("Select a valid choice.") == 2


def test_an_empty_coop_says_what_will_appear_here(client, personas):
    client.force_login(personas.alice)
    response = client.get("/c/home/activity/")
    assert response.status_code == 200
    assert "Nothing has happened here yet. Every change will appear here" in text(response)
    assert 'class="pager"' not in response.content.decode()


def test_it_pages_fifty_at_a_time(dee_client, story):
    more_events(story.coop, story.eli, 50)
    first = dee_client.get(ACTIVITY)
    assert len(summaries(first)) == 50
    assert "Page 1 of 2" in text(first)
    assert '<a href="?page=2">Older</a>' in first.content.decode()
    second = dee_client.get(ACTIVITY, {"page": 2})
    assert summaries(second) == [s for _a, _actor, s in expected(story)]
    filtered = dee_client.get(ACTIVITY, {"member": "eli", "page": 2})
    assert '<a href="?member=eli&amp;page=1">Newer</a>' in filtered.content.decode()


def test_another_coops_activity_is_not_found(client, story):
    outsider = MembershipFactory(user__username="outsider").user
    client.force_login(outsider)
    assert client.get(ACTIVITY).status_code == 404


def test_a_visitor_is_asked_to_log_in(client, story):
    response = client.get(ACTIVITY)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("size", [5, 50])
def test_it_takes_the_same_queries_for_five_changes_as_for_fifty(
    dee_client, story, django_assert_num_queries, size
):
    more_events(story.coop, story.eli, size)
    dee_client.get(ACTIVITY)
    # Six for the page, one for the co-ops in the header's switcher (#15).
    with django_assert_num_queries(7):
        response = dee_client.get(ACTIVITY)
    assert len(summaries(response)) == min(50, size + len(STORY))


def test_a_change_about_a_proposal_links_to_it(dee_client, story):
    page = dee_client.get(ACTIVITY).content.decode()
    assert page.count(f'href="/c/somerville/decisions/{story.proposal.pk}/"') == 2
