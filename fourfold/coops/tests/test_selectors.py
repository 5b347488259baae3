import pytest

from fourfold.coops.models import Membership
from fourfold.coops.selectors import coop_for_member, coop_members, coops_for_user
from fourfold.errors import NotFound
from fourfold.testing import MembershipFactory

pytestmark = pytest.mark.django_db


def test_a_member_finds_their_coop(personas):
    assert coop_for_member(user=personas.alice, slug="home") == personas.coop


def test_a_member_of_another_coop_is_told_it_does_not_exist(personas):
    with pytest.raises(NotFound):
        coop_for_member(user=personas.outsider, slug="home")
    with pytest.raises(NotFound):
        coop_for_member(user=personas.alice, slug="no-such-coop")


def test_someone_who_left_no_longer_sees_the_coop(personas):
    Membership.objects.filter(user=personas.bob).update(status=Membership.Status.LEFT)
    with pytest.raises(NotFound):
        coop_for_member(user=personas.bob, slug="home")
    assert list(coops_for_user(user=personas.bob)) == []


def test_my_coops_counts_active_members_only(personas):
    MembershipFactory(coop=personas.coop, status=Membership.Status.PAUSED)
    MembershipFactory(coop=personas.coop, status=Membership.Status.LEFT)
    [coop] = coops_for_user(user=personas.alice)
    assert coop.active_members == 2


def test_members_are_listed_by_username_without_those_who_left(personas):
    MembershipFactory(coop=personas.coop, user__username="aaron", status=Membership.Status.LEFT)
    names = [m.user.username for m in coop_members(coop=personas.coop)]
    assert names == ["alice", "bob"]


@pytest.mark.parametrize("extra_members", [1, 40])
def test_listing_members_takes_one_query_whatever_their_number(
    personas, extra_members, django_assert_num_queries
):
    for _ in range(extra_members):
        MembershipFactory(coop=personas.coop)
    with django_assert_num_queries(1):
        assert [m.user.username for m in coop_members(coop=personas.coop)]
