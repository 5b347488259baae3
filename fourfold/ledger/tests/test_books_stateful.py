"""Random sequences of postings: the books balance after every step, and reversals undo exactly."""

from decimal import Decimal

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from fourfold.errors import Conflict
from fourfold.ledger import consent, corrections, costs, selectors, services
from fourfold.ledger.models import Account, Leg, Transaction
from fourfold.testing import CoopFactory, MembershipFactory, consented
from fourfold.workflows import money as money_flow

amounts = st.integers(min_value=1, max_value=500_00).map(lambda cents: Decimal(cents) / 100)
categories = st.sampled_from(["ingredients", "supplies", "equipment", "space", "other"])


class Books(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.coop = CoopFactory()
        self.members = [MembershipFactory(coop=self.coop).user for _ in range(4)]
        self.live: list[Transaction] = []

    def snapshot(self):
        state = selectors.books(coop=self.coop)
        return ({row.user.pk: row.balance for row in state.balances}, state.pool, state.unallocated)

    @rule(payer=st.integers(0, 3), amount=amounts)
    def contribute(self, payer, amount):
        self.live.append(
            services.contribution_post(
                coop=self.coop,
                payer=self.members[payer],
                amount=amount,
                entered_by=self.members[payer],
            )
        )

    @rule(
        payer=st.one_of(st.none(), st.integers(0, 3)),
        amount=amounts,
        category=categories,
        sharers=st.one_of(st.none(), st.sets(st.integers(0, 3), min_size=1)),
        weights=st.lists(st.integers(1, 5), min_size=4, max_size=4),
    )
    def spend(self, payer, amount, category, sharers, weights):
        split = None if sharers is None else {self.members[i]: weights[i] for i in sharers}

        def post():
            return money_flow.expense_post(
                coop=self.coop,
                payer=None if payer is None else self.members[payer],
                amount=amount,
                category=category,
                split=split,
                entered_by=self.members[0],
            )

        if payer is None and selectors.books(coop=self.coop).pool < amount:
            before = self.snapshot()
            with pytest.raises(Conflict):
                post()
            assert self.snapshot() == before
            return
        self.live.append(consented(post()))

    @rule(payer=st.integers(0, 3), payee=st.integers(0, 3), amount=amounts)
    def transfer(self, payer, payee, amount):
        if payer == payee:
            return
        self.live.append(
            consented(
                services.transfer_post(
                    coop=self.coop,
                    payer=self.members[payer],
                    payee=self.members[payee],
                    amount=amount,
                    entered_by=self.members[payer],
                )
            )
        )

    @rule(payer=st.integers(0, 3), payee=st.integers(0, 3), amount=amounts)
    def a_transfer_declined_moves_nothing(self, payer, payee, amount):
        if payer == payee:
            return
        before = self.snapshot()
        entry = services.transfer_post(
            coop=self.coop,
            payer=self.members[payer],
            payee=self.members[payee],
            amount=amount,
            entered_by=self.members[payer],
        )
        assert self.snapshot() == before
        consent.entry_decline(
            coop=self.coop, transaction_id=entry.pk, member=self.members[payee], reason="no"
        )
        assert self.snapshot() == before

    def reverse(self, original: Transaction) -> None:
        """Reverse as a third member: a request that those it names confirm (withdrawn when
        confirming it is refused, so that it can be asked again)."""
        result = corrections.transaction_reverse(original=original, entered_by=self.members[2])
        if result.kind == Transaction.Kind.REVERSAL_REQUEST:
            try:
                consented(result)
            except Conflict:
                consent.entry_decline(
                    coop=self.coop, transaction_id=result.pk, member=self.members[2]
                )
                raise

    @rule(
        amount=amounts,
        category=categories,
        weights=st.lists(st.integers(0, 5), min_size=4, max_size=4),
    )
    def allocate(self, amount, category, weights):
        if not any(weights):
            return
        self.live.append(
            costs.cost_allocate(
                coop=self.coop,
                amount=amount,
                category=category,
                weights={m: w for m, w in zip(self.members, weights, strict=True) if w},
                entered_by=self.members[1],
            )
        )

    @precondition(lambda self: self.live)
    @rule(pick=st.integers(min_value=0))
    def reverse_restores_balances(self, pick):
        original = self.live.pop(pick % len(self.live))
        if original.kind == Transaction.Kind.COST_ALLOCATION and original.allocates_id:
            return
        if Transaction.objects.filter(reverses=original).exists():
            return
        before = self.snapshot()
        effect = {leg.account_id: leg.amount_minor for leg in original.legs.all()}
        for allocation in original.allocations.filter(reversed_by__isnull=True):
            for leg in allocation.legs.all():
                effect[leg.account_id] = effect.get(leg.account_id, 0) + leg.amount_minor
        pool = Account.objects.filter(coop=self.coop, kind=Account.Kind.POOL).first()
        into_pool = sum(
            minor for account_id, minor in effect.items() if pool and account_id == pool.pk
        )
        if into_pool > 0 and pool.total_minor < into_pool:
            # Undoing a payment into the pool that has been spent since: refused, nothing moves.
            with pytest.raises(Conflict):
                self.reverse(original)
            assert self.snapshot() == before
            self.live.append(original)
            return
        self.reverse(original)
        after = self.snapshot()
        # Undoing the transaction moves every balance back by exactly its effect.
        accounts = {a.pk: a for a in Account.objects.filter(coop=self.coop)}
        for account_id, minor in effect.items():
            account = accounts[account_id]
            if account.kind == Account.Kind.MEMBER:
                delta = after[0][account.user_id] - before[0][account.user_id]
                assert delta == Decimal(minor) / 100
        self.live = [t for t in self.live if not Transaction.objects.filter(reverses=t).exists()]

    @invariant()
    def every_transaction_sums_to_zero(self):
        unbalanced = (
            Leg.objects.filter(transaction__coop=self.coop)
            .values("transaction")
            .annotate(total=Sum("amount_minor"))
            .exclude(total=0)
        )
        assert not unbalanced.exists()

    @invariant()
    def the_books_balance(self):
        state = selectors.books(coop=self.coop)
        assert state.balanced and state.members_total == state.pool + state.unallocated

    @invariant()
    def running_totals_match_the_legs(self):
        for account in Account.objects.filter(coop=self.coop):
            legs = account.legs.aggregate(total=Sum("amount_minor"))["total"] or 0
            assert account.total_minor == legs


Books.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@pytest.mark.django_db
def test_the_books_always_balance():
    Books.TestCase().runTest()
