"""The co-op's ledger: the books, balances, transactions, a member's statement, settling up."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from fourfold.coops import selectors as coop_selectors
from fourfold.coops.models import Cooperative
from fourfold.errors import FourfoldError
from fourfold.governance.selectors import approvals_open
from fourfold.ledger import corrections, selectors, statements
from fourfold.ledger.models import Transaction
from fourfold.lib.money import from_minor
from fourfold.web.forms.common import add_domain_error
from fourfold.web.forms.ledger import (
    ContributionForm,
    ExpenseForm,
    ReverseForm,
    TransactionFilterForm,
    entry_error,
)
from fourfold.web.presenters.ledger import statement_lines
from fourfold.web.requests import MemberRequest
from fourfold.web.templatetags.fourfold import money
from fourfold.web.views.common import coop_for_page
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
        request.GET or None, members=[row.user.username for row in members]
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
    )


@login_required
def ledger(request: MemberRequest, slug: str) -> HttpResponse:
    coop = coop_for_page(request, slug)
    filters = _filter_form(request, coop)
    page = Paginator(_filtered(coop, filters), TRANSACTIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {"coop": coop, "section": "ledger", "filters": filters, "page": page}
    if request.htmx and not request.htmx.history_restore_request:
        # The filter form and the pager swap just the list in.
        response = render(request, "web/_ledger_transactions.html", context)
    else:
        books = selectors.books(coop=coop)
        context |= {
            "books": books,
            "balanced": books.members_total == books.pool + books.unallocated,
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
            messages.success(
                request,
                ngettext(
                    "The expense of %(amount)s is recorded, charged to %(n)d member.",
                    "The expense of %(amount)s is recorded, shared among %(n)d members.",
                    len(form.cleaned_data["split"]),
                )
                % {
                    "amount": money(from_minor(expense.amount_minor, coop.currency), coop.currency),
                    "n": len(form.cleaned_data["split"]),
                },
            )
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
def transaction_reverse(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    """A confirmation page; its form posts the reversal."""
    coop = coop_for_page(request, slug)
    item = statements.transaction_for_coop(coop=coop, pk=pk)
    if item is None:
        raise Http404(_("No such transaction."))
    form = ReverseForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            reversal = corrections.transaction_reverse(
                original=item, entered_by=request.user, reason=form.cleaned_data["reason"]
            )
        except FourfoldError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("Transaction #%(id)d is reversed by #%(reversal)d.")
                % {"id": item.pk, "reversal": reversal.pk},
            )
            return redirect("web:ledger", slug=coop.slug)
    return render(
        request,
        "web/ledger_reverse.html",
        {"coop": coop, "item": item, "form": form, "section": "ledger"},
    )


@login_required
def statement(request: MemberRequest, slug: str) -> HttpResponse:
    coop = coop_for_page(request, slug)
    page = Paginator(
        statements.statement(coop=coop, member=request.user), STATEMENT_LINES_PER_PAGE
    ).get_page(request.GET.get("page"))
    lines = statement_lines(coop, page)
    balance = selectors.member_balance(coop=coop, member=request.user)
    return render(
        request,
        "web/ledger_statement.html",
        {"coop": coop, "page": page, "lines": lines, "balance": balance, "section": "ledger"},
    )


@login_required
def settlement(request: MemberRequest, slug: str) -> HttpResponse:
    coop = coop_for_page(request, slug)
    return render(
        request,
        "web/ledger_settle.html",
        {"coop": coop, "plan": selectors.settlement_plan(coop=coop), "section": "ledger"},
    )


@login_required
@require_POST
def settlement_record(request: MemberRequest, slug: str) -> HttpResponse:
    coop = coop_for_page(request, slug)
    try:
        transfers = corrections.settlement_record(
            coop=coop, entered_by=request.user, expected=request.POST.get("fingerprint")
        )
    except FourfoldError as error:
        messages.error(request, error.detail)
        return redirect("web:ledger_settle", slug=coop.slug)
    messages.success(
        request,
        ngettext(
            "%(n)d transfer is recorded. Everyone is even.",
            "%(n)d transfers are recorded. Everyone is even.",
            len(transfers),
        )
        % {"n": len(transfers)},
    )
    return redirect("web:ledger", slug=coop.slug)


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
