import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from fourfold.ledger import consent, corrections, selectors, services
from fourfold.ledger.models import Transaction
from fourfold.testing import MembershipFactory, consented
from fourfold.workflows import money as money_flow

pytestmark = pytest.mark.django_db

LEDGER = "/c/home/ledger/"
EXPENSE = "/c/home/ledger/expense/"
PAY_IN = "/c/home/ledger/pay-in/"
STATEMENT = "/c/home/ledger/statement/"
SETTLE = "/c/home/ledger/settle/"
SETTLE_RECORD = "/c/home/ledger/settle/record/"
TRANSACTIONS_CSV = "/c/home/ledger/transactions.csv"
BALANCES_CSV = "/c/home/ledger/balances.csv"


def h1_count(response) -> int:
    return len(re.findall(r"<h1[ >]", response.content.decode()))


def balances(coop) -> dict[str, Decimal]:
    return {row.user.username: row.balance for row in selectors.member_balances(coop=coop)}


def reverse_url(item) -> str:
    return f"/c/home/ledger/transactions/{item.pk}/reverse/"


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def expense(personas, amount="10.00", payer=None, split=None, **fields):
    return money_flow.expense_post(
        coop=personas.coop,
        payer=payer or personas.alice,
        amount=amount,
        category=fields.pop("category", "ingredients"),
        entered_by=payer or personas.alice,
        split=split if split is not None else {personas.alice: 1, personas.bob: 1},
        **fields,
    )


def expense_form(**changes) -> dict:
    return {
        "amount": "45.00",
        "category": "ingredients",
        "payer": "alice",
        "supplier": "Valley Farm",
        "description": "cultures",
        "occurred_on": "",
        "split": ["alice", "bob", "carol"],
        **changes,
    }


@pytest.fixture
def carol(personas):
    return MembershipFactory(coop=personas.coop, user__username="carol").user


@pytest.fixture
def alice_client(client, personas):
    client.force_login(personas.alice)
    return client


@pytest.mark.parametrize("path", [LEDGER, EXPENSE, PAY_IN, STATEMENT, SETTLE])
def test_each_ledger_page_renders_with_one_heading(alice_client, personas, path):
    expense(personas)
    response = alice_client.get(path)
    assert response.status_code == 200
    assert h1_count(response) == 1


def test_the_reverse_page_renders_with_one_heading(alice_client, personas):
    response = alice_client.get(reverse_url(expense(personas)))
    assert response.status_code == 200
    assert h1_count(response) == 1
    assert b"Reverse it" in response.content


def test_the_coop_nav_links_to_the_ledger(alice_client):
    assert f'href="{LEDGER}"'.encode() in alice_client.get("/c/home/").content


def test_the_ledger_shows_the_books_and_balances(alice_client, personas):
    expense(personas, amount="10.00")
    services.contribution_post(
        coop=personas.coop, payer=personas.bob, amount="3", entered_by=personas.bob
    )
    response = alice_client.get(LEDGER)
    books = response.context["books"]
    assert (books.pool, books.unallocated) == (Decimal("3.00"), Decimal("0.00"))
    assert response.context["balanced"]
    content = response.content.decode()
    assert "The books balance" in content
    assert "$5.00" in content  # alice paid 10.00, carries 5.00
    assert "-$2.00" in content  # bob: -5.00 share + 3.00 paid in


def test_recording_an_expense_split_among_members_changes_the_balances(
    alice_client, personas, carol
):
    response = alice_client.post(EXPENSE, expense_form())
    assert response.status_code == 302
    assert response["Location"] == LEDGER
    assert balances(personas.coop) == {
        "alice": Decimal("30.00"),
        "bob": Decimal("-15.00"),
        "carol": Decimal("-15.00"),
    }
    posted = Transaction.objects.get(kind="expense")
    assert (posted.supplier, posted.description, posted.entered_by) == (
        "Valley Farm",
        "cultures",
        personas.alice,
    )
    page = alice_client.get(LEDGER)
    assert b"The expense of $45.00 is recorded, shared among 3 members." in page.content


def test_an_expense_form_checks_every_active_member_by_default(alice_client, personas, carol):
    MembershipFactory(coop=personas.coop, user__username="dan", status="paused")
    form = alice_client.get(EXPENSE).context["form"]
    assert form["split"].initial == ["alice", "bob", "carol"]
    assert [value for value, _label in form.fields["payer"].choices] == [
        "alice",
        "pool",
        "bob",
        "carol",
    ]


def test_an_expense_paid_from_the_pool_by_another_member_or_on_a_past_date(alice_client, personas):
    # Founded a month ago: money dated last week is within the co-op's life.
    personas.coop.founded_at -= timedelta(days=30)
    personas.coop.save(update_fields=["founded_at"])
    services.contribution_post(
        coop=personas.coop, payer=personas.bob, amount="20", entered_by=personas.bob
    )
    last_week = date.today() - timedelta(days=7)
    alice_client.post(
        EXPENSE,
        expense_form(
            amount="8.00", payer="pool", split=["alice", "bob"], occurred_on=last_week.isoformat()
        ),
    )
    alice_client.post(EXPENSE, expense_form(amount="2.00", payer="bob", split=["alice"]))
    from_pool, by_bob = Transaction.objects.filter(kind="expense").order_by("pk")
    # The pool's money and Bob's move once a second member and Bob have said yes.
    assert balances(personas.coop) == {"alice": Decimal("0.00"), "bob": Decimal("20.00")}
    consented(from_pool)
    consented(by_bob)
    assert from_pool.payer is None
    assert from_pool.occurred_on == last_week
    assert (by_bob.payer, by_bob.entered_by) == (personas.bob, personas.alice)
    assert balances(personas.coop) == {"alice": Decimal("-6.00"), "bob": Decimal("18.00")}


def test_an_expense_dated_before_the_co_op_was_founded_is_refused(alice_client, personas):
    before = personas.coop.founded_at.astimezone(personas.coop.zone).date() - timedelta(days=1)
    page = alice_client.post(
        EXPENSE, expense_form(amount="8.00", split=["alice"], occurred_on=before.isoformat())
    )
    assert page.status_code == 200
    assert "was founded on" in page.context["form"].errors["occurred_on"][0]
    assert not Transaction.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"description": "wages for the week"},
        {"supplier": "our cleaner"},
        {"description": "staff"},
    ],
)
def test_paying_for_labour_is_refused_by_name_as_a_form_error(alice_client, personas, change):
    response = alice_client.post(EXPENSE, expense_form(split=["alice", "bob"], **change))
    assert response.status_code == 200
    [error] = response.context["form"].non_field_errors()
    assert "no paid staff" in error
    assert "no paid staff" in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert not Transaction.objects.exists()


@pytest.mark.parametrize("amount", ["", "abc", "0", "-3", "12.345", "1e20"])
def test_a_bad_amount_is_a_field_error(alice_client, personas, amount):
    response = alice_client.post(EXPENSE, expense_form(amount=amount, split=["alice"]))
    assert response.status_code == 200
    assert response.context["form"].errors["amount"]
    assert b'aria-invalid="true"' in response.content
    assert not Transaction.objects.exists()


def test_an_expense_shared_by_nobody_is_a_field_error(alice_client, personas):
    response = alice_client.post(EXPENSE, expense_form(split=[]))
    assert "at least one member" in response.context["form"].errors["split"][0]
    assert not Transaction.objects.exists()


def test_a_date_ahead_is_a_field_error(alice_client, personas):
    ahead = (date.today() + timedelta(days=3)).isoformat()
    response = alice_client.post(EXPENSE, expense_form(occurred_on=ahead, split=["alice"]))
    assert response.context["form"].errors["occurred_on"]
    assert not Transaction.objects.exists()


def test_an_unknown_category_or_member_is_refused_by_the_form(alice_client, personas):
    response = alice_client.post(
        EXPENSE, expense_form(category="wages", split=["alice", "outsider"])
    )
    assert set(response.context["form"].errors) == {"category", "split"}
    assert not Transaction.objects.exists()


def test_paying_in_adds_to_the_pool_and_the_members_balance(alice_client, personas):
    response = alice_client.post(
        PAY_IN, {"amount": "25", "description": "March share", "own_money": "on"}
    )
    assert response.status_code == 302
    books = selectors.books(coop=personas.coop)
    assert books.pool == Decimal("25.00")
    assert balances(personas.coop)["alice"] == Decimal("25.00")
    posted = Transaction.objects.get()
    assert (posted.kind, posted.payer, posted.entered_by) == (
        "contribution",
        personas.alice,
        personas.alice,
    )


def test_a_donation_is_refused_by_name_as_a_form_error(alice_client, personas):
    response = alice_client.post(
        PAY_IN, {"amount": "100", "description": "donation from a bakery", "own_money": "on"}
    )
    assert response.status_code == 200
    assert "self-funded" in response.context["form"].non_field_errors()[0]
    assert not Transaction.objects.exists()


def test_a_paused_member_cannot_pay_in(client, personas):
    paused = MembershipFactory(coop=personas.coop, status="paused").user
    client.force_login(paused)
    response = client.post(PAY_IN, {"amount": "5", "own_money": "on"})
    assert "not an active member" in response.context["form"].non_field_errors()[0]


def test_reversing_a_transaction_undoes_it_and_a_second_reversal_shows_why_not(
    alice_client, personas
):
    original = expense(personas, amount="10.00")
    response = alice_client.post(reverse_url(original), {"reason": "entered twice"})
    assert response.status_code == 302
    assert set(balances(personas.coop).values()) == {Decimal("0.00")}
    reversal = Transaction.objects.get(reverses=original)
    assert (reversal.description, reversal.entered_by) == ("entered twice", personas.alice)

    again = alice_client.post(reverse_url(original))
    assert again.status_code == 200
    assert "already reversed" in again.context["form"].non_field_errors()[0]
    assert Transaction.objects.filter(kind="reversal").count() == 2  # the expense and its split


def test_a_reversal_is_not_offered_for_a_reversal_and_refused_if_posted(alice_client, personas):
    original = services.contribution_post(
        coop=personas.coop, payer=personas.alice, amount="5", entered_by=personas.alice
    )
    # Bob's reversal of Alice's entry is a request; Alice confirms it.
    request = corrections.transaction_reverse(original=original, entered_by=personas.bob)
    consented(request)
    reversal = Transaction.objects.get(reverses=original)
    page = alice_client.get(LEDGER).content.decode()
    assert reverse_url(original) not in page
    assert reverse_url(reversal) not in page
    assert f"reversed by #{reversal.pk}" in page
    assert f"reverses #{original.pk}" in page
    response = alice_client.post(reverse_url(reversal))
    assert "cannot be reversed" in response.context["form"].non_field_errors()[0]


def test_another_coops_transaction_cannot_be_reversed(alice_client, personas):
    theirs = services.contribution_post(
        coop=personas.other_coop,
        payer=personas.outsider,
        amount="5",
        entered_by=personas.outsider,
    )
    assert alice_client.get(reverse_url(theirs)).status_code == 404
    assert alice_client.post(reverse_url(theirs)).status_code == 404
    assert not Transaction.objects.filter(kind="reversal").exists()


def test_settling_up_records_the_plan_and_brings_everyone_to_zero(client, personas, carol):
    everyone = {personas.alice: 1, personas.bob: 1, carol: 1}
    expense(personas, amount="45.00", split=everyone)
    expense(personas, amount="10.00", payer=personas.bob, split=everyone)
    services.contribution_post(coop=personas.coop, payer=carol, amount="6", entered_by=carol)
    client.force_login(personas.alice)
    plan = client.get(SETTLE).context["plan"]
    transfers = plan.transfers
    assert transfers
    before = balances(personas.coop)

    # Each records their own part: what they pay, or what the pool pays them.
    people = {"alice": personas.alice, "bob": personas.bob, "carol": carol}
    recorders = {(step.payer or step.payee).username for step in transfers}
    for name in sorted(recorders):
        client.force_login(people[name])
        assert b"Record that" in client.get(SETTLE).content
        response = client.post(SETTLE_RECORD, {"fingerprint": plan.fingerprint}, follow=True)
        assert response.redirect_chain[-1][0] == SETTLE
        assert b"recorded." in response.content
    assert Transaction.objects.filter(kind="transfer").count() == len(transfers)
    # Nothing moves until whoever receives each payment confirms it.
    assert balances(personas.coop) == before
    for transfer in Transaction.objects.filter(kind="transfer"):
        consented(transfer)
    assert set(balances(personas.coop).values()) == {Decimal("0.00")}
    assert selectors.books(coop=personas.coop).pool == 0
    assert b"there is nothing to settle" in client.get(SETTLE).content


def test_settling_up_waits_for_costs_to_be_allocated(alice_client, personas):
    expense(personas, amount="8.00", split=None)
    money_flow.expense_post(
        coop=personas.coop,
        payer=personas.bob,
        amount="8.00",
        category="equipment",
        entered_by=personas.bob,
    )
    page = alice_client.get(SETTLE)
    assert b"$8.00 of costs are paid but not yet allocated" in page.content
    assert b"Record these transfers" not in page.content
    response = alice_client.post(SETTLE_RECORD, follow=True)
    assert response.redirect_chain[-1][0] == SETTLE
    assert b"allocate them before settling up" in response.content
    assert not Transaction.objects.filter(kind="transfer").exists()


def test_settling_up_when_even_says_so(alice_client, personas):
    response = alice_client.post(SETTLE_RECORD, follow=True)
    assert b"nothing to settle" in response.content


def test_every_row_shows_who_entered_it_and_when(alice_client, personas):
    expense(personas, payer=personas.bob, description="jars")
    response = alice_client.get(LEDGER)
    item = Transaction.objects.get(kind="expense")
    row = re.search(
        rf'<tr id="transaction-{item.pk}">(.*?)</tr>', response.content.decode(), re.S
    ).group(1)
    assert "bob" in row
    assert f'datetime="{item.entered_at.astimezone(personas.coop.zone).isoformat()}"' in row
    assert "jars" in row


def test_the_filters_narrow_the_list(alice_client, personas, carol):
    services.contribution_post(
        coop=personas.coop, payer=carol, amount="5", entered_by=carol, occurred_on=None
    )
    old = expense(
        personas,
        category="supplies",
        occurred_on=date.today() - timedelta(days=40),
        split={personas.alice: 1},
    )
    expense(personas, category="ingredients", split={personas.bob: 1})

    def ids(**query):
        page = alice_client.get(LEDGER, query).context["page"]
        return {item.pk for item in page}

    assert len(ids()) == 5
    expenses = set(Transaction.objects.filter(kind="expense").values_list("pk", flat=True))
    assert ids(kind="expense") == expenses
    assert ids(member="carol") == set(
        Transaction.objects.filter(payer=carol).values_list("pk", flat=True)
    )
    assert ids(category="supplies") == set(
        Transaction.objects.filter(category="supplies").values_list("pk", flat=True)
    )
    recent = (date.today() - timedelta(days=7)).isoformat()
    assert old.pk not in ids(start=recent)
    assert ids(end=recent) == set(
        Transaction.objects.filter(occurred_on=old.occurred_on).values_list("pk", flat=True)
    )


def test_a_filter_that_does_not_validate_shows_why(alice_client, personas):
    expense(personas)
    response = alice_client.get(
        LEDGER, {"kind": "donation", "start": "2025-03-10", "end": "2025-03-01"}
    )
    form = response.context["filters"]
    assert set(form.errors) == {"kind", "end"}
    assert "end date comes before" in response.content.decode()


def test_with_htmx_the_filters_return_just_the_list(alice_client, personas):
    expense(personas)
    response = alice_client.get(LEDGER, {"kind": "expense"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content
    assert content.startswith('<div id="transactions">')
    assert "1 transaction" in content
    assert "HX-Request" in response["Vary"]
    restore = alice_client.get(
        LEDGER, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in restore.content.decode()


def test_the_list_is_paginated_and_the_pager_keeps_the_filters(alice_client, personas):
    for _ in range(55):
        services.contribution_post(
            coop=personas.coop, payer=personas.bob, amount="1", entered_by=personas.bob
        )
    response = alice_client.get(LEDGER, {"kind": "contribution"})
    assert len(response.context["page"].object_list) == 50
    assert b"Page 1 of 2" in response.content
    assert b'href="?kind=contribution&amp;page=2"' in response.content
    second = alice_client.get(LEDGER, {"kind": "contribution", "page": 2})
    assert len(second.context["page"].object_list) == 5


def test_the_transactions_csv_has_a_row_per_leg_and_respects_the_filters(alice_client, personas):
    expense(personas, amount="10.00", description="milk")
    services.contribution_post(
        coop=personas.coop, payer=personas.bob, amount="4", entered_by=personas.bob
    )
    response = alice_client.get(TRANSACTIONS_CSV)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="home-transactions.csv"' in response["Content-Disposition"]
    rows = csv_rows(response)
    # expense: cost + alice; allocation: alice + bob + cost; contribution: pool + bob.
    assert len(rows) == 7
    assert sum(Decimal(row["amount"]) for row in rows) == 0
    assert {row["entered_by"] for row in rows} == {"alice", "bob"}

    only = csv_rows(alice_client.get(TRANSACTIONS_CSV, {"kind": "contribution"}))
    assert [(row["account"], row["amount"]) for row in only] == [("pool", "4.00"), ("bob", "-4.00")]
    page = alice_client.get(LEDGER, {"kind": "contribution"}).content.decode()
    assert f'href="{TRANSACTIONS_CSV}?kind=contribution"' in page


def test_the_balances_csv_has_a_row_per_member(alice_client, personas):
    expense(personas, amount="10.00")
    response = alice_client.get(BALANCES_CSV)
    assert 'filename="home-balances.csv"' in response["Content-Disposition"]
    assert csv_rows(response) == [
        {
            "username": "alice",
            "status": "active",
            "balance": "5.00",
            "currency": "USD",
            "deposit": "0.00",
        },
        {
            "username": "bob",
            "status": "active",
            "balance": "-5.00",
            "currency": "USD",
            "deposit": "0.00",
        },
    ]


def test_my_statement_shows_the_running_balance(client, personas):
    services.contribution_post(
        coop=personas.coop, payer=personas.bob, amount="20", entered_by=personas.bob
    )
    expense(personas, amount="10.00")  # bob carries 5.00
    consented(
        services.transfer_post(
            coop=personas.coop,
            payer=personas.bob,
            payee=personas.alice,
            amount="1.25",
            entered_by=personas.bob,
        )
    )
    client.force_login(personas.bob)
    response = client.get(STATEMENT)
    lines = response.context["lines"]
    assert [line.leg.transaction.kind for line in lines] == [
        "transfer",
        "cost_allocation",
        "contribution",
    ]
    assert [line.change for line in lines] == [
        Decimal("1.25"),
        Decimal("-5.00"),
        Decimal("20.00"),
    ]
    assert [line.balance for line in lines] == [
        Decimal("16.25"),
        Decimal("15.00"),
        Decimal("20.00"),
    ]
    assert response.context["balance"] == Decimal("16.25")
    assert b"Your balance is $16.25: the co-op owes you this." in response.content


def test_a_statement_is_paginated(client, personas):
    for _ in range(52):
        services.contribution_post(
            coop=personas.coop, payer=personas.bob, amount="1", entered_by=personas.bob
        )
    client.force_login(personas.bob)
    assert len(client.get(STATEMENT).context["lines"]) == 50
    last = client.get(STATEMENT, {"page": 2}).context["lines"]
    assert [line.balance for line in last] == [Decimal("2.00"), Decimal("1.00")]


@pytest.mark.parametrize(
    "path",
    [LEDGER, EXPENSE, PAY_IN, STATEMENT, SETTLE, TRANSACTIONS_CSV, BALANCES_CSV],
)
def test_an_outsider_gets_a_404(client, personas, path):
    expense(personas)
    client.force_login(personas.outsider)
    assert client.get(path).status_code == 404
    assert client.post(path).status_code in (404, 405)


def test_an_outsider_cannot_record_in_another_coop(client, personas):
    client.force_login(personas.outsider)
    assert client.post(EXPENSE, expense_form(split=["alice"])).status_code == 404
    assert client.post(PAY_IN, {"amount": "5"}).status_code == 404
    assert client.post(SETTLE_RECORD).status_code == 404
    assert not Transaction.objects.exists()


def test_settle_record_takes_only_post(alice_client):
    assert alice_client.get(SETTLE_RECORD).status_code == 405


def populate(personas, size: int) -> None:
    """Every state an entry can be in, growing with ``size``: posted, confirmed, waiting for
    Alice, waiting for others, declined; and a request to reverse."""
    people = [MembershipFactory(coop=personas.coop).user for _ in range(size)]
    everyone = dict.fromkeys([personas.alice, *people], 1)
    for index, person in enumerate(people):
        money_flow.expense_post(
            coop=personas.coop,
            payer=person,
            amount="9.00",
            category="supplies",
            entered_by=person,
            split=everyone,
        )
        contribution = services.contribution_post(
            coop=personas.coop, payer=person, amount="2", entered_by=personas.alice
        )
        if index % 3 == 2:
            consent.entry_decline(
                coop=personas.coop, transaction_id=contribution.pk, member=person, reason="no"
            )
        else:
            consented(contribution)
        transfer = services.transfer_post(
            coop=personas.coop,
            payer=person,
            payee=personas.alice,
            amount="1",
            entered_by=person,
        )
        if index % 2:
            consented(transfer)  # the others wait for Alice
    first = Transaction.objects.filter(coop=personas.coop, kind="contribution").first()
    corrections.transaction_reverse(original=first, entered_by=personas.alice)


@pytest.mark.parametrize("size", [3, 30])
@pytest.mark.parametrize(
    ("path", "queries"),
    # Consent added, whatever the size: every list of entries prefetches their asks (+1);
    # the ledger lists what waits for Alice (+3: the entries, legs, asks) and for others (+2);
    # the statement what would move her balance (+3: entries, asks, her held legs; +1 for the
    # asks of an expense a held cost allocation waits with); the settle-up page the payments
    # waiting (+2). The ledger also reads the member's deposit (+1; #14). The pages (not the
    # CSV files) list the member's co-ops in the header's switcher (+1; #15).
    [
        (LEDGER, 16),
        (f"{LEDGER}?member=alice&kind=cost_allocation", 17),
        (STATEMENT, 11),  # whether the reader has left (a former member reads it too)
        (SETTLE, 8),  # the spreads the batches ahead will carry: one query
        (EXPENSE, 5),
        (TRANSACTIONS_CSV, 7),
        (f"{TRANSACTIONS_CSV}?member=alice", 8),
        (BALANCES_CSV, 4),
    ],
)
def test_the_ledger_pages_take_a_fixed_number_of_queries(
    client, personas, size, path, queries, django_assert_max_num_queries
):
    populate(personas, size)
    client.force_login(personas.alice)
    with django_assert_max_num_queries(queries):
        assert client.get(path).status_code == 200


def test_an_expense_above_the_limit_draws_on_a_passed_spending_proposal(
    alice_client, personas, carol
):
    from fourfold.workflows import decisions as decisions_flow

    personas.coop.spending_limit = Decimal("100")
    personas.coop.save()
    fridge = decisions_flow.proposal_open(
        coop=personas.coop, by=personas.bob, kind="spending", title="A second fridge", amount="300"
    )
    for member in (personas.alice, personas.bob, carol):
        decisions_flow.vote_cast(proposal=fridge, member=member, position="agree")
    fridge.refresh_from_db()
    assert fridge.status == "passed"
    page = alice_client.get(EXPENSE).content.decode()
    assert "Above $100.00 the members decide together" in page
    assert "“A second fridge”, $300.00 left" in page

    refused = alice_client.post(EXPENSE, expense_form(amount="250"))
    [error] = refused.context["form"].non_field_errors()
    assert "$250.00 is above the spending limit of $100.00" in error
    assert not Transaction.objects.exists()

    drawn = alice_client.post(EXPENSE, expense_form(amount="250", proposal=str(fridge.pk)))
    assert drawn.status_code == 302
    assert Transaction.objects.get(kind="expense").approval == fridge
    assert "“A second fridge”, $50.00 left" in alice_client.get(EXPENSE).content.decode()


def test_without_a_spending_limit_the_expense_form_asks_for_no_approval(alice_client):
    assert "Spending approval" not in alice_client.get(EXPENSE).content.decode()


def test_an_expense_spread_over_the_next_batches_says_so_and_charges_nobody_yet(
    alice_client, personas
):
    page = alice_client.post(
        EXPENSE, expense_form(amount="240.00", split=["alice", "bob"], spread="12"), follow=True
    )
    assert "spread over the next 12 batches" in page.content.decode()
    stand = Transaction.objects.get(kind="expense")
    assert (stand.spread.over, stand.spread.count) == ("batches", 12)
    assert not stand.allocations.exists()
    assert selectors.books(coop=personas.coop).unallocated == Decimal("240.00")


def test_an_expense_another_member_paid_says_it_waits_for_them(alice_client, personas):
    page = alice_client.post(
        EXPENSE, expense_form(amount="2.00", payer="bob", split=["alice"]), follow=True
    )
    assert "It waits for bob to confirm it" in page.content.decode()


def test_a_spread_expenses_page_shows_its_schedule(alice_client, personas):
    alice_client.post(EXPENSE, expense_form(amount="240.00", split=["alice"], spread="12"))
    stand = Transaction.objects.get(kind="expense")
    page = alice_client.get(f"/c/home/ledger/transactions/{stand.pk}/").content.decode()
    assert "Spread over 12 batches: 0 carried so far, $0.00 charged, $240.00 still to come." in page


# --- The balances as a picture ------------------------------------------------------------


def balances_svg(page: str) -> str:
    match = re.search(r'<svg[^>]*id="balances-chart".*?</svg>', page, re.S)
    assert match, "no balances chart"
    return match.group(0)


def test_the_ledger_draws_the_balances_beside_their_table(alice_client, personas):
    expense(personas, amount="10.00")
    page = alice_client.get(LEDGER).content.decode()
    svg = balances_svg(page)
    assert 'role="img"' in svg
    assert 'aria-describedby="balances-chart-desc"' in svg
    assert re.search(r'class="chart-bar-owed"[^>]*data-member="alice" data-value="5.00"', svg)
    assert re.search(r'class="chart-bar-owing"[^>]*data-member="bob" data-value="-5.00"', svg)
    assert "the table below has every balance in figures" in page
    assert page.index("balances-chart") < page.index("2 members' balances")


def test_a_ledger_of_many_members_draws_twelve_owing_and_says_how_many_more(alice_client, personas):
    people = [MembershipFactory(coop=personas.coop).user for _ in range(13)]
    expense(
        personas, amount="28.00", split=dict.fromkeys([personas.alice, personas.bob, *people], 1)
    )
    page = alice_client.get(LEDGER).content.decode()
    svg = balances_svg(page)
    assert svg.count('class="chart-bar-owing"') == 12
    assert svg.count('class="chart-bar-owed"') == 1
    assert "2 more members owe" in svg
    assert "2 more members owe: the table has everyone." in page


def test_a_ledger_with_no_money_yet_draws_no_balances(alice_client, personas):
    assert "balances-chart" not in alice_client.get(LEDGER).content.decode()
