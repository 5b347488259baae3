"""Structure first: a member or the pool as supplier, a labour category, are refused (403).
Words second: an entry that reads like outside money or pay for work is asked about (422) and
recorded once its member declares the principle, for everyone to read."""

import pytest

from fourfold.coops.activity import activity
from fourfold.coops.models import AuditEvent
from fourfold.errors import Invalid, PrincipleCheck, PrincipleViolation
from fourfold.ledger import services
from fourfold.ledger.models import Transaction
from fourfold.ledger.principle_words import outside_money_words, paid_work_words
from fourfold.ledger.principles import entry_principles_check
from fourfold.workflows import money as money_flow

pytestmark = pytest.mark.django_db


def expense(personas, **fields):
    return money_flow.expense_post(
        coop=personas.coop,
        payer=personas.alice,
        amount="12",
        entered_by=personas.alice,
        **{"category": "supplies", **fields},
    )


@pytest.mark.parametrize("supplier", ["bob", "BOB", " Bob ", "Bob Baker", "pool", "The pool"])
def test_a_member_or_the_pool_as_supplier_is_refused_as_paying_a_member(personas, supplier):
    personas.bob.first_name, personas.bob.last_name = "Bob", "Baker"
    personas.bob.save()
    with pytest.raises(PrincipleViolation) as refused:
        expense(personas, supplier=supplier, description="cheese")
    assert type(refused.value) is PrincipleViolation
    assert refused.value.principle == "no_paid_staff"
    assert refused.value.status == 403
    assert not Transaction.objects.exists()


def test_a_supplier_who_shares_only_a_first_name_with_a_member_is_ordinary(personas):
    personas.bob.first_name, personas.bob.last_name = "Bob", "Baker"
    personas.bob.save()
    assert expense(personas, supplier="Bob's Dairy", description="milk").supplier == "Bob's Dairy"


@pytest.mark.parametrize("category", ["wages", "Salary", "labour"])
def test_a_labour_category_stays_a_refusal_not_a_question(personas, category):
    with pytest.raises(PrincipleViolation) as refused:
        expense(personas, category=category, declare="no_paid_staff")
    assert type(refused.value) is PrincipleViolation
    assert refused.value.status == 403


def test_words_that_read_like_pay_for_work_are_asked_about_with_the_words(personas):
    with pytest.raises(PrincipleCheck) as asked:
        expense(personas, description="Paid Joe for making the yogurt")
    assert asked.value.principle == "no_paid_staff"
    assert asked.value.status == 422
    assert asked.value.code == "principle_check"
    assert asked.value.words == ["Paid Joe for making"]
    assert "“Paid Joe for making”" in asked.value.detail
    assert not Transaction.objects.exists()
    assert not AuditEvent.objects.exists()


def test_declared_the_entry_is_recorded_with_the_declaration_in_the_audit_and_activity(
    personas,
):
    posted = expense(
        personas, description="payment to ana for 3 hours of work", declare="no_paid_staff"
    )
    assert posted.declared == "no_paid_staff"
    assert posted.declaration == "alice declared: this is not paid labour"
    event = AuditEvent.objects.get(action="ledger.expense")
    assert event.data["declared"] == "no_paid_staff"
    assert event.data["declaration"] == "alice declared: this is not paid labour"
    [row] = [row for row in activity(coop=personas.coop) if row.action == "ledger.expense"]
    assert row.summary.endswith("— alice declared: this is not paid labour")


def test_a_pay_in_declared_as_members_own_money_is_recorded(personas):
    with pytest.raises(PrincipleCheck) as asked:
        services.contribution_post(
            coop=personas.coop,
            payer=personas.alice,
            amount="20",
            entered_by=personas.alice,
            description="bake sale proceeds",
        )
    assert asked.value.principle == "self_funded"
    assert asked.value.words == ["bake sale", "proceeds"]
    posted = services.contribution_post(
        coop=personas.coop,
        payer=personas.alice,
        amount="20",
        entered_by=personas.alice,
        description="bake sale proceeds",
        declare="self_funded",
    )
    assert posted.declaration == "alice declared: this is members' own money"


def test_declaring_the_other_principle_does_not_answer_the_question(personas):
    with pytest.raises(PrincipleCheck) as asked:
        expense(personas, description="hourly pay", declare="self_funded")
    assert asked.value.principle == "no_paid_staff"


def test_an_ordinary_entry_stores_no_declaration_even_if_one_is_sent(personas):
    posted = expense(personas, description="cheesecloth", declare="no_paid_staff")
    assert (posted.declared, posted.declaration) == ("", "")
    assert "declared" not in AuditEvent.objects.get(action="ledger.expense").data


def test_an_unknown_declaration_is_invalid(personas):
    with pytest.raises(Invalid) as refused:
        expense(personas, description="hourly pay", declare="flat")
    assert refused.value.field == "declare"


def test_a_transfer_for_work_between_members_is_asked_about(personas):
    with pytest.raises(PrincipleCheck) as asked:
        services.transfer_post(
            coop=personas.coop,
            payer=personas.alice,
            payee=personas.bob,
            amount="5",
            entered_by=personas.alice,
            description="for covering my shift",
        )
    assert asked.value.principle == "no_paid_staff"


def test_a_non_member_payer_is_refused_before_any_words_are_asked_about(personas):
    with pytest.raises(PrincipleViolation) as refused:
        services.contribution_post(
            coop=personas.coop,
            payer=personas.outsider,
            amount="20",
            entered_by=personas.alice,
            description="GoFundMe",
        )
    assert type(refused.value) is PrincipleViolation


def test_an_import_passes_the_words_of_an_entry_it_declares(personas):
    check = {
        "coop": personas.coop,
        "kind": "expense",
        "payer": personas.alice,
        "category": "supplies",
        "description": "tip for the mechanic",
    }
    with pytest.raises(PrincipleCheck):
        entry_principles_check(**check)
    entry_principles_check(**check, declared="no_paid_staff")
    with pytest.raises(PrincipleViolation):
        entry_principles_check(**{**check, "supplier": "bob"}, declared="no_paid_staff")


@pytest.mark.parametrize(
    "text",
    ["Restaurant Staff Supply Co", "my share for the Grant Street kitchen", "charity shop jars"],
)
def test_names_that_share_a_word_with_outside_money_or_pay_are_ordinary(text):
    assert outside_money_words(text, paying_in=True) == []
    assert paid_work_words(text) == []


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("hourly pay", ["hourly pay"]),
        ("tip for the mechanic", ["tip for the mechanic"]),
        ("a grant from the city", ["a grant"]),
    ],
)
def test_the_words_found_are_given_as_written(text, words):
    assert (outside_money_words(text) or paid_work_words(text)) == words
