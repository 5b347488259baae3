from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from fourfold.accounts.models import User
from fourfold.api.auth import MemberRequest
from fourfold.api.pagination import Page, paginate
from fourfold.api.schemas import Input, IsoDate, MoneyIn, errors
from fourfold.coops.models import Cooperative
from fourfold.coops.selectors import coop_for_member, member_by_username
from fourfold.errors import Invalid, NotFound
from fourfold.governance import rules, selectors, votes
from fourfold.governance.models import Proposal
from fourfold.lib.money import plain
from fourfold.workflows import decisions as decisions_flow

router = Router(tags=["governance"])


Option = Annotated[str, Field(max_length=rules.MAX_OPTION_LENGTH)]


class ProposalIn(Input):
    kind: str = Field(
        description="general, rule_change, admit_member, remove_member, spending, choice, "
        "reversal or budget.",
        examples=["rule_change"],
    )
    title: str = Field(
        "",
        max_length=200,
        description="Required, except for a reversal: that one reads “Reverse entry #N”.",
        examples=["Make 24 quarts a week"],
    )
    body: str = Field("", max_length=5000)
    change: dict | None = Field(
        None,
        description="rule_change: {rule: new value}. reversal: {transaction: id, principle?: "
        "self_funded, no_paid_staff or members_only, reason?: text}; a passed reversal posts "
        "the entry's reversal. budget: {period: month, lines: [{category, amount}]}; passed, "
        "it is in force from its month until another passes.",
        examples=[{"target_quantity": 24}],
    )
    options: list[Option] | None = Field(
        None, max_length=rules.MAX_OPTIONS, description="choice: the options."
    )
    subject: str | None = Field(None, max_length=150, description="admit/remove: a username.")
    amount: MoneyIn | None = Field(None, description="spending: the amount to approve.")


class VoteIn(Input):
    position: str = Field("", description="agree, abstain, disagree or block.", examples=["agree"])
    reason: str = Field("", max_length=1000)
    ranking: list[Option] | None = Field(
        None, max_length=rules.MAX_OPTIONS, description="choice: options, best first."
    )


class VoteOut(Schema):
    username: str
    position: str
    ranking: list[str]
    reason: str
    by_proxy_for: list[str] = Field(description="Absent members this vote also counts for.")


class ProposalOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    change: dict
    options: list[str]
    subject: str | None
    amount: str | None
    opened_by: str | None
    opened_at: datetime
    closes_at: datetime
    status: str
    outcome: str
    result: dict
    tally: dict


class ProxyIn(Input):
    holder: str = Field(max_length=150)
    proposal: int | None = Field(None, ge=1)
    until: IsoDate | None = None


class ProxyOut(Schema):
    holder: str
    proposal: int | None
    until: str | None


class StatusFilter(Schema):
    status: str | None = Field(None, max_length=10)


def proposal_out(proposal: Proposal, counted: selectors.Tally | None = None) -> dict:
    if counted is None:
        counted = selectors.tallies(proposals=[proposal])[proposal.pk]
    counts = counted.as_dict()
    return {
        "id": proposal.pk,
        "kind": proposal.kind,
        "title": proposal.title,
        "body": proposal.body,
        "change": proposal.change,
        "options": proposal.options,
        "subject": proposal.subject.username if proposal.subject is not None else None,
        "amount": plain(proposal.amount, proposal.coop.currency)
        if proposal.amount is not None
        else None,
        "opened_by": proposal.opened_by.username if proposal.opened_by is not None else None,
        "opened_at": proposal.opened_at,
        "closes_at": proposal.closes_at,
        "status": proposal.status,
        "outcome": proposal.outcome,
        "result": proposal.result,
        "tally": {
            "eligible": counts["eligible"],
            "voted": counts["voted"],
            "by_proxy": counts["by_proxy"],
            "positions": counts["positions"],
        },
    }


def _proposal(coop: Cooperative, pk: int) -> Proposal:
    proposal = selectors.proposal_for_coop(coop=coop, pk=pk)
    if proposal is None:
        raise NotFound(_("No such proposal."))
    return proposal


def _member(coop: Cooperative, username: str, field: str) -> User:
    user = member_by_username(coop=coop, username=username)
    if user is None:
        raise Invalid(_("No member named %(name)s.") % {"name": username}, field=field)
    return user


@router.get("/coops/{slug}/proposals", response={200: list[ProposalOut], **errors(404)})
def proposals_list(
    request: MemberRequest,
    response: HttpResponse,
    slug: str,
    filters: Query[StatusFilter],
    page: Query[Page],
):
    """Proposals, newest first, each with its live tally."""
    coop = coop_for_member(user=request.auth, slug=slug)
    items = list(
        paginate(request, response, selectors.proposals(coop=coop, status=filters.status), page)
    )
    counted = selectors.tallies(proposals=items)
    return [proposal_out(p, counted[p.pk]) for p in items]


@router.post("/coops/{slug}/proposals", response={201: ProposalOut, **errors(400, 403, 404)})
def proposal_open(request: MemberRequest, slug: str, payload: ProposalIn):
    """Any active member opens a proposal. A rule change is checked now, and applies itself
    when it passes."""
    coop = coop_for_member(user=request.auth, slug=slug)
    subject = None
    if payload.subject:
        # Only people who belong to the co-op or asked to join it: the name of anyone else on
        # the installation is not this co-op's business.
        subject = member_by_username(coop=coop, username=payload.subject)
        if subject is None:
            raise Invalid(
                _("No member or applicant named %(name)s.") % {"name": payload.subject},
                field="subject",
            )
    proposal = decisions_flow.proposal_open(
        coop=coop,
        by=request.auth,
        kind=payload.kind,
        title=payload.title,
        body=payload.body,
        change=payload.change,
        options=payload.options,
        subject=subject,
        amount=payload.amount,
    )
    return Status(201, proposal_out(_proposal(coop, proposal.pk)))


@router.get("/coops/{slug}/proposals/{proposal_id}", response={200: ProposalOut, **errors(404)})
def proposal_detail(request: MemberRequest, slug: str, proposal_id: int):
    coop = coop_for_member(user=request.auth, slug=slug)
    return proposal_out(_proposal(coop, proposal_id))


@router.get(
    "/coops/{slug}/proposals/{proposal_id}/votes", response={200: list[VoteOut], **errors(404)}
)
def votes_list(request: MemberRequest, slug: str, proposal_id: int):
    """Every vote and its reason: the tally is open to every member."""
    coop = coop_for_member(user=request.auth, slug=slug)
    proposal = _proposal(coop, proposal_id)
    counts = votes.tally(proposal)
    proxied: dict[int, list[str]] = {}
    names = dict(User.objects.filter(pk__in=counts["counted"]).values_list("pk", "username"))
    for member_id, vote in counts["counted"].items():
        if vote.member_id != member_id:
            proxied.setdefault(vote.member_id, []).append(names[member_id])
    return [
        {
            "username": v.member.username,
            "position": v.position,
            "ranking": v.ranking,
            "reason": v.reason,
            "by_proxy_for": proxied.get(v.member_id, []),
        }
        for v in proposal.votes.all()
    ]


@router.post(
    "/coops/{slug}/proposals/{proposal_id}/votes",
    response={201: VoteOut, **errors(400, 403, 404, 409)},
)
def vote_cast(request: MemberRequest, slug: str, proposal_id: int, payload: VoteIn):
    """Vote or change your vote until the proposal closes."""
    coop = coop_for_member(user=request.auth, slug=slug)
    vote = decisions_flow.vote_cast(
        proposal=_proposal(coop, proposal_id),
        member=request.auth,
        position=payload.position,
        reason=payload.reason,
        ranking=payload.ranking,
    )
    return Status(
        201,
        {
            "username": request.auth.username,
            "position": vote.position,
            "ranking": vote.ranking,
            "reason": vote.reason,
            "by_proxy_for": [],
        },
    )


@router.post("/coops/{slug}/proxies", response={201: ProxyOut, **errors(400, 403, 404, 409)})
def proxy_grant(request: MemberRequest, slug: str, payload: ProxyIn):
    """Name a member to vote for you on one proposal, or on all until a date."""
    coop = coop_for_member(user=request.auth, slug=slug)
    proposal = _proposal(coop, payload.proposal) if payload.proposal else None
    proxy = votes.proxy_grant(
        coop=coop,
        giver=request.auth,
        holder=_member(coop, payload.holder, "holder"),
        proposal=proposal,
        until=payload.until,
    )
    return Status(
        201,
        {
            "holder": proxy.holder.username,
            "proposal": proxy.proposal_id,
            "until": proxy.until.isoformat() if proxy.until else None,
        },
    )


@router.delete("/coops/{slug}/proxies/mine", response={204: None, **errors(404)})
def proxy_revoke(request: MemberRequest, slug: str):
    coop = coop_for_member(user=request.auth, slug=slug)
    votes.proxy_revoke(coop=coop, giver=request.auth)
    return Status(204, None)


@router.get("/coops/{slug}/decisions", response={200: list[ProposalOut], **errors(404)})
def decision_log(request: MemberRequest, response: HttpResponse, slug: str, page: Query[Page]):
    """Closed proposals, newest first, with their outcome and what changed."""
    coop = coop_for_member(user=request.auth, slug=slug)
    items = list(paginate(request, response, selectors.decision_log(coop=coop), page))
    counted = selectors.tallies(proposals=items)
    return [proposal_out(p, counted[p.pk]) for p in items]
