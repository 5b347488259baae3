"""The ledger read back from an export: entries with their legs, what waited for consent and
how it ended, and the receipts with their bytes."""

from __future__ import annotations

import base64
import binascii
import secrets
from collections import defaultdict
from datetime import date
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from fourfold.accounts.models import User
from fourfold.coops.models import Cooperative
from fourfold.errors import Invalid, PrincipleViolation
from fourfold.governance.models import Proposal
from fourfold.ledger.models import (
    Account,
    ConsentAnswer,
    ConsentAsk,
    EntryOutcome,
    Leg,
    PendingLeg,
    Receipt,
    Spread,
    SpreadEnd,
    Transaction,
)
from fourfold.ledger.principles import entry_principles_check
from fourfold.ledger.receipts import EXTENSIONS, MAX_RECEIPT_BYTES
from fourfold.lib import photos
from fourfold.lib.money import from_minor
from fourfold.portability.format import (
    ANSWER_FIELDS,
    ASK_FIELDS,
    OUTCOME_FIELDS,
    RECEIPT_FIELDS,
    TRANSACTION_FIELDS,
)
from fourfold.portability.reading import (
    account_fields,
    as_list,
    as_object,
    as_text,
    money_minor,
    refused,
    row_load,
)
from fourfold.production.models import Batch

LegRow = tuple[str, int]


def _legs(raw: Any, accounts: dict[str, Account], currency: str, where: str) -> list[LegRow]:
    rows: list[LegRow] = []
    for index, leg in enumerate(as_list(raw, where)):
        leg_where = f"{where}[{index}]"
        leg = as_object(leg, leg_where)
        key = as_text(leg.get("account"), f"{leg_where}.account")
        if key not in accounts:
            raise refused(f"{leg_where}.account", _("not among ledger.accounts"))
        rows.append((key, money_minor(leg.get("amount"), currency, f"{leg_where}.amount")))
    return rows


def _shares(
    raw: Any, posted: Transaction, people: dict[str, User], currency: str, where: str
) -> list[list[int]] | None:
    """What each member carries of a cost charged within a batch's charge: only such a cost
    has them, and they add up to its amount."""
    if raw is None:
        if posted.batch_charge is not None:
            raise refused(where, _("a cost charged within a batch's charge says who carries it"))
        return None
    if posted.batch_charge is None or posted.kind != Transaction.Kind.COST_ALLOCATION:
        raise refused(where, _("only a cost charged within a batch's charge has shares"))
    shares: list[list[int]] = []
    for index, share in enumerate(as_list(raw, where)):
        share_where = f"{where}[{index}]"
        share = as_object(share, share_where)
        name = as_text(share.get("member"), f"{share_where}.member")
        if name not in people:
            raise refused(f"{share_where}.member", _("names nobody in this file"))
        shares.append(
            [people[name].pk, money_minor(share.get("amount"), currency, f"{share_where}.amount")]
        )
    if sum(minor for _user, minor in shares) != posted.amount_minor:
        raise refused(where, _("the shares must add up to the amount"))
    return shares


def _balanced(legs: list[LegRow], amount: int) -> bool:
    return sum(m for _k, m in legs) == 0 and sum(max(m, 0) for _k, m in legs) == amount


def _refs(raw: dict, postings: dict[int, Transaction], where: str) -> dict[str, Transaction | None]:
    refs: dict[str, Transaction | None] = {}
    for name in ("reverses", "allocates", "reversal_of", "batch_charge"):
        ref = raw.get(name)
        if ref is not None and ref not in postings:
            raise refused(f"{where}.{name}", _("names no earlier transaction"))
        refs[name] = None if ref is None else postings[ref]
    return refs


class _Consent:
    """The asks, answers and outcome of the entries that waited, checked as they are read
    and written once every entry has its id."""

    def __init__(self, people: dict[str, User]) -> None:
        self.people = people
        self.held: list[tuple[Transaction, str, int]] = []
        self.asks: list[tuple[ConsentAsk, dict | None, str]] = []
        self.outcomes: list[tuple[Transaction, dict, str]] = []

    def read(self, entry: Transaction, raw: dict, held: list[LegRow], posted: bool, where: str):
        asks = as_list(raw.get("asks", []), f"{where}.asks")
        outcome = raw.get("outcome")
        if not entry.awaits_consent:
            if held or asks or outcome is not None:
                raise refused(
                    where, _("only an entry waiting for consent holds legs, asks or an outcome")
                )
            return
        answers = []
        for index, ask_raw in enumerate(asks):
            ask_where = f"{where}.asks[{index}]"
            ask_raw = as_object(ask_raw, ask_where)
            ask = ConsentAsk(
                transaction=entry,
                **row_load(ConsentAsk, ask_raw, ASK_FIELDS, self.people, ask_where),
            )
            answer = ask_raw.get("answer")
            if answer is not None:
                answer = row_load(
                    ConsentAnswer, answer, ANSWER_FIELDS, self.people, f"{ask_where}.answer"
                )
                by = answer["member"]
                # A member answers for themselves; the pool's second member is anyone else.
                if by != ask.member if ask.member is not None else by == entry.entered_by:
                    raise refused(
                        f"{ask_where}.answer.member",
                        _("not the member asked, or the one who entered the entry"),
                    )
                answers.append(answer["answer"])
            self.asks.append((ask, answer, ask_where))
        if outcome is not None:
            outcome = as_object(outcome, f"{where}.outcome")
            kind = row_load(EntryOutcome, outcome, OUTCOME_FIELDS, self.people, f"{where}.outcome")
            self.outcomes.append((entry, outcome, f"{where}.outcome"))
            ended = kind["outcome"]
        else:
            ended = None
        confirmed_by_all = all(a == ConsentAnswer.Answer.CONFIRMED for a in answers) and len(
            answers
        ) == len(asks)
        if (ended == EntryOutcome.Outcome.POSTED) != posted or (
            ended == EntryOutcome.Outcome.POSTED and asks and not confirmed_by_all
        ):
            raise refused(where, _("only an entry everyone asked confirmed moved its legs"))
        if ConsentAnswer.Answer.DECLINED in answers and ended != EntryOutcome.Outcome.DECLINED:
            raise refused(where, _("an entry someone declined is declined"))
        self.held += [(entry, key, minor) for key, minor in held]

    def write(self, postings: dict[int, Transaction], accounts: dict[str, Account]) -> None:
        PendingLeg.objects.bulk_create(
            (
                PendingLeg(transaction=entry, account=accounts[key], amount_minor=minor)
                for entry, key, minor in self.held
            ),
            batch_size=1000,
        )
        ConsentAsk.objects.bulk_create(ask for ask, _answer, _where in self.asks)
        ConsentAnswer.objects.bulk_create(
            ConsentAnswer(ask=ask, **answer)
            for ask, answer, _where in self.asks
            if answer is not None
        )
        outcomes = []
        for entry, raw, where in self.outcomes:
            number = raw.get("posted")
            reversal = postings.get(number) if number is not None else None
            if number is not None and (
                reversal is None
                or entry.kind != Transaction.Kind.REVERSAL_REQUEST
                or reversal.reverses_id != entry.reversal_of_id
            ):
                raise refused(f"{where}.posted", _("names no reversal of what it asked to reverse"))
            outcomes.append(
                EntryOutcome(
                    transaction=entry,
                    posted=reversal,
                    **row_load(EntryOutcome, raw, OUTCOME_FIELDS, self.people, where),
                )
            )
        EntryOutcome.objects.bulk_create(outcomes)


def ledger_restore(
    coop: Cooperative,
    ledger: dict,
    people: dict[str, User],
    batches: dict[str, Batch],
    proposals: dict[int, Proposal],
) -> dict[int, Transaction]:
    """Transactions and legs as they were posted, and what waited for consent as it stands;
    each account's running total is the sum of its legs (a held leg moves none), checked
    against the total the document states. Returns the entries by their document number."""
    currency = coop.currency
    accounts: dict[str, Account] = {}
    stated: dict[str, int] = {}
    for index, raw in enumerate(as_list(ledger.get("accounts"), "ledger.accounts")):
        where = f"ledger.accounts[{index}]"
        raw = as_object(raw, where)
        key = as_text(raw.get("account"), f"{where}.account")
        accounts[key] = Account(coop=coop, **account_fields(key, people, f"{where}.account"))
        stated[key] = money_minor(raw.get("total"), currency, f"{where}.total")

    postings: dict[int, Transaction] = {}
    legs: list[tuple[Transaction, str, int]] = []
    spreads: list[tuple[Transaction, str, int, SpreadEnd | None]] = []
    pending: list[Transaction] = []
    consent = _Consent(people)

    def flush() -> None:
        # A reversal or an allocation points at an earlier transaction: it must have its id.
        Transaction.objects.bulk_create(pending)
        pending.clear()

    for index, raw in enumerate(as_list(ledger.get("transactions"), "ledger.transactions")):
        where = f"ledger.transactions[{index}]"
        # Written before declarations (version 1): none was made.
        raw = {"declared": "", "declaration": "", **as_object(raw, where)}
        number = raw.get("id")
        if type(number) is not int or number in postings:
            raise refused(f"{where}.id", _("expected a whole number not used before"))
        refs = _refs(raw, postings, where)
        if any(ref in pending for ref in refs.values() if ref is not None):
            flush()
        approval = raw.get("approval")
        if approval is not None and approval not in proposals:
            raise refused(f"{where}.approval", _("names no proposal of this file"))
        day = raw.get("batch")
        if day is not None and day not in batches:
            raise refused(f"{where}.batch", _("names no batch of this file"))
        amount = money_minor(raw.get("amount"), currency, f"{where}.amount")
        posted = Transaction(
            coop=coop,
            amount_minor=amount,
            batch=batches.get(day) if day is not None else None,
            approval=proposals.get(approval) if approval is not None else None,
            **refs,
            **row_load(Transaction, raw, TRANSACTION_FIELDS, people, where),
        )
        try:
            entry_principles_check(
                coop=coop,
                kind=posted.kind,
                payer=posted.payer,
                payee=posted.payee,
                category=posted.category,
                supplier=posted.supplier,
                description=posted.description,
                declared=posted.declared,
            )
        except (Invalid, PrincipleViolation) as error:
            raise refused(where, error.detail) from error
        posted.shares = _shares(raw.get("shares"), posted, people, currency, f"{where}.shares")
        moved = _legs(raw.get("legs"), accounts, currency, f"{where}.legs")
        held = _legs(raw.get("held_legs", []), accounts, currency, f"{where}.held_legs")
        request = posted.kind == Transaction.Kind.REVERSAL_REQUEST
        if request != (posted.reversal_of is not None) or (
            request and (moved or held or not posted.awaits_consent)
        ):
            raise refused(
                where,
                _("a request to reverse names what it reverses, waits, and moves nothing itself"),
            )
        if not request:
            if not _balanced(held if posted.awaits_consent else moved, amount):
                raise refused(where, _("its legs must sum to zero, and their debits to its amount"))
            if posted.awaits_consent and moved and sorted(moved) != sorted(held):
                raise refused(where, _("the legs it moved are not the legs it held"))
        consent.read(posted, raw, held, bool(moved) or (request and _posted(raw)), where)
        legs += [(posted, key, minor) for key, minor in moved]
        spread = _spread(raw.get("spread"), posted, proposals, f"{where}.spread")
        if spread is not None:
            spreads.append((posted, *spread))
        postings[number] = posted
        pending.append(posted)
    flush()

    totals: dict[str, int] = defaultdict(int)
    for _posted_entry, key, minor in legs:
        totals[key] += minor
    for key, account in accounts.items():
        if totals[key] != stated[key]:
            raise refused(
                "ledger.accounts",
                _("the total of %(key)s is %(stated)s, and its legs sum to %(sum)s")
                % {
                    "key": key,
                    "stated": from_minor(stated[key], currency),
                    "sum": from_minor(totals[key], currency),
                },
            )
        account.total_minor = totals[key]
    # Legs are only ever inserted (never updated), so the append-only guard has no objection;
    # the running totals are written with the accounts, from the same legs.
    Account.objects.bulk_create(accounts.values())
    Leg.objects.bulk_create(
        (
            Leg(transaction=posted, account=accounts[key], amount_minor=minor)
            for posted, key, minor in legs
        ),
        batch_size=1000,
    )
    consent.write(postings, accounts)
    restored = Spread.objects.bulk_create(
        Spread(expense=posted, over=over, count=count) for posted, over, count, _end in spreads
    )
    endings = []
    for row, (_posted_entry, _over, _count, ending) in zip(restored, spreads, strict=True):
        if ending is not None:
            ending.spread = row
            endings.append(ending)
    SpreadEnd.objects.bulk_create(endings)
    return postings


def _spread(
    raw: object, posted: Transaction, proposals: dict[int, Proposal], where: str
) -> tuple[str, int, SpreadEnd | None] | None:
    """An expense charged a part per batch or month (absent before spreads existed), and how
    the members ended it early (absent before endings existed)."""
    if raw is None:
        return None
    spread = as_object(raw, where)
    over, count = spread.get("over"), spread.get("count")
    if posted.kind != Transaction.Kind.EXPENSE:
        raise refused(where, _("only an expense is spread"))
    if over not in Spread.Over.values:
        raise refused(f"{where}.over", _("expected batches or months"))
    if type(count) is not int or not Spread.MIN_COUNT <= count <= Spread.MAX_COUNT:
        raise refused(
            f"{where}.count",
            _("expected a whole number from %(least)d to %(most)d")
            % {"least": Spread.MIN_COUNT, "most": Spread.MAX_COUNT},
        )
    return over, count, _spread_end(spread.get("ending"), proposals, f"{where}.ending")


def _spread_end(raw: object, proposals: dict[int, Proposal], where: str) -> SpreadEnd | None:
    if raw is None:
        return None
    ending = as_object(raw, where)
    rest, number = ending.get("rest"), ending.get("proposal")
    if rest not in SpreadEnd.Rest.values:
        raise refused(f"{where}.rest", _("expected next_batch or write_off"))
    try:
        ended_on = date.fromisoformat(str(ending.get("ended_on")))
    except ValueError as error:
        raise refused(f"{where}.ended_on", _("expected a date")) from error
    if number is not None and (type(number) is not int or number not in proposals):
        raise refused(f"{where}.proposal", _("names no proposal of this file"))
    proposal = proposals.get(number) if number is not None else None
    return SpreadEnd(
        rest=rest, ended_on=ended_on, proposal_id=proposal.pk if proposal is not None else None
    )


def _posted(raw: dict) -> bool:
    # A confirmed request to reverse moved nothing itself: its reversal did.
    outcome = raw.get("outcome")
    return isinstance(outcome, dict) and outcome.get("outcome") == EntryOutcome.Outcome.POSTED


def receipts_restore(
    coop: Cooperative,
    rows: list,
    people: dict[str, User],
    postings: dict[int, Transaction],
    saved: list[str],
) -> dict[int, Receipt]:
    """Each receipt of the document, its bytes put in storage under a new random name (added
    to ``saved``, so a refused import can take them away again); its type is read from its
    bytes, as when it was attached. Returns them by their document number."""
    receipts: dict[int, Receipt] = {}
    for index, raw in enumerate(rows):
        where = f"receipts[{index}]"
        raw = as_object(raw, where)
        number = raw.get("id")
        if type(number) is not int or number in receipts:
            raise refused(f"{where}.id", _("expected a whole number not used before"))
        expense = postings.get(raw.get("transaction"))  # type: ignore[arg-type]
        if expense is None or expense.kind != Transaction.Kind.EXPENSE:
            raise refused(f"{where}.transaction", _("names no expense of this file"))
        values = row_load(Receipt, raw, RECEIPT_FIELDS, people, where)
        content_type = values["content_type"]
        if content_type not in EXTENSIONS:
            raise refused(f"{where}.content_type", _("not a type a receipt may have"))
        stored = f"{coop.pk}/{secrets.token_hex(16)}{EXTENSIONS[content_type]}"
        content = raw.get("content")
        if content is not None:
            data = _receipt_bytes(content, f"{where}.content")
            if len(data) != values["size"]:
                raise refused(f"{where}.size", _("not the size of its content"))
            if photos.content_type_sniff(data[:16]) != content_type:
                raise refused(
                    f"{where}.content", _("its bytes are not a %(type)s") % {"type": content_type}
                )
            stored = default_storage.save(stored, ContentFile(data))
            saved.append(stored)
        receipts[number] = Receipt(coop=coop, transaction=expense, file=stored, **values)
    Receipt.objects.bulk_create(receipts.values())
    return receipts


def _receipt_bytes(content: Any, where: str) -> bytes:
    text = as_text(content, where)
    # Refused before decoding: base64 takes four characters for every three bytes.
    if len(text) > (MAX_RECEIPT_BYTES + 2) // 3 * 4:
        raise refused(where, _("larger than a receipt may be"))
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as error:
        raise refused(where, _("not base64")) from error
