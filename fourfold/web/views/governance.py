"""Governance: open proposals with a live tally, voting with a reason, proxies, rule changes
proposed from the settings page, the decision log and the facilitator of the month.

Every page is the same for every active member: whoever founded the co-op sees and may do
exactly what anyone else may (principle 3, "Flat")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fourfold.accounts.models import User
from fourfold.coops import selectors as coop_selectors
from fourfold.coops.models import Cooperative, Membership
from fourfold.errors import FourfoldError
from fourfold.governance import rules as governance_rules
from fourfold.governance import selectors, votes
from fourfold.governance.models import Proposal, Proxy, Vote
from fourfold.lib.dates import describe_cadence
from fourfold.web.forms import (
    ProposalForm,
    ProxyForm,
    RankForm,
    RuleChangeForm,
    VoteForm,
    add_domain_error,
)
from fourfold.web.templatetags.fourfold import money
from fourfold.web.views.common import coop_for_page
from fourfold.workflows import decisions as decisions_flow

SECTION = "decisions"
DECISIONS_PER_PAGE = 20
RECENT_DECISIONS = 3
# htmx stops polling an element when the answer has this status: a closed tally stays put.
STOP_POLLING = 286


def _posted(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def _active_members(coop: Cooperative) -> list[User]:
    return [
        row.user
        for row in coop_selectors.coop_members(coop=coop)
        if row.status == Membership.Status.ACTIVE
    ]


def _proposal_or_404(coop: Cooperative, pk: int) -> Proposal:
    proposal = selectors.proposal_for_coop(coop=coop, pk=pk)
    if proposal is None:
        raise Http404(_("No such proposal."))
    proposal.coop = coop  # loaded already, with its zone: the tally reads it
    return proposal


# --- Rules: how each one reads -----------------------------------------------------------


def rule_label(rule: str) -> str:
    return str(Cooperative._meta.get_field(rule).verbose_name)


def rule_help(rule: str) -> str:
    return str(Cooperative._meta.get_field(rule).help_text)


CURRENT = object()


def rule_display(coop: Cooperative, rule: str, value=CURRENT) -> str:
    """A rule's value as a member reads it: ``value`` as a proposal stores it, or else the
    co-op's current one."""
    if value is CURRENT:
        value = getattr(coop, rule)
    if rule in ("commercial_unit_price", "spending_limit"):
        if value in (None, ""):
            return _("no limit")
        return money(Decimal(str(value)), coop.currency)
    if rule == "diy_minutes_per_unit":
        return f"{Decimal(str(value)).normalize():f}"
    if rule == "quorum_percent":
        return f"{value}%"
    if rule == "cadence":
        return capfirst(describe_cadence(value) or value)
    field = Cooperative._meta.get_field(rule)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


@dataclass(frozen=True)
class RuleRow:
    rule: str
    label: str
    value: str
    help: str


@dataclass(frozen=True)
class ChangeRow:
    label: str
    before: str
    after: str


def _changes(coop: Cooperative, proposal: Proposal) -> list[ChangeRow]:
    """What a rule change does: before → after once it passed; for one that failed, the rules
    it was proposed against → the proposed value; while open, today's value → the proposed."""
    if proposal.kind != Proposal.Kind.RULE_CHANGE:
        return []
    before = proposal.result.get("before")
    if before is None and proposal.status != Proposal.Status.OPEN:
        before = proposal.result.get("was")
    after = proposal.result.get("after", proposal.change)
    rows = []
    for rule in sorted(after):
        if rule not in governance_rules.RULES:
            continue
        was = (
            rule_display(coop, rule, before.get(rule))
            if before is not None
            else rule_display(coop, rule)
        )
        rows.append(
            ChangeRow(
                label=rule_label(rule), before=was, after=rule_display(coop, rule, after[rule])
            )
        )
    return rows


# --- The tally ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    eligible: int
    voted: int
    by_proxy: int
    positions: list[tuple[str, str, int]]  # (position, label, count)
    first_choices: list[tuple[str, int]]  # choice proposals: first preferences per option
    proxied: dict[int, list[str]]  # voter's id → the absent members their vote counts for


def _tally(proposal: Proposal, counted: selectors.Tally | None = None) -> Tally:
    """How the tally reads: from ``counted`` when the caller batched it, else counted now."""
    if counted is None:
        counted = selectors.tallies(proposals=[proposal])[proposal.pk]
    counts = counted.as_dict()
    labels = dict(Vote.Position.choices)
    first = dict.fromkeys(proposal.options, 0)
    rounds = proposal.result.get("rounds") if proposal.status != Proposal.Status.OPEN else None
    if rounds:
        first.update({option: n for option, n in rounds[0]["counts"].items() if option in first})
    else:
        for vote in counts["counted"].values():
            if vote.ranking and vote.ranking[0] in first:
                first[vote.ranking[0]] += 1
    return Tally(
        eligible=counts["eligible"],
        voted=counts["voted"],
        by_proxy=counts["by_proxy"],
        positions=[(p, str(labels[p]), n) for p, n in counts["positions"].items()],
        first_choices=list(first.items()),
        proxied=counted.proxied,
    )


@dataclass(frozen=True)
class OpenRow:
    proposal: Proposal
    tally: Tally
    changes: list[ChangeRow]
    mine: Vote | None


def _my_vote(proposal: Proposal, user: User) -> Vote | None:
    return next((v for v in proposal.votes.all() if v.member_id == user.pk), None)


# --- The facilitator ----------------------------------------------------------------------


def _facilitators(coop: Cooperative, today: date):
    """This month's and next month's facilitators, as the background task planned them (a
    page only reads: nobody is planned by looking)."""
    this_month = today.replace(day=1)
    next_month = (this_month + timedelta(days=32)).replace(day=1)
    now = selectors.facilitator_of(coop=coop, on=this_month)
    later = selectors.facilitator_of(coop=coop, on=next_month)
    return now, later


# --- Pages --------------------------------------------------------------------------------


def _usernames(members: list[User]) -> list[str]:
    return [member.username for member in members]


@login_required
def decisions(request: HttpRequest, slug: str) -> HttpResponse:
    """Open proposals with their live tallies, the facilitator, recent decisions and the form
    that opens a proposal (posted here)."""
    coop = coop_for_page(request, slug)
    members = _active_members(coop)
    form = ProposalForm(
        _posted(request),
        members=_usernames(members),
        currency=coop.currency,
    )
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        subject = next((m for m in members if m.username == values["subject"]), None)
        try:
            proposal = decisions_flow.proposal_open(
                coop=coop,
                by=request.user,
                kind=values["kind"],
                title=values["title"],
                body=values["body"],
                options=values["options"],
                subject=subject,
                amount=values["amount"] or None,
            )
        except FourfoldError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("Your proposal “%(title)s” is open for votes.") % {"title": proposal.title},
            )
            return redirect("web:proposal", slug=coop.slug, pk=proposal.pk)
    rows = []
    open_now = list(selectors.proposals(coop=coop, status=Proposal.Status.OPEN))
    for proposal in open_now:
        proposal.coop = coop
    counted = selectors.tallies(proposals=open_now)
    for proposal in open_now:
        rows.append(
            OpenRow(
                proposal=proposal,
                tally=_tally(proposal, counted[proposal.pk]),
                changes=_changes(coop, proposal),
                mine=_my_vote(proposal, request.user),
            )
        )
    facilitator, next_facilitator = _facilitators(coop, timezone.localdate())
    recent = list(selectors.decision_log(coop=coop)[:RECENT_DECISIONS])
    return render(
        request,
        "web/decisions.html",
        {
            "coop": coop,
            "section": SECTION,
            "rows": rows,
            "form": form,
            "facilitator": facilitator,
            "next_facilitator": next_facilitator,
            "recent": recent,
            "active": any(member.pk == request.user.pk for member in members),
            "active_count": len(members),
        },
    )


def _vote_form(request: HttpRequest, proposal: Proposal, mine: Vote | None):
    data = _posted(request)
    if proposal.kind == Proposal.Kind.CHOICE:
        initial = {}
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


def _proxies(coop: Cooperative, proposal: Proposal, user: User) -> tuple[Proxy | None, list]:
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
def proposal(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A proposal, every vote with its reason, and my vote (posted here)."""
    coop = coop_for_page(request, slug)
    item = _proposal_or_404(coop, pk)
    mine = _my_vote(item, request.user)
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
    members = _active_members(coop)
    given, held = _proxies(coop, item, request.user)
    proxy_form = ProxyForm(
        members=[m.username for m in members if m.pk != request.user.pk],
    )
    return render(
        request,
        "web/proposal.html",
        {
            "coop": coop,
            "section": SECTION,
            "proposal": item,
            "tally": _tally(item),
            "changes": _changes(coop, item),
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


@dataclass(frozen=True)
class TallyRow:
    proposal: Proposal
    tally: Tally


# A page lists this many open proposals at most in one poll.
POLLED_AT_MOST = 100


@login_required
def open_tallies(request: HttpRequest, slug: str) -> HttpResponse:
    """The tallies of the open list (``?ids=1,2``) in one answer, for the list's one poller;
    once none of them is open, the polling stops."""
    coop = coop_for_page(request, slug)
    ids = [int(part) for part in request.GET.get("ids", "").split(",") if part.isdigit()]
    items = list(selectors.proposals(coop=coop).filter(pk__in=ids[:POLLED_AT_MOST]))
    for item in items:
        item.coop = coop
    counted = selectors.tallies(proposals=items)
    response = render(
        request,
        "web/_open_tallies.html",
        {
            "coop": coop,
            "rows": [TallyRow(proposal=p, tally=_tally(p, counted[p.pk])) for p in items],
        },
        status=STOP_POLLING
        if request.htmx and not any(p.status == Proposal.Status.OPEN for p in items)
        else 200,
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def proposal_tally(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The tally alone, for the page to poll; a closed proposal's tally stops the polling."""
    coop = coop_for_page(request, slug)
    item = _proposal_or_404(coop, pk)
    response = render(
        request,
        "web/_proposal_tally.html",
        {"coop": coop, "proposal": item, "tally": _tally(item)},
        status=STOP_POLLING if item.status != Proposal.Status.OPEN and request.htmx else 200,
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_POST
def proxy_grant(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    coop = coop_for_page(request, slug)
    item = _proposal_or_404(coop, pk)
    members = _active_members(coop)
    form = ProxyForm(request.POST, members=[m.username for m in members if m.pk != request.user.pk])
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return redirect("web:proposal", slug=coop.slug, pk=item.pk)
    holder = next(m for m in members if m.username == form.cleaned_data["holder"])
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
def proxy_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    coop = coop_for_page(request, slug)
    item = _proposal_or_404(coop, pk)
    try:
        votes.proxy_revoke(coop=coop, giver=request.user)
    except FourfoldError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("Your proxy is revoked: nobody votes for you now."))
    return redirect("web:proposal", slug=coop.slug, pk=item.pk)


@dataclass(frozen=True)
class LogRow:
    proposal: Proposal
    changes: list[ChangeRow]


@login_required
def decision_log(request: HttpRequest, slug: str) -> HttpResponse:
    coop = coop_for_page(request, slug)
    page = Paginator(selectors.decision_log(coop=coop), DECISIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    rows = [LogRow(proposal=p, changes=_changes(coop, p)) for p in page]
    return render(
        request,
        "web/decision_log.html",
        {"coop": coop, "section": SECTION, "page": page, "rows": rows},
    )


def _suggested_title(coop: Cooperative, rule: str, value: str) -> str:
    return _("Change the %(rule)s from %(before)s to %(after)s") % {
        # Only the first letter lowered: "cadence (RRULE)", not "cadence (rrule)".
        "rule": rule_label(rule)[:1].lower() + rule_label(rule)[1:],
        "before": rule_display(coop, rule),
        "after": rule_display(coop, rule, value),
    }


def _rule_options(rule: str | None) -> list[tuple[str, str]] | None:
    """The values of a rule that is a choice, with the names members read."""
    if rule not in governance_rules.RULES:
        return None
    field = Cooperative._meta.get_field(rule)
    return [(value, str(label)) for value, label in field.flatchoices] if field.choices else None


@login_required
def coop_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """The co-op's rules, read-only: a rule changes only by a proposal the members pass,
    opened from the form here."""
    coop = coop_for_page(request, slug)
    labels = [(rule, rule_label(rule)) for rule in governance_rules.RULES]
    # "Propose a change" beside a rule links here with that rule chosen.
    chosen = request.POST.get("rule") or request.GET.get("rule")
    form = RuleChangeForm(
        _posted(request),
        rules=labels,
        options=_rule_options(chosen),
        initial={"rule": chosen} if chosen in governance_rules.RULES else {},
    )
    if request.method == "POST" and form.is_valid():
        rule, value = form.cleaned_data["rule"], form.cleaned_data["value"]
        title = form.cleaned_data["title"] or _suggested_title(coop, rule, value)
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
            # The service names the rule (or "change"): either way it is the new value.
            if error.field == "change" or error.field in governance_rules.RULES:
                form.add_error("value", error.detail)
            else:
                add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("Your proposal “%(title)s” is open for votes; it applies itself if it passes.")
                % {"title": proposal.title},
            )
            return redirect("web:proposal", slug=coop.slug, pk=proposal.pk)
    rules = [
        RuleRow(rule=rule, label=label, value=rule_display(coop, rule), help=rule_help(rule))
        for rule, label in labels
    ]
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
            "rules": rules,
            "form": form,
            "pending": pending,
        },
    )
