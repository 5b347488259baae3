"""The co-op's ledger: the books, balances, transactions, a member's statement, settling up."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from fourfold.coops import selectors as coop_selectors
from fourfold.coops.models import Cooperative
from fourfold.errors import FourfoldError, NotFound
from fourfold.governance.selectors import approvals_open
from fourfold.ledger import consent, corrections, deposits, selectors, statements
from fourfold.ledger.models import Transaction
from fourfold.ledger.posting import Ask
from fourfold.lib.money import from_minor, plain
from fourfold.web.forms.common import add_domain_error
from fourfold.web.forms.ledger import (
    ContributionForm,
    DeclineForm,
    DepositForm,
    ExpenseForm,
    ReverseForm,
    TransactionFilterForm,
    entry_error,
)
from fourfold.web.presenters.ledger import (
    balances_picture,
    names,
    pending_lines,
    rows,
    settle_part,
    settle_pending,
    statement_lines,
    waiting_rows,
)
from fourfold.web.requests import MemberRequest
from fourfold.web.templatetags.fourfold import money
from fourfold.web.views.common import coop_for_page, coop_for_settling_page, first_error
from fourfold.workflows import money as money_flow

TRANSACTIONS_PER_PAGE = 50
STATEMENT_LINES_PER_PAGE = 50


def _posted(request: MemberRequest) -> QueryDict | None:
    # Not ``request.POST or None``: a form whose fields are all optional may post nothing.
    return request.POST if request.method == "POST" else None


def _filter_form(request: MemberRequest, coop: Cooperative) -> TransactionFilterForm:
    # Former members stay in the list: their old transactions are still worth finding.
    members = coop_selectors.coop_members(coop=coop, include_left=True)
    return TransactionFilterForm(
        request.GET or None, members=[row.user.username for row in members], coop=coop
    )


def _filtered(coop: Cooperative, form: TransactionFilterForm) -> QuerySet[Transaction]:
    """The transactions the filters ask for; a filter that does not validate is left out
    (the form shows why)."""
    form.is_valid()
    values = getattr(form, "cleaned_data", {})
    member = None
    if values.get("member"):
        member = coop_selectors.member_by_username(coop=coop, username=values["member"])
        if member is None:
            return statements.transactions(coop=coop).none()
    return statements.transactions(
        coop=coop,
        member=member,
        kind=values.get("kind") or None,
        category=values.get("category") or None,
        start=values.get("start"),
        end=values.get("end"),
    ).select_related("outcome__by")  # a declined row names who declined it


@login_required
def ledger(request: MemberRequest, slug: str) -> HttpResponse:
    coop = coop_for_page(request, slug)
    filters = _filter_form(request, coop)
    page = Paginator(_filtered(coop, filters), TRANSACTIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "coop": coop,
        "section": "ledger",
        "filters": filters,
        "page": page,
        "rows": rows(page, request.user),
    }
    if request.htmx and not request.htmx.history_restore_request:
        # The filter form and the pager swap just the list in.
        response = render(request, "web/_ledger_transactions.html", context)
    else:
        books = selectors.books(coop=coop)
        waiting_mine, waiting_theirs = waiting_rows(coop, request.user)
        deposit = deposits.deposit_of(coop=coop, member=request.user)
        context |= {
            "books": books,
            "balances_picture": balances_picture(coop, books, request.user),
            "balanced": books.balanced,
            "deposit": deposit,
            "deposit_form": DepositForm(
                initial={"amount": plain(deposit.due, coop.currency)}, currency=coop.currency
            ),
            "arrears": selectors.arrears(coop=coop),
            "waiting_mine": waiting_mine,
            "waiting_theirs": waiting_theirs,
        }
        response = render(request, "web/ledger.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def expense_record(request: MemberRequest, slug: str) -> HttpResponse:
    coop = coop_for_page(request, slug)
    limit = coop.spending_limit
    form = ExpenseForm(
        _posted(request),
        coop=coop,
        me=request.user.username,
        members=[member.username for member in coop_selectors.active_members(coop=coop)],
        currency=coop.currency,
        limit=None if limit is None else money(limit, coop.currency),
        approvals=[
            (proposal.title, proposal.pk, money(left, coop.currency))
            for proposal, left in ([] if limit is None else approvals_open(coop=coop))
        ],
    )
    if request.method == "POST" and form.is_valid():
        try:
            expense = money_flow.entry_record(
                coop=coop,
                entered_by=request.user,
                kind=Transaction.Kind.EXPENSE,
                **form.cleaned_data,
            )
        except FourfoldError as error:
            entry_error(form, error)
        else:
            amount = money(from_minor(expense.amount_minor, coop.currency), coop.currency)
            spread = form.cleaned_data["spread"]
            if expense.awaits_consent:
                done = _(
                    "The expense of %(amount)s is recorded. It waits for %(who)s to confirm it "
                    "and moves no money until then."
                ) % {
                    "amount": amount,
                    "who": names(
                        statements.entry_status(
                            statements.transactions(coop=coop).get(pk=expense.pk)
                        ).awaiting
                    ),
                }
            elif spread:
                done = ngettext(
                    "The expense of %(amount)s is recorded, spread over the next %(n)d batch.",
                    "The expense of %(amount)s is recorded, spread over the next %(n)d batches.",
                    spread["batches"],
                ) % {"amount": amount, "n": spread["batches"]}
            else:
                shared = len(form.cleaned_data["split"] or [])
                done = ngettext(
                    "The expense of %(amount)s is recorded, charged to %(n)d member.",
                    "The expense of %(amount)s is recorded, shared among %(n)d members.",
                    shared,
                ) % {"amount": amount, "n": shared}
            messages.success(request, done)
            return redirect("web:ledger", slug=coop.slug)
    return render(
        request, "web/ledger_expense.html", {"coop": coop, "form": form, "section": "ledger"}
    )


@login_required
def contribution_record(request: MemberRequest, slug: str) -> HttpResponse:
    coop = coop_for_page(request, slug)
    form = ContributionForm(_posted(request), currency=coop.currency)
    if request.method == "POST" and form.is_valid():
        try:
            contribution = money_flow.entry_record(
                coop=coop,
                entered_by=request.user,
                kind=Transaction.Kind.CONTRIBUTION,
                **form.entry(),
            )
        except FourfoldError as error:
            entry_error(form, error)
        else:
            messages.success(
                request,
                _("Your payment of %(amount)s into the pool is recorded.")
                % {
                    "amount": money(
                        from_minor(contribution.amount_minor, coop.currency), coop.currency
                    )
                },
            )
            return redirect("web:ledger", slug=coop.slug)
    return render(
        request, "web/ledger_pay_in.html", {"coop": coop, "form": form, "section": "ledger"}
    )


@login_required
@require_POST
def deposit_pay(request: MemberRequest, slug: str) -> HttpResponse:
    """The member pays their own buy-in deposit from the ledger page."""
    coop = coop_for_page(request, slug)
    form = DepositForm(request.POST, currency=coop.currency)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect(reverse("web:ledger", args=[coop.slug]) + "#deposit")
    try:
        paid = deposits.deposit_post(
            coop=coop,
            member=request.user,
            entered_by=request.user,
            amount=form.cleaned_data["amount"],
        )
    except FourfoldError as error:
        messages.error(request, error.detail)
    else:
        messages.success(
            request,
            _("Your deposit of %(amount)s is recorded: the co-op holds it for you until you leave.")
            % {"amount": money(paid.amount, coop.currency)},
        )
    return redirect(reverse("web:ledger", args=[coop.slug]) + "#deposit")


@login_required
def transaction_reverse(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    """A confirmation page; its form posts the reversal."""
    coop = coop_for_page(request, slug)
    item = statements.transaction_for_coop(coop=coop, pk=pk)
    if item is None:
        raise Http404(_("No such transaction."))
    form = ReverseForm(_posted(request))
    asks = corrections.reversal_asks(item, request.user)
    if request.method == "POST" and form.is_valid():
        try:
            reversal = corrections.transaction_reverse(
                original=item, entered_by=request.user, reason=form.cleaned_data["reason"]
            )
        except FourfoldError as error:
            add_domain_error(form, error)
        else:
            if reversal.kind == Transaction.Kind.REVERSAL:
                messages.success(
                    request,
                    _("Transaction #%(id)d is reversed by #%(reversal)d.")
                    % {"id": item.pk, "reversal": reversal.pk},
                )
            else:
                messages.success(
                    request,
                    _(
                        "Your request to reverse #%(id)d is #%(request)d. It waits for "
                        "%(who)s to confirm; nothing moves until then."
                    )
                    % {"id": item.pk, "request": reversal.pk, "who": _asked(asks)},
                )
            return redirect("web:ledger", slug=coop.slug)
    status = statements.entry_status(item)
    return render(
        request,
        "web/ledger_reverse.html",
        {
            "coop": coop,
            "item": item,
            "status": status,
            "waits_for": names(status.awaiting),
            "asked": _asked(asks) if asks else "",
            "form": form,
            "section": "ledger",
        },
    )


def _asked(asks: list[Ask]) -> str:
    return names([member.username for member, _role in asks if member is not None])


def _back(request: MemberRequest, coop: Cooperative) -> HttpResponse:
    """Back to the page the answer was given on (the ledger, the settle-up page), if it is
    ours; else to what still waits on the ledger."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(f"{reverse('web:ledger', args=[coop.slug])}#waiting")


@login_required
@require_POST
def entry_confirm(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    coop = coop_for_settling_page(request, slug, entry_id=pk)
    try:
        entry = money_flow.entry_confirm(coop=coop, transaction_id=pk, member=request.user)
    except NotFound as error:
        raise Http404(error.detail) from error
    except FourfoldError as error:
        messages.error(request, error.detail)
        return _back(request, coop)
    status = statements.entry_status(entry)
    if status.status == "posted":
        messages.success(
            request,
            _("You confirmed #%(id)d: it is posted and the money has moved.") % {"id": entry.pk},
        )
    else:
        messages.success(
            request,
            _("You confirmed #%(id)d; it still waits for %(who)s.")
            % {"id": entry.pk, "who": names(status.awaiting)},
        )
    return _back(request, coop)


@login_required
@require_POST
def entry_decline(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    """A no from someone asked, or the one who entered it withdrawing it."""
    coop = coop_for_page(request, slug)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return _back(request, coop)
    try:
        entry = consent.entry_decline(
            coop=coop, transaction_id=pk, member=request.user, reason=form.cleaned_data["reason"]
        )
    except NotFound as error:
        raise Http404(error.detail) from error
    except FourfoldError as error:
        messages.error(request, error.detail)
        return _back(request, coop)
    if entry.entered_by_id == request.user.pk:
        text = _("You withdrew #%(id)d: it moves no money.")
    else:
        text = _("You declined #%(id)d: it moves no money.")
    messages.success(request, text % {"id": entry.pk})
    return _back(request, coop)


@login_required
def statement(request: MemberRequest, slug: str) -> HttpResponse:
    coop = coop_for_settling_page(request, slug, reading=True)
    page = Paginator(
        statements.statement(coop=coop, member=request.user), STATEMENT_LINES_PER_PAGE
    ).get_page(request.GET.get("page"))
    lines = statement_lines(coop, page)
    balance = selectors.member_balance(coop=coop, member=request.user)
    return render(
        request,
        "web/ledger_statement.html",
        {
            "coop": coop,
            "page": page,
            "lines": lines,
            "pending": pending_lines(coop, request.user),
            "balance": balance,
            "former": coop_selectors.has_left(coop=coop, user=request.user),
            "section": "ledger",
        },
    )


@login_required
def settlement(request: MemberRequest, slug: str) -> HttpResponse:
    coop = coop_for_settling_page(request, slug)
    plan = selectors.settlement_plan(coop=coop)
    return render(
        request,
        "web/ledger_settle.html",
        {
            "coop": coop,
            "plan": plan,
            "part": settle_part(plan, rows(settle_pending(coop), request.user), request.user),
            "section": "ledger",
        },
    )


@login_required
@require_POST
def settlement_record(request: MemberRequest, slug: str) -> HttpResponse:
    coop = coop_for_settling_page(request, slug)
    try:
        transfers = corrections.settlement_record(
            coop=coop, entered_by=request.user, expected=request.POST.get("fingerprint")
        )
    except FourfoldError as error:
        messages.error(request, error.detail)
        return redirect("web:ledger_settle", slug=coop.slug)
    awaiting = {name for item in transfers for name in statements.entry_status(item).awaiting}
    text = ngettext(
        "Your payment is recorded.", "Your %(n)d payments are recorded.", len(transfers)
    ) % {"n": len(transfers)}
    if awaiting:
        text += " " + _("Nothing moves until %(who)s confirms the money arrived.") % {
            "who": names(sorted(awaiting))
        }
    messages.success(request, text)
    return redirect("web:ledger_settle", slug=coop.slug)


def _csv_response(coop: Cooperative, name: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{coop.slug}-{name}.csv"'
    return response


@login_required
def transactions_csv(request: MemberRequest, slug: str) -> HttpResponse:
    """The transactions the ledger page's filters show, every page of them."""
    coop = coop_for_page(request, slug)
    items = _filtered(coop, _filter_form(request, coop))
    response = _csv_response(coop, "transactions")
    statements.transactions_csv(coop=coop, items=items, out=response)
    return response


@login_required
def balances_csv(request: MemberRequest, slug: str) -> HttpResponse:
    coop = coop_for_page(request, slug)
    response = _csv_response(coop, "balances")
    statements.balances_csv(coop=coop, out=response)
    return response
