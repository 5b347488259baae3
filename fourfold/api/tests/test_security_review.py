"""Security properties the route walk in test_tenant_isolation cannot see: ids in request
bodies that name another co-op's objects, people who are no members named in payloads, who may
be admitted, tokens and logins, bounded inputs, and the pool never overdrawn."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from fourfold.coops.models import Cooperative, Membership
from fourfold.governance.models import Proposal
from fourfold.production.models import Batch
from fourfold.testing import PASSWORD, MembershipFactory, UserFactory

HOME = "/api/v1/coops/home"
ELSEWHERE = "/api/v1/coops/elsewhere"
LEDGER = f"{HOME}/ledger"


def _post_tx(client, payload, **extra):
    return client.post(f"{LEDGER}/transactions", payload, **extra)


def _pool(client) -> Decimal:
    return Decimal(client.get(f"{LEDGER}/pool").json()["pool"])


# --- Found in review and fixed ----------------------------------------------------------


def test_an_idempotency_key_is_not_shared_between_members(api_client, personas):
    """The key's fingerprint is the payload alone, and ``payer`` defaults to the caller: the
    same body means a different transaction for Bob than for Alice. Bob's retry-safe
    contribution must not silently come back as Alice's."""
    body = {"kind": "contribution", "amount": "25.00"}
    first = _post_tx(api_client(personas.alice), body, HTTP_IDEMPOTENCY_KEY="march-share")
    assert first.status_code == 201 and first.json()["payer"] == "alice"

    second = _post_tx(api_client(personas.bob), body, HTTP_IDEMPOTENCY_KEY="march-share")

    # Safe: Bob's contribution is posted (payer bob), or the key is refused as used.
    assert second.status_code == 409 or second.json()["payer"] == "bob", (
        f"Bob got Alice's transaction back: {second.status_code} {second.json()}"
    )


def test_a_reversal_cannot_overdraw_the_pool(api_client, personas):
    """The pool pays only money it holds (``_require_pool_holds``) — but a reversal of the
    money that came in is posted without that check, leaving the pool below zero."""
    alice = api_client(personas.alice)
    paid_in = _post_tx(alice, {"kind": "contribution", "amount": "100.00"}).json()
    spent = _post_tx(
        alice,
        {
            "kind": "expense",
            "amount": "100.00",
            "payer": "pool",
            "category": "ingredients",
            "split": ["alice", "bob"],
        },
    )
    assert spent.status_code == 201
    api_client(personas.bob).post(f"{LEDGER}/transactions/{spent.json()['id']}/confirm")
    assert _pool(alice) == Decimal("0.00")

    alice.post(f"{LEDGER}/transactions/{paid_in['id']}/reverse", {"reason": "never paid"})

    assert _pool(alice) >= 0, "the pool holds less than nothing"


def _pending_applicant(api_client, personas):
    """A neighbour who asked to join a co-op that admits by vote, and is not admitted yet."""
    Cooperative.objects.filter(pk=personas.coop.pk).update(
        admission_mode=Cooperative.Admission.VOTE
    )
    applicant = UserFactory(username="applicant")
    code = api_client(personas.alice).post(f"{HOME}/invitations").json()["code"]
    assert api_client(applicant).post(f"/api/v1/invitations/{code}/accept").status_code == 201
    assert Membership.objects.get(coop=personas.coop, user=applicant).status == "pending"
    return applicant


def test_money_does_not_move_to_someone_not_yet_admitted(api_client, personas):
    """Transfers accept "anyone who ever was a member" — but the check is *any* membership row,
    so a pending (or rejected: a failed admission leaves the row pending) applicant can be paid
    out of the pool, or pay in."""
    _pending_applicant(api_client, personas)
    alice = api_client(personas.alice)
    _post_tx(alice, {"kind": "contribution", "amount": "50.00"})

    out = _post_tx(
        alice, {"kind": "transfer", "amount": "40.00", "payer": "pool", "payee": "applicant"}
    )
    into = _post_tx(
        alice, {"kind": "transfer", "amount": "5.00", "payer": "applicant", "payee": "alice"}
    )

    assert out.status_code in (400, 403, 409), out.json()
    assert into.status_code in (400, 403, 409), into.json()


def test_nobody_is_made_a_member_without_asking(api_client, personas):
    """The API lets any member open an admit_member proposal naming ANY account on the
    installation (the web UI only admits through invitations). Two members voting is enough to
    enrol the outsider as an active member, who can then be charged costs."""
    alice, bob = api_client(personas.alice), api_client(personas.bob)
    opened = alice.post(
        f"{HOME}/proposals",
        {"kind": "admit_member", "title": "Admit outsider", "subject": "outsider"},
    )
    if opened.status_code == 201:
        pid = opened.json()["id"]
        alice.post(f"{HOME}/proposals/{pid}/votes", {"position": "agree"})
        bob.post(f"{HOME}/proposals/{pid}/votes", {"position": "agree"})
        charged = _post_tx(
            alice,
            {"kind": "expense", "amount": "90.00", "category": "equipment", "split": ["outsider"]},
        )
        assert charged.status_code != 201, "the outsider was charged 90.00 by strangers"

    membership = Membership.objects.filter(coop=personas.coop, user=personas.outsider).first()
    assert membership is None or membership.status != Membership.Status.ACTIVE


def test_the_admit_subject_lookup_does_not_enumerate_every_account(api_client, personas):
    """Naming a subject answers "No person named …" for accounts that do not exist on the
    installation at all, so any member can list every username of every co-op."""
    alice = api_client(personas.alice)
    exists = alice.post(
        f"{HOME}/proposals", {"kind": "admit_member", "title": "x", "subject": "outsider"}
    )
    missing = alice.post(
        f"{HOME}/proposals", {"kind": "admit_member", "title": "x", "subject": "nobody-at-all"}
    )
    assert (exists.status_code, exists.json().get("code")) == (
        missing.status_code,
        missing.json().get("code"),
    )


def test_a_password_reset_ends_the_old_api_tokens(api_client, personas):
    """Tokens never expire and there is no way to revoke one; resetting a password (what a
    member does when they think the account is compromised) leaves every token working."""
    alice = personas.alice
    stolen = api_client(alice)  # a token issued before the reset
    assert stolen.get("/api/v1/coops").status_code == 200

    web = Client()
    uid = urlsafe_base64_encode(force_bytes(alice.pk))
    token = default_token_generator.make_token(alice)
    step = web.get(f"/accounts/reset/{uid}/{token}/", follow=True)
    new = "another-horse-battery-9"
    done = web.post(step.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(new)

    assert stolen.get("/api/v1/coops").status_code == 401


def test_split_weights_are_bounded(api_client, personas):
    """A weight is any finite positive Decimal; the split turns it into a Fraction, which
    expands 1e999999999 into a billion-digit integer: one request pins a worker for hours
    (1e10000000 already takes ~7 s). Absurd weights must be refused."""
    response = _post_tx(
        api_client(personas.alice),
        {
            "kind": "expense",
            "amount": "10.00",
            "category": "ingredients",
            "split": {"alice": "1e1000000", "bob": "1"},
        },
    )
    assert response.status_code in (400, 422), response.status_code


def test_a_threshold_is_checked_as_text_before_any_arithmetic(api_client, personas):
    """``Fraction("1e999999999")`` builds a billion-digit number: one proposal would hold a
    worker for hours. The value is refused for its form, before it is ever parsed."""
    response = api_client(personas.alice).post(
        f"{HOME}/proposals",
        {"kind": "rule_change", "title": "t", "change": {"threshold": "1e999999999"}},
    )
    assert response.status_code == 400
    assert "a fraction such as 2/3 or 0.6" in response.json()["detail"]


# --- Checked and safe: ids and names in request bodies -----------------------------------


@pytest.fixture
def other_coop_objects(personas):
    """A batch and a passed spending proposal that belong to the other co-op."""
    batch = Batch.objects.create(coop=personas.other_coop, date="2030-01-06", planned_quantity=20)
    proposal = Proposal.objects.create(
        coop=personas.other_coop,
        kind=Proposal.Kind.SPENDING,
        title="Their fridge",
        amount=Decimal("1000"),
        status=Proposal.Status.PASSED,
        opened_at="2024-01-01T00:00Z",
        closes_at="2024-01-08T00:00Z",
        closed_at="2024-01-08T00:00Z",
    )
    return batch, proposal


def test_body_ids_from_another_coop_are_refused(api_client, personas, other_coop_objects):
    batch, proposal = other_coop_objects
    Cooperative.objects.filter(pk=personas.coop.pk).update(spending_limit=Decimal("50"))
    alice = api_client(personas.alice)

    tagged = _post_tx(
        alice,
        {"kind": "expense", "amount": "5.00", "category": "ingredients", "batch": batch.pk},
    )
    assert tagged.status_code == 400 and tagged.json()["field"] == "batch"

    approved = _post_tx(
        alice,
        {"kind": "expense", "amount": "500.00", "category": "equipment", "proposal": proposal.pk},
    )
    assert approved.status_code == 403 and approved.json()["code"] == "principle_violation"

    reserved = alice.post(f"{HOME}/reservations", {"batch": batch.pk, "units": 1})
    assert reserved.status_code == 404

    proxied = alice.post(f"{HOME}/proxies", {"holder": "bob", "proposal": proposal.pk})
    assert proxied.status_code == 404


@pytest.mark.parametrize(
    "payload",
    [
        {"kind": "contribution", "amount": "5.00", "payer": "outsider"},
        {"kind": "transfer", "amount": "5.00", "payee": "outsider"},
        {"kind": "transfer", "amount": "5.00", "payer": "outsider", "payee": "alice"},
        {"kind": "expense", "amount": "5.00", "category": "other", "payer": "outsider"},
        {"kind": "expense", "amount": "5.00", "category": "other", "split": ["outsider"]},
        {"kind": "expense", "amount": "5.00", "category": "other", "split": {"OUTSIDER": "1"}},
    ],
)
def test_members_of_another_coop_cannot_be_named_in_money(api_client, personas, payload):
    response = _post_tx(api_client(personas.alice), payload)
    assert response.status_code == 403
    assert response.json()["code"] == "principle_violation"
    # The refusal does not say whether such an account exists elsewhere.
    assert "elsewhere" not in str(response.json()).lower()


def test_proxy_holder_and_remove_subject_must_be_of_this_coop(api_client, personas):
    alice = api_client(personas.alice)
    pid = alice.post(f"{HOME}/proposals", {"kind": "general", "title": "Paint"}).json()["id"]
    assert alice.post(f"{HOME}/proxies", {"holder": "outsider", "proposal": pid}).status_code == 400
    removal = alice.post(
        f"{HOME}/proposals", {"kind": "remove_member", "title": "x", "subject": "outsider"}
    )
    assert removal.status_code == 400


def test_idempotency_keys_are_scoped_by_coop(api_client, personas):
    """The same key in two co-ops posts two transactions; neither sees the other's."""
    MembershipFactory(coop=personas.other_coop, user=personas.alice)
    alice = api_client(personas.alice)
    body = {"kind": "contribution", "amount": "5.00"}
    home = alice.post(f"{LEDGER}/transactions", body, HTTP_IDEMPOTENCY_KEY="k")
    away = alice.post(f"{ELSEWHERE}/ledger/transactions", body, HTTP_IDEMPOTENCY_KEY="k")
    assert home.status_code == away.status_code == 201
    assert home.json()["id"] != away.json()["id"]


# --- Checked and safe: paused members, tokens, login ---------------------------------------


def test_a_paused_member_neither_votes_proposes_invites_nor_pays_in(api_client, personas):
    alice, bob = api_client(personas.alice), api_client(personas.bob)
    pid = alice.post(f"{HOME}/proposals", {"kind": "general", "title": "Paint"}).json()["id"]
    assert bob.post(f"{HOME}/membership/pause").status_code == 200
    assert bob.post(f"{HOME}/proposals/{pid}/votes", {"position": "block"}).status_code == 403
    assert bob.post(f"{HOME}/proposals", {"kind": "general", "title": "x"}).status_code == 403
    assert bob.post(f"{HOME}/invitations").status_code == 409
    assert _post_tx(bob, {"kind": "contribution", "amount": "5.00"}).status_code == 403
    assert bob.put(f"{HOME}/subscriptions/me", {"units": 2}).status_code == 409


def test_a_pending_applicant_sees_nothing_and_cannot_resume_into_membership(api_client, personas):
    applicant = _pending_applicant(api_client, personas)
    client = api_client(applicant)
    assert client.get(HOME).status_code == 404
    assert client.post(f"{HOME}/membership/resume").status_code == 404
    assert Membership.objects.get(coop=personas.coop, user=applicant).status == "pending"


def test_a_garbage_or_deactivated_token_is_refused(api_client, personas):
    client = api_client(personas.alice)
    assert client.get("/api/v1/coops", HTTP_AUTHORIZATION="Bearer nope").status_code == 401
    personas.alice.is_active = False
    personas.alice.save()
    assert client.get("/api/v1/coops").status_code == 401


def test_the_login_throttle_is_shared_by_web_and_api(api_client, personas):
    anonymous = api_client()
    for _attempt in range(5):
        wrong = anonymous.post(
            "/api/v1/auth/token", {"username": "alice", "password": "wrong-password"}
        )
        assert wrong.status_code == 401
    # The right password through the web is refused too, and through the API with any casing.
    web = Client()
    page = web.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert page.status_code == 200 and "_auth_user_id" not in web.session
    right = anonymous.post("/api/v1/auth/token", {"username": "ALICE", "password": PASSWORD})
    assert right.status_code in (401, 429)
    right = anonymous.post("/api/v1/auth/token", {"username": "alice", "password": PASSWORD})
    assert right.status_code == 429


def test_login_next_does_not_redirect_off_site(personas):
    web = Client()
    response = web.post(
        "/accounts/login/?next=https://evil.example/",
        {"username": "alice", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert not response["Location"].startswith("https://evil.example")
    signup = Client().post(
        "/accounts/signup/?next=//evil.example/",
        {"username": "newbie", "email": "n@example.org", "password": "a-long-horse-9"},
    )
    assert signup.status_code == 302 and "evil.example" not in signup["Location"]


def test_web_posts_need_a_csrf_token(personas):
    web = Client(enforce_csrf_checks=True)
    web.force_login(personas.alice)
    response = web.post("/c/home/ledger/pay-in/", {"amount": "5.00"})
    assert response.status_code == 403


def test_member_text_is_escaped_in_pages(personas):
    """Co-op name, proposal title and options, supplier and descriptions reach pages and SVG
    charts escaped."""
    Cooperative.objects.filter(pk=personas.coop.pk).update(
        name="<script>alert(1)</script>", unit="<b>q</b>"
    )
    choice = Proposal.objects.create(
        coop=personas.coop,
        kind=Proposal.Kind.CHOICE,
        title="<img src=x onerror=alert(2)>",
        options=["<svg onload=alert(3)>", "plain"],
        opened_at="2024-01-01T00:00Z",
        closes_at="2099-01-08T00:00Z",
    )
    web = Client()
    web.force_login(personas.alice)
    seen = set()
    for path in (
        "/c/home/",
        "/c/home/decisions/",
        f"/c/home/decisions/{choice.pk}/",
        "/c/home/dashboard/",
    ):
        response = web.get(path)
        assert response.status_code == 200, path
        body = response.content.decode()
        for raw, escaped in (
            ("<script>alert(1)", "&lt;script&gt;alert(1)"),
            ("<img src=x onerror", "&lt;img src=x onerror"),
            ("<svg onload", "&lt;svg onload"),
            ("<b>q</b>", "&lt;b&gt;q&lt;/b&gt;"),
        ):
            assert raw not in body, (path, raw)
            if escaped in body:
                seen.add(raw)
    assert len(seen) == 4, f"some text never reached a page, so it was not checked: {seen}"
