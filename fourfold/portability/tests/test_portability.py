"""Export → import → export gives the same document; a refused import writes nothing."""

from __future__ import annotations

import copy
import io
import json
from datetime import timedelta
from decimal import Decimal

import pytest

from fourfold.accounts.models import ApiToken, User
from fourfold.accounts.services import token_issue
from fourfold.cli import demo
from fourfold.cli.main import main
from fourfold.consumption import services as consumption
from fourfold.coops.models import AuditEvent, Cooperative
from fourfold.errors import Conflict, Invalid
from fourfold.governance import facilitators as governance_facilitators
from fourfold.governance import votes as governance_votes
from fourfold.ledger import corrections as ledger_corrections
from fourfold.ledger import selectors as ledger_selectors
from fourfold.ledger import services as ledger
from fourfold.ledger.models import Account, Leg, Transaction
from fourfold.portability.export import export_coop
from fourfold.portability.format import FORMAT, VERSION
from fourfold.production import swaps as production_swaps
from fourfold.production.models import Batch, Shift
from fourfold.testing import MembershipFactory
from fourfold.workflows import decisions as decisions_flow
from fourfold.workflows import money as money_flow
from fourfold.workflows import production as production_flow
from fourfold.workflows.portability import import_coop

pytestmark = pytest.mark.django_db


def renamed(document: dict, slug: str) -> dict:
    document = copy.deepcopy(document)
    document["coop"]["slug"] = slug
    return document


def counts() -> dict[str, int]:
    return {
        "coops": Cooperative.objects.count(),
        "users": User.objects.count(),
        "transactions": Transaction.objects.count(),
        "legs": Leg.objects.count(),
        "accounts": Account.objects.count(),
        "batches": Batch.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


@pytest.fixture
def busy(personas):
    """A small co-op with one of everything the document carries: a reversal, a cost split,
    a reservation, a swap, a proxy, a facilitator, a proposal still open."""
    coop, alice, bob = personas.coop, personas.alice, personas.bob
    carol = MembershipFactory(coop=coop, user__username="carol", user__first_name="Carol").user
    for member in (alice, bob, carol):
        consumption.share_set(coop=coop, member=member, units=2)
    production_flow.batches_plan(coop=coop, weeks=3, by=None)
    first, last = Batch.objects.filter(coop=coop).order_by("date")[::2]
    consumption.reservation_set(batch=last, member=carol, units=0)
    shift = Shift.objects.filter(batch=last, member__isnull=False).first()
    production_swaps.swap_offer(shift=shift, by=shift.member)
    production_flow.unavailability_add(
        coop=coop, member=bob, start=last.date, end=last.date + timedelta(days=3), note="away"
    )
    ledger.contribution_post(coop=coop, payer=alice, amount=Decimal("30.00"), entered_by=alice)
    mistake = ledger.contribution_post(coop=coop, payer=bob, amount=Decimal("3.00"), entered_by=bob)
    ledger_corrections.transaction_reverse(original=mistake, entered_by=bob, reason="typo")
    money_flow.expense_post(
        coop=coop,
        payer=bob,
        amount=Decimal("10.00"),
        category="ingredients",
        entered_by=bob,
        supplier="Dairy",
        split={alice: 1, bob: 1, carol: 1},
        batch=first,
    )
    coop.spending_limit = Decimal("50")
    coop.save()
    pot = decisions_flow.proposal_open(
        coop=coop, by=alice, kind="spending", title="A bigger pot", amount="80"
    )
    for member in (alice, bob, carol):
        decisions_flow.vote_cast(proposal=pot, member=member, position="agree")
    money_flow.expense_post(
        coop=coop,
        payer=alice,
        amount=Decimal("75.00"),
        category="equipment",
        entered_by=alice,
        split={alice: 1, bob: 1, carol: 1},
        proposal=pot.pk,
    )
    proposal = decisions_flow.proposal_open(
        coop=coop, by=alice, kind="general", title="Try goat milk", body="Once, to taste."
    )
    governance_votes.proxy_grant(coop=coop, giver=carol, holder=alice, proposal=proposal)
    decisions_flow.vote_cast(proposal=proposal, member=alice, position="agree", reason="Why not")
    governance_facilitators.facilitators_plan(coop=coop, months=2)
    return coop


def test_export_import_export_gives_the_same_document_for_the_demo_year():
    coop, _built = demo.build()
    exported = export_coop(coop=coop)
    copy_ = import_coop(data=exported, slug="somerville-copy")
    again = export_coop(coop=copy_)

    assert again == renamed(exported, "somerville-copy")
    # The same bytes, as `fourfold export` writes them.
    assert json.dumps(again, sort_keys=True) == json.dumps(
        renamed(exported, "somerville-copy"), sort_keys=True
    )
    assert exported["format"] == FORMAT and exported["version"] == VERSION
    assert len(exported["batches"]) == Batch.objects.filter(coop=coop).count()
    # Running totals were rebuilt from the legs, so every balance is exact to the cent.
    original = {b.user.username: b.balance for b in ledger_selectors.member_balances(coop=coop)}
    restored = {b.user.username: b.balance for b in ledger_selectors.member_balances(coop=copy_)}
    assert restored == original
    for account in Account.objects.filter(coop=copy_):
        assert account.total_minor == sum(leg.amount_minor for leg in account.legs.all())


def test_everything_a_small_coop_holds_survives_the_round_trip(busy):
    exported = export_coop(coop=busy)
    assert exported["proxies"] and exported["facilitators"]
    assert any(t["reverses"] for t in exported["ledger"]["transactions"])
    assert any(t["allocates"] for t in exported["ledger"]["transactions"])
    assert any(t["batch"] for t in exported["ledger"]["transactions"])
    assert any(t["approval"] for t in exported["ledger"]["transactions"])
    assert any(b["reservations"] for b in exported["batches"])
    assert any(s["swaps"] for b in exported["batches"] for s in b["shifts"])
    assert exported["proposals"][-1]["votes"][0]["reason"] == "Why not"

    copy_ = import_coop(data=exported, slug="home-copy")

    assert export_coop(coop=copy_) == renamed(exported, "home-copy")


def test_it_names_people_by_username_and_never_writes_passwords_or_tokens(busy, personas):
    token = token_issue(user=personas.alice)
    text = json.dumps(export_coop(coop=busy))
    assert personas.alice.password not in text
    assert token not in text
    assert ApiToken.objects.get().digest not in text
    assert "password" not in text
    assert {p["username"] for p in json.loads(text)["people"]} == {"alice", "bob", "carol"}


def test_it_creates_missing_people_without_a_usable_password(busy):
    exported = export_coop(coop=busy)
    for person in exported["people"]:
        person["username"] = "new-" + person["username"]
        person["email"] = "new-" + person["email"]
    text = json.dumps(exported)
    for name in ("alice", "bob", "carol"):
        text = text.replace(f'"{name}"', f'"new-{name}"').replace(f":{name}", f":new-{name}")

    coop = import_coop(data=json.loads(text), slug="fresh")

    carol = User.objects.get(username="new-carol")
    assert not carol.has_usable_password()
    assert (carol.email, carol.first_name) == ("new-carol@example.org", "Carol")
    assert set(coop.memberships.values_list("user__username", flat=True)) == {
        "new-alice",
        "new-bob",
        "new-carol",
    }


def test_it_refuses_a_slug_that_exists_and_writes_nothing(busy):
    exported = export_coop(coop=busy)
    before = counts()
    with pytest.raises(Conflict, match="short name home exists"):
        import_coop(data=exported)
    assert counts() == before


def test_it_refuses_an_unknown_version(busy):
    exported = export_coop(coop=busy)
    exported["version"] = 4
    with pytest.raises(Invalid, match=r"version 4 .* reads version 3 and those before"):
        import_coop(data=exported, slug="later")
    exported["format"] = "something-else"
    exported["version"] = 1
    with pytest.raises(Invalid, match="not a fourfold co-op export"):
        import_coop(data=exported, slug="later")
    assert not Cooperative.objects.filter(slug="later").exists()


def test_nothing_is_written_when_the_last_transaction_does_not_balance(busy):
    exported = export_coop(coop=busy)
    exported["people"].append({"username": "dora", "email": "dora@example.org"})
    exported["ledger"]["transactions"][-1]["legs"][0]["amount"] = "0.01"
    before = counts()

    with pytest.raises(Invalid, match=r"ledger\.transactions\[\d+\]: its legs must sum to zero"):
        import_coop(data=exported, slug="broken")

    assert counts() == before
    assert not User.objects.filter(username="dora").exists()


def test_it_refuses_totals_that_do_not_match_the_legs(busy):
    exported = export_coop(coop=busy)
    pool = next(a for a in exported["ledger"]["accounts"] if a["account"] == "pool")
    pool["total"] = "1000.00"
    with pytest.raises(Invalid, match=r"the total of pool is 1000\.00, and its legs sum to"):
        import_coop(data=exported, slug="broken")
    assert not Cooperative.objects.filter(slug="broken").exists()


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("batches", 0, "date"), "2026-13-01", r"batches\[0\]\.date: '2026-13-01' cannot be read"),
        (("batches", 0, "status"), "baked", r"batches\[0\]\.status: 'baked' is not one of"),
        (("memberships", 0, "user"), "nobody", r"'nobody' is not listed among the people"),
        (("coop", "currency"), "XYZ", r"coop\.currency: Unknown currency"),
        (("coop", "commercial_unit_price"), 6.5, r"commercial_unit_price: expected a string"),
        (("ledger", "transactions", 0, "amount"), "30.001", r"'30\.001' is not an amount"),
        (("ledger", "transactions", 2, "reverses"), 99, r"reverses: names no earlier"),
    ],
)
def test_it_refuses_a_bad_value_and_says_where(busy, path, value, message):
    exported = export_coop(coop=busy)
    target = exported
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(Invalid, match=message):
        import_coop(data=exported, slug="broken")
    assert not Cooperative.objects.filter(slug="broken").exists()


def test_the_import_is_recorded_in_the_audit_trail(busy):
    copy_ = import_coop(data=export_coop(coop=busy), slug="home-copy")
    # After the activity it restored, the one row of its own.
    event = AuditEvent.objects.filter(coop=copy_).order_by("pk").last()
    assert (event.action, event.data["exported_slug"]) == ("coop.imported", "home")
    restored = AuditEvent.objects.filter(coop=copy_).exclude(pk=event.pk)
    assert restored.count() == AuditEvent.objects.filter(coop=busy).count()


def test_the_command_line_exports_and_imports_from_stdin(busy, capsys, monkeypatch):
    assert main(["export", "home"]) == 0
    text = capsys.readouterr().out
    assert json.loads(text) == export_coop(coop=busy)

    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    assert main(["import", "-", "--as", "home-2"]) == 0
    assert "Imported Home Co-op as home-2: 3 member(s)" in capsys.readouterr().out

    assert main(["export", "home-2"]) == 0
    assert capsys.readouterr().out == text.replace('"slug": "home"', '"slug": "home-2"')


def test_the_command_line_explains_what_it_refuses(busy, tmp_path):
    with pytest.raises(SystemExit, match="No co-op with the short name 'nope'"):
        main(["export", "nope"])
    with pytest.raises(SystemExit, match="Cannot read"):
        main(["import", str(tmp_path / "missing.json")])
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json")
    with pytest.raises(SystemExit, match="is not JSON"):
        main(["import", str(garbage)])
    exported = tmp_path / "home.json"
    exported.write_text(json.dumps(export_coop(coop=busy)))
    with pytest.raises(SystemExit, match=r"exists; import it under another\. \(use --as"):
        main(["import", str(exported)])


def test_an_open_proposal_still_closes_at_its_deadline_after_the_move(
    busy, django_capture_on_commit_callbacks
):
    from django_tasks import default_task_backend

    exported = export_coop(busy)
    default_task_backend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        copy_ = import_coop(exported, slug="home-copy")
    [closing] = default_task_backend.results
    assert closing.task.run_after == copy_.proposals.get(status="open").closes_at


def test_a_removal_by_vote_survives_the_move(busy):
    from fourfold.coops.models import Membership

    Membership.objects.filter(user__username="carol").update(
        status=Membership.Status.LEFT, removed_at=busy.founded_at
    )
    copy_ = import_coop(data=export_coop(coop=busy), slug="home-copy")
    moved = Membership.objects.get(coop=copy_, user__username="carol")
    assert moved.removed_at == busy.founded_at


def contribution_in(exported: dict) -> dict:
    return next(t for t in exported["ledger"]["transactions"] if t["kind"] == "contribution")


def test_it_refuses_the_reserved_username_pool(busy):
    exported = export_coop(coop=busy)
    exported["people"].append({"username": "pool", "email": "pool@example.org"})
    exported["memberships"].append({"user": "pool", "status": "active", "joined_on": "2026-01-01"})
    with pytest.raises(Invalid, match=r"people\[\d+\]\.username: 'pool' is a reserved name"):
        import_coop(data=exported, slug="broken")
    assert not User.objects.filter(username="pool").exists()
    assert not Cooperative.objects.filter(slug="broken").exists()


def test_it_refuses_a_grant_paid_in_as_the_api_does(busy, personas):
    from fourfold.errors import PrincipleViolation

    with pytest.raises(PrincipleViolation) as posted:
        ledger.contribution_post(
            coop=busy,
            payer=personas.alice,
            amount="500.00",
            entered_by=personas.alice,
            description="grant from the city",
        )
    exported = export_coop(coop=busy)
    contribution_in(exported)["description"] = "grant from the city"
    with pytest.raises(Invalid) as imported:
        import_coop(data=exported, slug="broken")
    assert posted.value.detail in imported.value.detail
    assert "ledger.transactions[" in imported.value.detail
    assert not Cooperative.objects.filter(slug="broken").exists()


def test_it_refuses_an_expense_that_pays_for_labour(busy):
    exported = export_coop(coop=busy)
    expense = next(t for t in exported["ledger"]["transactions"] if t["kind"] == "expense")
    expense["supplier"] = "the babysitter"
    with pytest.raises(Invalid, match="no paid staff"):
        import_coop(data=exported, slug="broken")


def test_it_refuses_an_entry_whose_words_read_like_pay_unless_it_carries_a_declaration(busy):
    exported = export_coop(coop=busy)
    expense = next(t for t in exported["ledger"]["transactions"] if t["kind"] == "expense")
    expense["description"] = "Paid Joe for making the yogurt"
    with pytest.raises(Invalid, match="Paid Joe for making"):
        import_coop(data=copy.deepcopy(exported), slug="worded")
    expense["declared"] = "no_paid_staff"
    assert import_coop(data=exported, slug="declared").slug == "declared"


def test_it_refuses_an_expense_from_a_member_as_supplier(busy, personas):
    exported = export_coop(coop=busy)
    expense = next(t for t in exported["ledger"]["transactions"] if t["kind"] == "expense")
    expense["supplier"] = personas.bob.username.upper()
    expense["declared"] = "no_paid_staff"
    with pytest.raises(Invalid, match="is a member"):
        import_coop(data=exported, slug="broken")


def test_it_refuses_money_from_someone_who_is_not_a_member(busy):
    exported = export_coop(coop=busy)
    exported["people"].append({"username": "patron", "email": "patron@example.org"})
    contribution_in(exported)["payer"] = "patron"
    with pytest.raises(Invalid, match="patron is not a member of this co-op"):
        import_coop(data=exported, slug="broken")


@pytest.mark.parametrize(
    ("place", "where"),
    [
        (lambda d: contribution_in(d).update(description="march\x00share"), r"\.description"),
        (lambda d: d["coop"].update(name="Home\x00"), r"coop\.name"),
        (lambda d: d["proposals"][0]["result"].update({"n\x00": 1}), r"proposals\[0\]\.result"),
    ],
)
def test_it_refuses_a_nul_character_and_says_where(busy, place, where):
    exported = export_coop(coop=busy)
    place(exported)
    before = counts()
    with pytest.raises(Invalid, match=rf"{where}: text may not contain NUL characters"):
        import_coop(data=exported, slug="broken")
    assert counts() == before


def test_it_refuses_a_file_nested_far_deeper_than_an_export(busy):
    exported = export_coop(coop=busy)
    deep: dict = {}
    exported["proposals"][0]["result"] = deep
    for _level in range(200):
        deep["more"] = {}
        deep = deep["more"]
    with pytest.raises(Invalid, match=r"proposals\[0\]\.result\.more.*nested deeper than 32"):
        import_coop(data=exported, slug="broken")
