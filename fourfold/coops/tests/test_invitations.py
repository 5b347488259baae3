from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from fourfold.coops.models import Cooperative, Invitation, Membership
from fourfold.coops.services import invitation_create
from fourfold.errors import Conflict, NotFound
from fourfold.testing import MembershipFactory, UserFactory
from fourfold.workflows import decisions as decisions_flow
from fourfold.workflows.membership import invitation_accept, membership_leave

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


# --- Leaving and removal ------------------------------------------------------------------


def remove_by_vote(coop, member, *, by):
    """The members remove ``member``: every other active member agrees, so it closes at once."""
    from fourfold.workflows import decisions as decisions_flow

    proposal = decisions_flow.proposal_open(
        coop=coop, by=by, kind="remove_member", title="Remove", subject=member
    )
    for voter in Membership.objects.filter(coop=coop, status=Membership.Status.ACTIVE):
        if voter.user != member:
            decisions_flow.vote_cast(proposal=proposal, member=voter.user, position="agree")
    proposal.refresh_from_db()
    assert proposal.status == "passed"
    return proposal


def test_an_invitation_stops_working_when_the_member_who_made_it_leaves(personas):
    invitation = invitation_create(coop=personas.coop, by=personas.bob)
    membership_leave(coop=personas.coop, member=personas.bob)
    newcomer = UserFactory()
    with pytest.raises(Conflict, match="no longer an active member"):
        invitation_accept(code=invitation.code, user=newcomer)
    assert not Membership.objects.filter(user=newcomer).exists()
    assert Invitation.objects.get(pk=invitation.pk).accepted_at is None


def test_an_invitation_stops_working_when_the_member_who_made_it_is_removed(personas):
    invitation = invitation_create(coop=personas.coop, by=personas.bob)
    remove_by_vote(personas.coop, personas.bob, by=personas.alice)
    with pytest.raises(Conflict, match="no longer an active member"):
        invitation_accept(code=invitation.code, user=UserFactory())


def test_a_removed_member_cannot_rejoin_with_their_own_old_invitation(personas):
    mine = invitation_create(coop=personas.coop, by=personas.bob)
    remove_by_vote(personas.coop, personas.bob, by=personas.alice)
    with pytest.raises(Conflict, match="no longer an active member"):
        invitation_accept(code=mine.code, user=personas.bob)
    assert Membership.objects.get(user=personas.bob).status == Membership.Status.LEFT


def test_a_removed_member_comes_back_as_an_applicant_where_an_invitation_suffices(personas):
    from fourfold.governance.models import Proposal

    assert personas.coop.admission_mode == Cooperative.Admission.INVITE
    remove_by_vote(personas.coop, personas.bob, by=personas.alice)
    invitation = invitation_create(coop=personas.coop, by=personas.alice)
    membership = invitation_accept(code=invitation.code, user=personas.bob)
    assert membership.status == Membership.Status.PENDING
    admission = Proposal.objects.get(kind="admit_member", status="open")
    assert admission.subject == personas.bob
    assert "removed them by vote" in admission.body


def test_a_removed_member_admitted_again_is_a_member_like_any_other(personas):
    from fourfold.governance.models import Proposal

    remove_by_vote(personas.coop, personas.bob, by=personas.alice)
    invitation_accept(
        code=invitation_create(coop=personas.coop, by=personas.alice).code, user=personas.bob
    )
    admission = Proposal.objects.get(kind="admit_member", status="open")
    decisions_flow.vote_cast(proposal=admission, member=personas.alice, position="agree")
    decisions_flow.proposal_close(proposal=admission, now=timezone.now() + timedelta(days=8))
    bob = Membership.objects.get(user=personas.bob)
    assert (bob.status, bob.removed_at) == (Membership.Status.ACTIVE, None)
    # Leaving of their own accord and coming back follows the co-op's usual rule again.
    membership_leave(coop=personas.coop, member=personas.bob)
    again = invitation_accept(
        code=invitation_create(coop=personas.coop, by=personas.alice).code, user=personas.bob
    )
    assert again.status == Membership.Status.ACTIVE


def test_the_api_refuses_an_invitation_whose_maker_left(api_client, personas):
    code = invitation_create(coop=personas.coop, by=personas.bob).code
    membership_leave(coop=personas.coop, member=personas.bob)
    response = api_client(UserFactory()).post(f"/api/v1/invitations/{code}/accept")
    assert response.status_code == 409
    assert "no longer an active member" in response.json()["detail"]


def test_the_api_makes_a_removed_member_who_accepts_an_applicant(api_client, personas):
    remove_by_vote(personas.coop, personas.bob, by=personas.alice)
    code = invitation_create(coop=personas.coop, by=personas.alice).code
    response = api_client(personas.bob).post(f"/api/v1/invitations/{code}/accept")
    assert response.status_code == 201
    assert response.json()["status"] == "pending"


def test_the_page_of_an_invitation_whose_maker_left_says_why_and_shows_nothing(client, personas):
    code = invitation_create(coop=personas.coop, by=personas.bob).code
    membership_leave(coop=personas.coop, member=personas.bob)
    client.force_login(UserFactory())
    response = client.get(f"/invite/{code}/")
    assert response.status_code == 404
    assert b"no longer an active member" in response.content
    assert b"Accept and join" not in response.content
    assert b"Home Co-op" not in response.content


def test_on_the_web_a_removed_member_who_accepts_is_told_the_members_will_vote(client, personas):
    remove_by_vote(personas.coop, personas.bob, by=personas.alice)
    code = invitation_create(coop=personas.coop, by=personas.alice).code
    client.force_login(personas.bob)
    response = client.post(f"/invite/{code}/", follow=True)
    assert response.status_code == 200
    assert b"the members vote on admitting you" in response.content
    assert Membership.objects.get(user=personas.bob).status == Membership.Status.PENDING
