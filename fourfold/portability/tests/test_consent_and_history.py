"""What waits for consent, the activity and the receipts move with the co-op; a document
written before them still imports."""

from __future__ import annotations

import copy
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage

from fourfold.coops.models import AuditEvent
from fourfold.errors import Conflict, Invalid
from fourfold.ledger import consent, corrections, receipts, selectors, services, statements
from fourfold.ledger.models import ConsentAsk, Receipt, Transaction
from fourfold.ledger.tests.receipt_files import photo, upload
from fourfold.portability import export as portability_export
from fourfold.portability.export import export_coop
from fourfold.portability.format import VERSION
from fourfold.testing import MembershipFactory
from fourfold.workflows import money as money_flow
from fourfold.workflows.portability import import_coop

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path


def renamed(document: dict, slug: str) -> dict:
    document = copy.deepcopy(document)
    document["coop"]["slug"] = slug
    return document


def entry(coop, description: str) -> Transaction:
    return statements.transactions(coop=coop).get(description=description)


def statuses(coop) -> dict[str, tuple[str, list[str], str]]:
    return {
        item.description: (status.status, status.awaiting, str(status.reason))
        for item in statements.transactions(coop=coop).exclude(kind="cost_allocation")
        for status in [statements.entry_status(item)]
    }


@pytest.fixture
def trusting(personas):
    """A co-op with an entry of every consent story: waiting, declined, lapsed, a payment out
    of the pool confirmed by a second member (with its receipt), a request to reverse still
    waiting, and one confirmed."""
    coop, alice, bob = personas.coop, personas.alice, personas.bob
    carol = MembershipFactory(coop=coop, user__username="carol").user
    coop.consent_days = 10
    coop.save()
    services.contribution_post(
        coop=coop, payer=alice, amount="30.00", entered_by=alice, description="Pay-in"
    )
    mistake = services.contribution_post(
        coop=coop, payer=carol, amount="5.00", entered_by=carol, description="Twice"
    )
    lapsed = services.transfer_post(
        coop=coop, payer=bob, payee=alice, amount="2.00", entered_by=alice, description="Coffee"
    )
    assert lapsed.lapses_at is not None
    consent.entries_lapse(now=lapsed.lapses_at + timedelta(seconds=1))
    money_flow.expense_post(
        coop=coop,
        payer=bob,
        amount="8.00",
        category="ingredients",
        supplier="Dairy",
        description="Milk Bob bought",
        entered_by=alice,
    )
    declined = money_flow.expense_post(
        coop=coop,
        payer=carol,
        amount="4.00",
        category="supplies",
        supplier="Jar Depot",
        description="Lids",
        entered_by=alice,
    )
    consent.entry_decline(
        coop=coop, transaction_id=declined.pk, member=carol, reason="Not me: Bob bought them"
    )
    pot = money_flow.expense_post(
        coop=coop,
        payer=None,
        amount="12.00",
        category="equipment",
        supplier="Kitchen shop",
        description="A pot from the pool",
        entered_by=bob,
        split={alice: 1, bob: 1, carol: 1},
    )
    money_flow.entry_confirm(coop=coop, transaction_id=pot.pk, member=carol)
    receipts.receipt_attach(
        coop=coop,
        transaction_id=pot.pk,
        by=bob,
        upload=upload(photo("PNG"), "pot.png", "image/png"),
    )
    corrections.transaction_reverse(
        original=entry(coop, "Pay-in"), entered_by=bob, reason="Alice paid it back in cash"
    )
    request = corrections.transaction_reverse(
        original=mistake, entered_by=bob, reason="Entered twice"
    )
    consent.entry_confirm(coop=coop, transaction_id=request.pk, member=carol)
    return coop


def test_every_consent_story_the_activity_and_the_receipts_survive_the_round_trip(trusting):
    exported = export_coop(coop=trusting)
    copy_ = import_coop(exported, slug="home-copy")
    again = export_coop(coop=copy_)

    assert again == renamed(exported, "home-copy")
    assert exported["version"] == VERSION == 3
    assert exported["coop"]["consent_days"] == copy_.consent_days == 10
    assert statuses(copy_) == statuses(trusting)
    assert statuses(copy_)["Milk Bob bought"] == ("pending", ["bob"], "")
    assert statuses(copy_)["Lids"][0] == "declined"
    assert "Not me: Bob bought them" in statuses(copy_)["Lids"][2]
    assert "lapsed" in statuses(copy_)["Coffee"][2]
    assert statuses(copy_)["Entered twice"][0] == "posted"
    assert statuses(copy_)["Alice paid it back in cash"] == ("pending", ["alice"], "")

    def balances(coop):
        return {row.user.username: row.balance for row in selectors.member_balances(coop=coop)}

    assert balances(copy_) == balances(trusting)
    assert selectors.books(coop=copy_).pool == selectors.books(coop=trusting).pool

    # The receipt's bytes are in storage again, under a name of their own.
    original, restored = (Receipt.objects.get(coop=c) for c in (trusting, copy_))
    assert restored.file.name != original.file.name
    assert restored.transaction.description == "A pot from the pool"
    with (
        default_storage.open(restored.file.name) as moved,
        default_storage.open(original.file.name) as kept,
    ):
        assert moved.read() == kept.read()

    # The activity, in order, naming the copy's own entries; the import's row comes last.
    before = list(AuditEvent.objects.filter(coop=trusting).order_by("pk"))
    after = list(AuditEvent.objects.filter(coop=copy_).order_by("pk"))
    assert [e.action for e in after] == [e.action for e in before] + ["coop.imported"]
    assert [e.actor for e in after[:-1]] == [e.actor for e in before]
    declined = next(e for e in after if e.action == "ledger.declined")
    assert declined.data["transaction"] == entry(copy_, "Lids").pk
    attached = next(e for e in after if e.action == "ledger.receipt_attached")
    assert attached.data["receipt"] == restored.pk

    # What waited still waits, here: Bob confirms his milk in the copy and it moves money.
    milk = entry(copy_, "Milk Bob bought")
    money_flow.entry_confirm(coop=copy_, transaction_id=milk.pk, member=milk.payer)
    assert statements.entry_status(entry(copy_, "Milk Bob bought")).status == "posted"


def test_it_refuses_an_entry_posted_without_the_confirmation_it_waited_for(trusting):
    exported = export_coop(coop=trusting)
    milk = next(
        t for t in exported["ledger"]["transactions"] if t["description"] == "Milk Bob bought"
    )
    milk["legs"] = milk["held_legs"]
    milk["outcome"] = {"outcome": "posted", "by": "alice", "reason": "", "at": milk["entered_at"]}
    with pytest.raises(Invalid, match="only an entry everyone asked confirmed"):
        import_coop(exported, slug="forged")


def test_it_refuses_a_confirmation_by_someone_other_than_the_member_asked(trusting):
    exported = export_coop(coop=trusting)
    pot = next(
        t for t in exported["ledger"]["transactions"] if t["description"] == "A pot from the pool"
    )
    [ask] = pot["asks"]
    assert ask["role"] == ConsentAsk.Role.POOL and ask["answer"]["member"] == "carol"
    # The one who paid out of the pool cannot be its second pair of eyes.
    ask["answer"]["member"] = "bob"
    with pytest.raises(Invalid, match="not the member asked"):
        import_coop(exported, slug="forged")


def test_it_refuses_a_receipt_whose_bytes_are_not_what_it_says(trusting, media):
    exported = export_coop(coop=trusting)
    [receipt] = exported["receipts"]
    receipt["content_type"] = "application/pdf"
    stored = sorted(p.name for p in media.rglob("*") if p.is_file())
    with pytest.raises(Invalid, match="its bytes are not a application/pdf"):
        import_coop(exported, slug="forged")
    assert sorted(p.name for p in media.rglob("*") if p.is_file()) == stored


def test_a_refused_import_takes_the_receipts_it_stored_away_again(trusting, media):
    exported = export_coop(coop=trusting)
    exported["activity"][0]["data"]["transaction"] = 999
    stored = sorted(p.name for p in media.rglob("*") if p.is_file())
    with pytest.raises(Invalid, match=r"activity\[0\]\.data\.transaction: names nothing"):
        import_coop(exported, slug="forged")
    assert sorted(p.name for p in media.rglob("*") if p.is_file()) == stored


def test_it_will_not_export_more_receipts_than_a_document_carries(trusting, monkeypatch):
    monkeypatch.setattr(portability_export, "MAX_RECEIPT_EXPORT_BYTES", 10)
    with pytest.raises(Conflict, match="more than the 0 MB an export carries"):
        export_coop(coop=trusting)


def test_a_receipt_whose_file_is_missing_stays_missing_where_it_moves(trusting):
    default_storage.delete(Receipt.objects.get(coop=trusting).file.name)
    exported = export_coop(coop=trusting)
    assert exported["receipts"][0]["content"] is None
    copy_ = import_coop(exported, slug="home-copy")
    assert export_coop(coop=copy_) == renamed(exported, "home-copy")
    assert not default_storage.exists(Receipt.objects.get(coop=copy_).file.name)


def version_one(document: dict) -> dict:
    """``document`` as version 1 wrote it: nothing of consent, no activity, no receipts."""
    document = copy.deepcopy(document)
    document["version"] = 1
    del document["coop"]["consent_days"], document["activity"], document["receipts"]
    for item in document["ledger"]["transactions"]:
        for key in (
            "awaits_consent",
            "lapses_at",
            "reversal_of",
            "declared",
            "declaration",
            "held_legs",
            "asks",
            "outcome",
        ):
            del item[key]
    return document


def test_a_document_of_version_one_still_imports_as_posted_with_no_history(personas):
    coop, alice, bob = personas.coop, personas.alice, personas.bob
    services.contribution_post(coop=coop, payer=alice, amount="20.00", entered_by=alice)
    money_flow.expense_post(
        coop=coop,
        payer=bob,
        amount=Decimal("6.00"),
        category="ingredients",
        supplier="Dairy",
        entered_by=bob,
        split={alice: 1, bob: 1},
    )
    old = version_one(export_coop(coop=coop))

    copy_ = import_coop(old, slug="from-v1")

    assert copy_.consent_days == 14
    assert not Transaction.objects.filter(coop=copy_, awaits_consent=True).exists()
    assert {statements.entry_status(t).status for t in statements.transactions(coop=copy_)} == {
        "posted"
    }
    [imported] = AuditEvent.objects.filter(coop=copy_)
    assert (imported.action, imported.data["version"]) == ("coop.imported", 1)
    again = export_coop(coop=copy_)
    assert again["version"] == VERSION and again["activity"] == [] and again["receipts"] == []
    assert version_one(again) == renamed(old, "from-v1")
