"""Governance: open proposals with a live tally, voting with a reason, proxies, rule changes
proposed from the settings page, the decision log and the facilitator of the month.

Every page is the same for every active member: whoever founded the co-op sees and may do
exactly what anyone else may (principle 3, "Flat")."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fourfold.accounts.models import User
from fourfold.coops import selectors as coop_selectors
from fourfold.coops.models import Cooperative
from fourfold.errors import FourfoldError
from fourfold.governance import rules, selectors, votes
from fourfold.governance.models import FacilitatorDuty, Proposal, Proxy, Vote
from fourfold.web.forms.common import add_domain_error
from fourfold.web.forms.governance import (
    COMMON_FIELDS,
    ProposalForm,
    ProxyForm,
    RankForm,
    RuleChangeForm,
    VoteForm,
)
from fourfold.web.presenters import governance as present
from fourfold.web.requests import MemberRequest
from fourfold.web.views.common import choosing, chosen_only, coop_for_page, first_error
from fourfold.workflows import decisions as decisions_flow

SECTION = "decisions"
DECISIONS_PER_PAGE = 20
RECENT_DECISIONS = 3
# htmx stops polling an element when the answer has this status: a closed tally stays put.
STOP_POLLING = 286


def _posted(request: MemberRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def _proposal_or_404(coop: Cooperative, pk: int) -> Proposal:
    proposal = selectors.proposal_for_coop(coop=coop, pk=pk)
    if proposal is None:
        raise Http404(_("No such proposal."))
    proposal.coop = coop  # loaded already, with its zone: the tally reads it
    return proposal


# --- The facilitator ----------------------------------------------------------------------


def _facilitators(
    coop: Cooperative, today: date
) -> tuple[FacilitatorDuty | None, FacilitatorDuty | None]:
    """This month's and next month's facilitators, as the background task planned them (a
    page only reads: nobody is planned by looking)."""
    this_month = today.replace(day=1)
    next_month = (this_month + timedelta(days=32)).replace(day=1)
    now = selectors.facilitator_of(coop=coop, on=this_month)
    later = selectors.facilitator_of(coop=coop, on=next_month)
    return now, later


def _others(coop: Cooperative, me: User) -> list[User]:
    """Whom I may name as my proxy: the other active members."""
    return [m for m in coop_selectors.active_members(coop=coop) if m.pk != me.pk]


# --- Pages --------------------------------------------------------------------------------


def _change(form: ProposalForm) -> dict | None:
    kind = form.cleaned_data["kind"]
    if kind == Proposal.Kind.REVERSAL:
        return {"transaction": form.cleaned_data["entry"]}
    if kind == Proposal.Kind.BUDGET:
        return {"period": "month", "lines": form.budget_lines()}
    if kind == Proposal.Kind.SPREAD_END:
        return {"transaction": form.cleaned_data["transaction"], "rest": form.cleaned_data["rest"]}
    if kind == Proposal.Kind.RECURRING_END:
        return {"recurring": form.cleaned_data["recurring"]}
    return None


# Where the rules' refusal of what a proposal ends reads: beside the choice it refuses.
CHANGE_FIELDS = {
    Proposal.Kind.SPREAD_END: "transaction",
    Proposal.Kind.RECURRING_END: "recurring",
}


def _initial(request: MemberRequest) -> dict[str, str]:
    """A link may preselect the kind and what it ends: ``?kind=spread_end&transaction=12``."""
    chosen = request.GET.get("kind")
    if chosen not in Proposal.Kind.values:
        return {}
    return {
        "kind": chosen,
        **{name: request.GET[name] for name in ("transaction", "recurring") if name in request.GET},
    }


def _proposal_form(
    coop: Cooperative, members: list[User], data: QueryDict | None, initial: dict[str, str]
) -> ProposalForm:
    return ProposalForm(
        data,
        members=[member.username for member in members],
        currency=coop.currency,
        spreads=present.spread_choices(coop),
        regular=present.regular_choices(coop),
        fields_url=reverse("web:proposal_fields", args=[coop.slug]),
        initial=initial,
        coop=coop,
    )


@login_required
def decisions(request: MemberRequest, slug: str) -> HttpResponse:
    """Open proposals with their live tallies, the facilitator, recent decisions and the form
    that opens a proposal (posted here; a post that only chooses the kind shows its fields)."""
    coop = coop_for_page(request, slug)
    members = list(coop_selectors.active_members(coop=coop))
    data = _posted(request)
    if data is not None and choosing(data, "kind"):
        form = _proposal_form(coop, members, None, chosen_only(data, COMMON_FIELDS))
    else:
        form = _proposal_form(coop, members, data, _initial(request))
    if form.is_bound and form.is_valid():
        values = form.cleaned_data
        subject = next((m for m in members if m.username == values.get("subject")), None)
        try:
            proposal = decisions_flow.proposal_open(
                coop=coop,
                by=request.user,
                kind=values["kind"],
                title=values["title"],
                body=values["body"],
                options=values.get("options", []),
                subject=subject,
                amount=values.get("amount") or None,
                change=_change(form),
            )
        except FourfoldError as error:
            beside = CHANGE_FIELDS.get(values["kind"])
            if beside is not None and error.field in (None, "change"):
                form.add_error(beside, error.detail)
            else:
                add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("Your proposal “%(title)s” is open for votes.") % {"title": proposal.title},
            )
            return redirect("web:proposal", slug=coop.slug, pk=proposal.pk)
    open_now = list(selectors.proposals(coop=coop, status=Proposal.Status.OPEN))
    for proposal in open_now:
        proposal.coop = coop
    facilitator, next_facilitator = _facilitators(coop, timezone.localdate())
    recent = list(selectors.decision_log(coop=coop)[:RECENT_DECISIONS])
    return render(
        request,
        "web/decisions.html",
        {
            "coop": coop,
            "section": SECTION,
            "rows": present.open_rows(coop, open_now, request.user),
            "form": form,
            "facilitator": facilitator,
            "next_facilitator": next_facilitator,
            "recent": recent,
            "active": any(member.pk == request.user.pk for member in members),
            "active_count": len(members),
        },
    )


@login_required
def proposal_fields(request: MemberRequest, slug: str) -> HttpResponse:
    """The fields of the kind ``?kind=`` names, for the form to swap in when the kind changes."""
    coop = coop_for_page(request, slug)
    members = list(coop_selectors.active_members(coop=coop))
    form = _proposal_form(coop, members, None, chosen_only(request.GET, ("kind",)))
    return render(request, "web/_proposal_kind_fields.html", {"form": form})


def _vote_form(
    request: MemberRequest, proposal: Proposal, mine: Vote | None
) -> RankForm | VoteForm:
    data = _posted(request)
    if proposal.kind == Proposal.Kind.CHOICE:
        initial: dict[str, str] = {}
        if mine:
            initial = {
                f"rank_{proposal.options.index(o)}": str(i)
                for i, o in enumerate(mine.ranking, 1)
                if o in proposal.options
            }
            initial["reason"] = mine.reason
        return RankForm(data, options=proposal.options, initial=initial)
    initial = {"position": mine.position, "reason": mine.reason} if mine else {}
    return VoteForm(data, initial=initial)


def _proxies(coop: Cooperative, proposal: Proposal, user: User) -> tuple[Proxy | None, list[User]]:
    """The proxy I gave that counts on this proposal, and the members I vote for on it."""
    on = timezone.localdate()
    live = Proxy.objects.filter(coop=coop, revoked_at__isnull=True).select_related(
        "giver", "holder"
    )

    def counts(proxy: Proxy) -> bool:
        return (proxy.proposal_id in (None, proposal.pk)) and (
            proxy.until is None or proxy.until >= on
        )

    given = next((p for p in live.filter(giver=user) if counts(p)), None)
    held = [p.giver for p in live.filter(holder=user) if counts(p)]
    return given, held


@login_required
def proposal(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    """A proposal, every vote with its reason, and my vote (posted here)."""
    coop = coop_for_page(request, slug)
    item = _proposal_or_404(coop, pk)
    mine = present.my_vote(item, request.user)
    form = _vote_form(request, item, mine)
    if request.method == "POST" and form.is_valid():
        try:
            decisions_flow.vote_cast(
                proposal=item,
                member=request.user,
                position=form.cleaned_data.get("position", ""),
                ranking=form.cleaned_data.get("ranking"),
                reason=form.cleaned_data["reason"],
            )
        except FourfoldError as error:
            add_domain_error(form, error)
        else:
            item = _proposal_or_404(coop, pk)
            if item.status == Proposal.Status.OPEN:
                messages.success(
                    request, _("Your vote is recorded. You can change it until it closes.")
                )
            else:
                messages.success(
                    request,
                    _("Your vote is recorded, and everyone has voted: the proposal %(outcome)s")
                    % {"outcome": item.outcome},
                )
            return redirect("web:proposal", slug=coop.slug, pk=item.pk)
    members = list(coop_selectors.active_members(coop=coop))
    given, held = _proxies(coop, item, request.user)
    proxy_form = ProxyForm(members=[m.username for m in members if m.pk != request.user.pk])
    return render(
        request,
        "web/proposal.html",
        {
            "coop": coop,
            "section": SECTION,
            "proposal": item,
            "tally": present.tally(item),
            "changes": present.changes(coop, item),
            "flagged_principle": present.flagged_principle(item),
            "votes": list(item.votes.all()),
            "mine": mine,
            "form": form,
            "can_vote": item.status == Proposal.Status.OPEN
            and any(m.pk == request.user.pk for m in members),
            "proxy_form": proxy_form,
            "proxy_given": given,
            "proxy_held": held,
            "rounds": item.result.get("rounds", []),
        },
    )


# A page lists this many open proposals at most in one poll.
POLLED_AT_MOST = 100


@login_required
def open_tallies(request: MemberRequest, slug: str) -> HttpResponse:
    """The tallies of the open list (``?ids=1,2``) in one answer, for the list's one poller;
    once none of them is open, the polling stops."""
    coop = coop_for_page(request, slug)
    ids = [int(part) for part in request.GET.get("ids", "").split(",") if part.isdigit()]
    items = list(selectors.proposals(coop=coop).filter(pk__in=ids[:POLLED_AT_MOST]))
    for item in items:
        item.coop = coop
    response = render(
        request,
        "web/_open_tallies.html",
        {
            "coop": coop,
            "rows": present.tally_rows(items),
        },
        status=STOP_POLLING
        if request.htmx and not any(p.status == Proposal.Status.OPEN for p in items)
        else 200,
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def proposal_tally(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    """The tally alone, for the page to poll; a closed proposal's tally stops the polling."""
    coop = coop_for_page(request, slug)
    item = _proposal_or_404(coop, pk)
    response = render(
        request,
        "web/_proposal_tally.html",
        {"coop": coop, "proposal": item, "tally": present.tally(item)},
        status=STOP_POLLING if item.status != Proposal.Status.OPEN and request.htmx else 200,
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_POST
def proxy_grant(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    coop = coop_for_page(request, slug)
    item = _proposal_or_404(coop, pk)
    others = _others(coop, request.user)
    form = ProxyForm(request.POST, members=[m.username for m in others])
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("web:proposal", slug=coop.slug, pk=item.pk)
    holder = next(m for m in others if m.username == form.cleaned_data["holder"])
    try:
        votes.proxy_grant(coop=coop, giver=request.user, holder=holder, proposal=item)
    except FourfoldError as error:
        messages.error(request, error.detail)
    else:
        messages.success(
            request,
            _("%(name)s votes for you on this proposal unless you vote yourself.")
            % {"name": holder.username},
        )
    return redirect("web:proposal", slug=coop.slug, pk=item.pk)


@login_required
@require_POST
def proxy_revoke(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    coop = coop_for_page(request, slug)
    item = _proposal_or_404(coop, pk)
    try:
        votes.proxy_revoke(coop=coop, giver=request.user)
    except FourfoldError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("Your proxy is revoked: nobody votes for you now."))
    return redirect("web:proposal", slug=coop.slug, pk=item.pk)


@login_required
def decision_log(request: MemberRequest, slug: str) -> HttpResponse:
    coop = coop_for_page(request, slug)
    page = Paginator(selectors.decision_log(coop=coop), DECISIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "web/decision_log.html",
        {
            "coop": coop,
            "section": SECTION,
            "page": page,
            "rows": present.log_rows(coop, list(page)),
        },
    )


def _rule_form(
    coop: Cooperative, data: QueryDict | None, initial: dict[str, str]
) -> RuleChangeForm:
    """The rule change form, its new value's input fitting the chosen rule."""
    chosen = (data or initial).get("rule")
    known = chosen if chosen in rules.RULES else None
    return RuleChangeForm(
        data,
        rules=[(rule, present.rule_label(rule, coop)) for rule in rules.RULES],
        today=present.rule_display(coop, known) if known else "",
        options=present.rule_options(known, coop),
        currency=coop.currency,
        cadence=coop.cadence,
        fields_url=reverse("web:rule_value_fields", args=[coop.slug]),
        initial=initial,
    )


@login_required
def coop_settings(request: MemberRequest, slug: str) -> HttpResponse:
    """The co-op's rules, read-only: a rule changes only by a proposal the members pass,
    opened from the form here (a post that only chooses the rule shows its input)."""
    coop = coop_for_page(request, slug)
    data = _posted(request)
    if data is not None and choosing(data, "rule"):
        form = _rule_form(coop, None, chosen_only(data, ("rule", "title", "body")))
    else:
        # "Propose a change" beside a rule links here with that rule chosen.
        form = _rule_form(coop, data, chosen_only(request.GET, ("rule",)))
    if form.is_bound and form.is_valid():
        rule, value = form.cleaned_data["rule"], form.cleaned_data["value"]
        title = form.cleaned_data["title"] or present.suggested_title(coop, rule, value)
        try:
            proposal = decisions_flow.proposal_open(
                coop=coop,
                by=request.user,
                kind=Proposal.Kind.RULE_CHANGE,
                title=title,
                body=form.cleaned_data["body"],
                change={rule: value},
            )
        except FourfoldError as error:
            # The service names the rule (or "change"): either way it is the new value, beside
            # its input (for the cadence, beside its words).
            if error.field == "change" or error.field in rules.RULES:
                form.add_error(form.value_fields()[0].name, error.detail)
            else:
                add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("Your proposal “%(title)s” is open for votes; it applies itself if it passes.")
                % {"title": proposal.title},
            )
            return redirect("web:proposal", slug=coop.slug, pk=proposal.pk)
    pending = [
        p
        for p in selectors.proposals(coop=coop, status=Proposal.Status.OPEN)
        if p.kind == Proposal.Kind.RULE_CHANGE
    ]
    return render(
        request,
        "web/coop_settings.html",
        {
            "coop": coop,
            "section": SECTION,
            "rules": present.rule_rows(coop),
            "form": form,
            "pending": pending,
        },
    )


@login_required
def rule_value_fields(request: MemberRequest, slug: str) -> HttpResponse:
    """The new value's input for the rule ``?rule=`` names, with how it reads today, for the
    form to swap in when the rule changes."""
    coop = coop_for_page(request, slug)
    form = _rule_form(coop, None, chosen_only(request.GET, ("rule",)))
    return render(request, "web/_rule_value_fields.html", {"form": form})
