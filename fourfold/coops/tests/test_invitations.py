from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from fourfold.coops.models import Invitation, Membership
from fourfold.coops.services import invitation_accept, invitation_create
from fourfold.errors import Conflict, NotFound
from fourfold.testing import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_any_active_member_can_invite_and_the_invitee_becomes_an_active_member(personas):
    invitation = invitation_create(coop=personas.coop, by=personas.bob)
    newcomer = UserFactory()
    membership = invitation_accept(code=invitation.code, user=newcomer)
    assert (membership.coop, membership.status) == (personas.coop, Membership.Status.ACTIVE)
    invitation.refresh_from_db()
    assert invitation.accepted_by == newcomer


def test_a_used_code_is_refused_and_writes_nothing(personas):
    invitation = invitation_create(coop=personas.coop, by=personas.alice)
    invitation_accept(code=invitation.code, user=UserFactory())
    latecomer = UserFactory()
    with pytest.raises(Conflict, match="already been used"):
        invitation_accept(code=invitation.code, user=latecomer)
    assert not Membership.objects.filter(user=latecomer).exists()


def test_an_unknown_code_is_refused(personas):
    with pytest.raises(NotFound):
        invitation_accept(code="no-such-code", user=UserFactory())


def test_an_expired_code_is_refused(personas):
    invitation = invitation_create(coop=personas.coop, by=personas.alice)
    with (
        time_machine.travel(timezone.now() + timedelta(days=15)),
        pytest.raises(Conflict, match="expired"),
    ):
        invitation_accept(code=invitation.code, user=UserFactory())


def test_a_member_accepting_again_is_refused_and_the_code_stays_usable(personas):
    invitation = invitation_create(coop=personas.coop, by=personas.alice)
    with pytest.raises(Conflict, match="already a member"):
        invitation_accept(code=invitation.code, user=personas.bob)
    assert Invitation.objects.get(pk=invitation.pk).accepted_at is None
    assert Membership.objects.filter(coop=personas.coop).count() == 2


def test_someone_who_left_can_rejoin_with_a_new_invitation(personas):
    former = MembershipFactory(coop=personas.coop, status=Membership.Status.LEFT)
    invitation = invitation_create(coop=personas.coop, by=personas.alice)
    membership = invitation_accept(code=invitation.code, user=former.user)
    assert membership.pk == former.pk
    assert membership.status == Membership.Status.ACTIVE


def test_a_paused_member_cannot_invite(personas):
    Membership.objects.filter(user=personas.bob).update(status=Membership.Status.PAUSED)
    with pytest.raises(Conflict):
        invitation_create(coop=personas.coop, by=personas.bob)
