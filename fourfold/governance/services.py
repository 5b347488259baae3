"""Flat governance: any active member proposes, every active member votes, and a passed
decision applies itself. Nobody holds a power another member lacks."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fourfold.accounts.models import User
from fourfold.coops import services as coops
from fourfold.coops.audit import audit_record
from fourfold.coops.models import Cooperative, Membership
from fourfold.coops.selectors import active_member_ids, active_members, coop_today, is_active_member
from fourfold.coops.services import member_require_active
from fourfold.errors import Conflict, Invalid, NotFound, PrincipleViolation
from fourfold.governance import selectors
from fourfold.governance.models import FacilitatorDuty, Proposal, Proxy, Vote
from fourfold.lib.dates import date_within_reach
from fourfold.lib.irv import instant_runoff
from fourfold.lib.money import format_money, parse_money, plain

COOP_FIELDS = (
    "unit_plural",
    "target_quantity",
    "producers_per_batch",
    "cadence",
    "commercial_unit_price",
    "diy_minutes_per_unit",
)


def _between(low: int, high: int):
    def check(value) -> int:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | str)
            or not str(value).strip().lstrip("-").isdigit()
        ):
            raise ValueError(_("a whole number"))
        number = int(value)
        if not low <= number <= high:
            raise ValueError(_("from %(low)d to %(high)d") % {"low": low, "high": high})
        return number

    return check


# Checked as text before any arithmetic: Fraction("1e999999999") would build a billion-digit
# number and hold a worker for hours.
THRESHOLD_TEXT = re.compile(r"\d{1,3}/\d{1,3}|0?\.\d{1,4}|1(\.0{1,4})?")


def _threshold(value) -> str:
    text = str(value).strip()
    if not THRESHOLD_TEXT.fullmatch(text):
        raise ValueError(_("a fraction such as 2/3 or 0.6"))
    try:
        share = Fraction(text)
    except (ValueError, ZeroDivisionError) as error:
        raise ValueError(_("a fraction such as 2/3 or 0.6")) from error
    if not Fraction(1, 2) <= share <= 1:
        raise ValueError(_("from 1/2 to 1"))
    return str(share)


def _limit(value, currency: str) -> str | None:
    if value in (None, ""):
        return None
    try:
        return plain(parse_money(value, currency, maximum=MAX_APPROVAL, zero=True), currency)
    except ValueError as error:
        raise ValueError(_("an amount from 0, or empty for no limit")) from error


def _choice(*allowed: str):
    def check(value) -> str:
        if value not in allowed:
            raise ValueError(_("one of %(values)s") % {"values": ", ".join(allowed)})
        return value

    return check


# Every rule a proposal may change, with the check its new value must pass.
OTHER_RULES = {
    "quorum_percent": _between(1, 100),
    "threshold": _threshold,
    "voting_days": _between(1, 60),
    "reservation_cutoff_hours": _between(0, 24 * 14),
    "lock_window_days": _between(0, 60),
    "pickup_days": _between(0, 60),
    # Checked with the co-op's currency: see rule_change_validate.
    "spending_limit": _limit,
    "admission_mode": _choice("invite", "vote"),
    "general_cost_mode": _choice("units", "equal"),
}
RULES = (*COOP_FIELDS, *OTHER_RULES)


# Rules that are money: written as a plain decimal string with the currency's decimals.
MONEY_RULES = ("commercial_unit_price", "spending_limit")
# The largest amount a spending proposal approves, or a spending limit.
MAX_APPROVAL = Decimal("1e10")
# Bounds of a choice: the options are read on a ballot, so a handful of short lines.
MAX_OPTIONS = 20
MAX_OPTION_LENGTH = 200


def _rule_text(coop: Cooperative, rule: str, value):
    if value is None or value == "":
        return value
    if rule in MONEY_RULES:
        return plain(Decimal(str(value)), coop.currency)
    return str(value) if isinstance(value, Decimal) else value


def _rule_value(coop: Cooperative, rule: str):
    return _rule_text(coop, rule, getattr(coop, rule))


def rule_change_validate(coop: Cooperative, change: dict) -> dict:
    """The change with each value checked and normalised, or ``Invalid`` naming the rule."""
    if not isinstance(change, dict) or not change:
        raise Invalid(_("Name at least one rule to change."), field="change")
    unknown = sorted(set(change) - set(RULES))
    if unknown:
        raise Invalid(
            _("Unknown rule: %(rules)s. Rules: %(all)s.")
            % {"rules": ", ".join(unknown), "all": ", ".join(RULES)},
            field="change",
        )
    clean: dict = {}
    if set(change) & set(COOP_FIELDS):
        current = {field: getattr(coop, field) for field in COOP_FIELDS}
        fields = coops.CoopFields(
            slug=coop.slug,
            name=coop.name,
            product=coop.product,
            unit=coop.unit,
            currency=coop.currency,
            timezone=coop.timezone,
            **{**current, **{k: change[k] for k in change if k in COOP_FIELDS}},
        )
        valid = coops.coop_validate(fields)
        for field in set(change) & set(COOP_FIELDS):
            clean[field] = _rule_text(coop, field, getattr(valid, field))
    for rule in set(change) & set(OTHER_RULES):
        try:
            if rule == "spending_limit":
                clean[rule] = _limit(change[rule], coop.currency)
            else:
                clean[rule] = OTHER_RULES[rule](change[rule])
        except ValueError as error:
            # The rule as members read it ("Quorum (%)"), not its name in the code.
            name = capfirst(Cooperative._meta.get_field(rule).verbose_name)
            raise Invalid(
                _("%(rule)s must be %(why)s.") % {"rule": name, "why": error}, field="change"
            ) from error
    same = [rule for rule, value in clean.items() if str(_rule_value(coop, rule)) == str(value)]
    if len(same) == len(clean):
        raise Invalid(_("That is already the rule."), field="change")
    return clean


def _refuse_more_producers_than_members(coop: Cooperative, change: dict) -> None:
    """A batch needs its producers from among the active members: asking for more than there
    are could never be met. Checked when the proposal opens, not again when it passes (a member
    leaving meanwhile leaves a place open, as it would under the current rule)."""
    wanted = change.get("producers_per_batch")
    if wanted is None:
        return
    active = len(active_member_ids(coop=coop))
    if wanted > active:
        raise Invalid(
            ngettext(
                "A batch cannot need %(wanted)d producers: the co-op has %(active)d active "
                "member, so at most %(active)d can produce it. Propose %(active)d or fewer, or "
                "admit members first.",
                "A batch cannot need %(wanted)d producers: the co-op has %(active)d active "
                "members, so at most %(active)d can produce it. Propose %(active)d or fewer, or "
                "admit members first.",
                active,
            )
            % {"wanted": wanted, "active": active},
            field="change",
        )


def proposal_open(
    *,
    coop: Cooperative,
    by: User | None,
    kind: str,
    title: str,
    body: str = "",
    change: dict | None = None,
    options: list | None = None,
    subject: User | None = None,
    amount=None,
    now: datetime | None = None,
) -> Proposal:
    """Open a proposal; it closes after the co-op's voting period, or once everyone voted.

    Everything a proposal would do is checked now, not when it passes."""
    now = now or timezone.now()
    if by is not None:
        member_require_active(coop=coop, user=by, action=_("open proposals"), principle="flat")
    title = (title or "").strip()
    if not title:
        raise Invalid(_("Give the proposal a title."), field="title")
    if kind not in Proposal.Kind.values:
        raise Invalid(
            _("Choose a kind: %(kinds)s.") % {"kinds": ", ".join(Proposal.Kind.values)},
            field="kind",
        )
    fields: dict = {}
    if kind == Proposal.Kind.RULE_CHANGE:
        fields["change"] = rule_change_validate(coop, change or {})
        _refuse_more_producers_than_members(coop, fields["change"])
        # What the rules were when it was proposed: a failed proposal is read against these,
        # not against whatever they became later.
        fields["result"] = {
            "was": {
                rule: None if value is None else str(value)
                for rule in fields["change"]
                for value in [_rule_value(coop, rule)]
            }
        }
    elif kind == Proposal.Kind.CHOICE:
        clean = [str(o).strip() for o in (options or []) if str(o).strip()]
        if len(clean) < 2 or len(set(clean)) != len(clean) or len(clean) > MAX_OPTIONS:
            raise Invalid(
                _("Give 2 to %(n)d different options.") % {"n": MAX_OPTIONS}, field="options"
            )
        if any(len(option) > MAX_OPTION_LENGTH for option in clean):
            raise Invalid(
                _("An option is at most %(n)d characters.") % {"n": MAX_OPTION_LENGTH},
                field="options",
            )
        fields["options"] = clean
    elif kind in (Proposal.Kind.ADMIT_MEMBER, Proposal.Kind.REMOVE_MEMBER):
        if subject is None:
            raise Invalid(_("Name the person."), field="subject")
        membership = Membership.objects.filter(coop=coop, user=subject).first()
        if kind == Proposal.Kind.REMOVE_MEMBER and (
            membership is None or membership.status == Membership.Status.LEFT
        ):
            raise Invalid(
                _("%(name)s is not a member.") % {"name": subject.username}, field="subject"
            )
        if kind == Proposal.Kind.ADMIT_MEMBER and (
            membership is None or membership.status != Membership.Status.PENDING
        ):
            # Nobody is made a member without asking: one asks by accepting an invitation.
            raise Invalid(
                _(
                    "%(name)s has not asked to join. Send them an invitation: accepting it "
                    "asks the members to admit them."
                )
                % {"name": subject.username},
                field="subject",
            )
        fields["subject"] = subject
    elif kind == Proposal.Kind.SPENDING:
        if amount in (None, ""):
            raise Invalid(_("Give the amount to approve."), field="amount")
        try:
            # The ledger's own parse: an approval no payment could match to the cent
            # ("99.999 USD") is refused, not stored.
            fields["amount"] = parse_money(amount, coop.currency, maximum=MAX_APPROVAL)
        except ValueError as error:
            raise Invalid(str(error), field="amount") from error
    with transaction.atomic():
        proposal = Proposal.objects.create(
            coop=coop,
            kind=kind,
            title=title[:200],
            body=body.strip(),
            opened_by=by,
            opened_at=now,
            closes_at=now + timedelta(days=coop.voting_days),
            **fields,
        )
        audit_record(
            coop=coop, actor=by, action="governance.opened", at=now, proposal=proposal.pk, kind=kind
        )
    return proposal


def vote_cast(
    *,
    proposal: Proposal,
    member: User,
    position: str = "",
    reason: str = "",
    ranking: list | None = None,
    now: datetime | None = None,
) -> Vote:
    """Vote, or change your vote, until the proposal closes. One vote per member. The last
    vote closing it at once is ``workflows.decisions.vote_cast``'s."""
    now = now or timezone.now()
    coop = proposal.coop
    member_require_active(coop=coop, user=member, action=_("vote"), principle="flat")
    if ranking and proposal.kind != Proposal.Kind.CHOICE:
        raise Invalid(
            _("Only a choice between options is ranked; vote agree, abstain, disagree or block."),
            field="ranking",
        )
    if proposal.kind == Proposal.Kind.CHOICE:
        ranking = [str(o) for o in (ranking or [])]
        if not ranking or len(set(ranking)) != len(ranking) or set(ranking) - set(proposal.options):
            raise Invalid(_("Rank some of the options, each once."), field="ranking")
        position = ""
    else:
        if position not in Vote.Position.values:
            raise Invalid(_("Choose agree, abstain, disagree or block."), field="position")
        ranking = []
    if proposal.kind == Proposal.Kind.REMOVE_MEMBER and proposal.subject_id == member.pk:
        # Else one block from the member concerned would decide it, every time.
        raise Conflict(_("The members decide your removal without your vote."))
    try:
        with transaction.atomic():
            locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
            if locked.status != Proposal.Status.OPEN or locked.closes_at <= now:
                raise Conflict(_("This proposal is closed."))
            vote, _created = Vote.objects.update_or_create(
                proposal=locked,
                member=member,
                defaults={
                    "position": position,
                    "ranking": ranking,
                    "reason": reason[:1000],
                    "cast_at": now,
                },
            )
            audit_record(
                coop=coop,
                actor=member,
                action="governance.voted",
                at=now,
                proposal=locked.pk,
                position=position,
            )
    except IntegrityError:
        # Two first votes raced; the constraint kept one row. Apply this one to it.
        vote = Vote.objects.get(proposal=proposal, member=member)
        vote.position, vote.ranking, vote.reason, vote.cast_at = (
            position,
            ranking,
            reason[:1000],
            now,
        )
        vote.save()
    return vote


def proxy_grant(
    *,
    coop: Cooperative,
    giver: User,
    holder: User,
    proposal: Proposal | None = None,
    until: date | None = None,
) -> Proxy:
    """Let ``holder`` vote for you on ``proposal`` (or on all, until ``until``)."""
    member_require_active(coop=coop, user=giver, action=_("name a proxy"), principle="flat")
    if not is_active_member(coop=coop, user=holder):
        raise Invalid(_("Your proxy must be an active member."), field="holder")
    if giver == holder:
        raise Invalid(_("Name another member."), field="holder")
    if proposal is None and until is None:
        raise Invalid(_("Name a proposal or a last day."), field="until")
    if until is not None:
        today = coop_today(coop)
        if until < today:
            raise Invalid(_("The last day is already past; choose today or later."), field="until")
        try:
            date_within_reach(until, today=today)
        except ValueError as error:
            raise Invalid(str(error), field="until") from error
    try:
        with transaction.atomic():
            proxy = Proxy.objects.create(
                coop=coop,
                giver=giver,
                holder=holder,
                proposal=proposal,
                until=until,
                created_at=timezone.now(),
            )
            audit_record(
                coop=coop,
                actor=giver,
                action="governance.proxy_given",
                at=proxy.created_at,
                holder=holder.pk,
                proposal=proposal.pk if proposal else None,
                until=until.isoformat() if until else None,
            )
            return proxy
    except IntegrityError as error:
        raise Conflict(
            _(
                "A member holds one proxy at a time, and gives one at a time; "
                "revoke the other first."
            )
        ) from error


def proxy_revoke(*, coop: Cooperative, giver: User) -> None:
    now = timezone.now()
    with transaction.atomic():
        updated = Proxy.objects.filter(coop=coop, giver=giver, revoked_at__isnull=True).update(
            revoked_at=now
        )
        if not updated:
            raise NotFound(_("You have no proxy to revoke."))
        audit_record(coop=coop, actor=giver, action="governance.proxy_revoked", at=now)


def tally(proposal: Proposal, now: datetime | None = None) -> dict:
    """Who voted how, counting a proxy's vote for the absent member who named them (one
    proposal's batched tally: ``selectors.tallies`` counts many at once)."""
    return selectors.tallies(proposals=[proposal], now=now)[proposal.pk].as_dict()


def everyone_voted(proposal: Proposal) -> bool:
    counts = tally(proposal)
    return counts["eligible"] > 0 and counts["voted"] >= counts["eligible"]


def _decide(proposal: Proposal, counts: dict) -> tuple[bool, str]:
    coop = proposal.coop
    needed = math.ceil(counts["eligible"] * coop.quorum_percent / 100)
    if counts["voted"] < needed:
        return False, _("failed: quorum %(voted)d of %(eligible)d voted, %(needed)d needed.") % {
            "voted": counts["voted"],
            "eligible": counts["eligible"],
            "needed": needed,
        }
    if proposal.kind == Proposal.Kind.CHOICE:
        ballots = [v.ranking for v in counts["counted"].values()]
        result = instant_runoff(proposal.options, ballots)
        proposal.result["rounds"] = [
            {"counts": r.counts, "eliminated": r.eliminated, "why": r.why} for r in result.rounds
        ]
        if result.winner is None:
            return False, _("failed: no option was ranked.")
        proposal.result["winner"] = result.winner
        return True, ngettext(
            "chosen: %(winner)s after %(n)d round of instant runoff.",
            "chosen: %(winner)s after %(n)d rounds of instant runoff.",
            len(result.rounds),
        ) % {
            "winner": result.winner,
            "n": len(result.rounds),
        }
    positions = counts["positions"]
    if positions["block"]:
        return False, ngettext(
            "failed: blocked by %(n)d member.",
            "failed: blocked by %(n)d members.",
            positions["block"],
        ) % {"n": positions["block"]}
    share = Fraction(coop.threshold)
    deciding = positions["agree"] + positions["disagree"]
    if deciding == 0 or positions["agree"] < share * deciding:
        return False, _(
            "failed: %(agree)d agree of %(deciding)d who took a side, %(share)s needed."
        ) % {"agree": positions["agree"], "deciding": deciding, "share": coop.threshold}
    return True, _(
        "passed: %(agree)d agree of %(deciding)d who took a side (%(share)s "
        "needed), %(voted)d of %(eligible)d voted."
    ) % {
        "agree": positions["agree"],
        "deciding": deciding,
        "share": coop.threshold,
        "voted": counts["voted"],
        "eligible": counts["eligible"],
    }


def proposal_close(*, proposal: Proposal, now: datetime | None = None) -> Proposal:
    """Count, decide, explain and, if it passed, apply — all at once. Closing twice does
    nothing the second time. What follows in the other domains (the batches after a rule
    change, the roles of a member removed) is ``workflows.decisions.proposal_close``'s."""
    now = now or timezone.now()
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().select_related("coop").get(pk=proposal.pk)
        if proposal.status != Proposal.Status.OPEN:
            return proposal
        counts = tally(proposal, now)
        passed, outcome = _decide(proposal, counts)
        proposal.result.update(
            {
                "eligible": counts["eligible"],
                "voted": counts["voted"],
                "by_proxy": counts["by_proxy"],
                "positions": counts["positions"],
            }
        )
        if passed:
            _apply(proposal, now)
        elif proposal.kind == Proposal.Kind.ADMIT_MEMBER:
            # Not admitted: the applicant is no longer waiting, and may be invited again.
            Membership.objects.filter(
                coop=proposal.coop, user=proposal.subject, status=Membership.Status.PENDING
            ).update(status=Membership.Status.LEFT)
        proposal.status = Proposal.Status.PASSED if passed else Proposal.Status.FAILED
        proposal.outcome = outcome
        proposal.closed_at = now
        proposal.save(update_fields=["status", "outcome", "closed_at", "result"])
        audit_record(
            coop=proposal.coop,
            actor=None,
            action="governance.closed",
            at=now,
            proposal=proposal.pk,
            status=proposal.status,
            outcome=outcome,
        )
    return proposal


def _apply(proposal: Proposal, now: datetime) -> None:
    coop = Cooperative.objects.select_for_update().get(pk=proposal.coop_id)
    if proposal.kind == Proposal.Kind.RULE_CHANGE:
        # Validated again: another rule change may have passed since this one opened.
        change = rule_change_validate(coop, proposal.change)
        before = {rule: _rule_value(coop, rule) for rule in change}
        for rule, value in change.items():
            setattr(coop, rule, value)
        coop.save(update_fields=list(change))
        proposal.result["before"] = {
            k: str(v) if v is not None else None for k, v in before.items()
        }
        proposal.result["after"] = {k: str(v) if v is not None else None for k, v in change.items()}
    elif proposal.kind == Proposal.Kind.ADMIT_MEMBER:
        admitted = Membership.objects.filter(
            coop=coop, user=proposal.subject, status=Membership.Status.PENDING
        ).update(
            status=Membership.Status.ACTIVE,
            joined_on=coop_today(coop, now=now),
            removed_at=None,
        )
        if admitted:
            audit_record(
                coop=coop,
                actor=None,
                action="membership.admitted",
                at=now,
                member=proposal.subject_id,
            )
    elif proposal.kind == Proposal.Kind.REMOVE_MEMBER:
        membership = Membership.objects.filter(coop=coop, user=proposal.subject).first()
        if membership and membership.status != Membership.Status.LEFT:
            membership.status = Membership.Status.LEFT
            membership.removed_at = now
            membership.save(update_fields=["status", "removed_at"])
            audit_record(
                coop=coop,
                actor=None,
                action="membership.removed",
                at=now,
                member=proposal.subject_id,
            )


def spending_approval(*, coop: Cooperative, amount: Decimal, proposal_id: int | None):
    """The ledger's check for an expense above the limit: it must draw on a passed spending
    proposal with enough of its approved amount left. Call it inside the posting's
    transaction: the proposal's row lock makes two expenses drawing on it queue."""
    within = coop.spending_limit is None or amount <= coop.spending_limit
    if within and not proposal_id:
        return None
    approval = (
        Proposal.objects.select_for_update()
        .filter(
            coop=coop, pk=proposal_id, kind=Proposal.Kind.SPENDING, status=Proposal.Status.PASSED
        )
        .first()
        if proposal_id
        else None
    )
    if approval is None and within:
        raise Invalid(
            _("Choose a passed spending proposal of this co-op, or none."), field="proposal"
        )
    if approval is None:
        raise PrincipleViolation(
            "flat",
            _(
                "%(amount)s is above the spending limit of %(limit)s: the members decide it "
                "together. Open a spending proposal; once it passes, choose it as the approval "
                "of this expense."
            )
            % {
                "amount": format_money(amount, coop.currency),
                "limit": format_money(coop.spending_limit, coop.currency),
            },
        )
    left = selectors.approval_left(approval)
    if amount > left:
        raise PrincipleViolation(
            "flat",
            _(
                "“%(title)s” approved %(approved)s and %(left)s of it is left: %(amount)s is "
                "more. Open a new spending proposal for the rest."
            )
            % {
                "title": approval.title,
                "approved": format_money(approval.amount, coop.currency),
                "left": format_money(left, coop.currency),
                "amount": format_money(amount, coop.currency),
            },
        )
    return approval


def facilitators_plan(
    *, coop: Cooperative, months: int = 6, today: date | None = None
) -> list[FacilitatorDuty]:
    """Who facilitates each coming month, by the same fair rotation as shifts (one place a
    month, equal weights). Months already given keep their facilitator."""
    from fourfold.lib import rotation

    today = today or coop_today(coop)
    first = today.replace(day=1)
    wanted = []
    month = first
    for _i in range(months):
        wanted.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    history_start = (first - timedelta(days=365)).replace(day=1)
    members = list(active_members(coop=coop).values_list("pk", flat=True))
    if not members:
        return []
    with transaction.atomic():
        existing = {
            d.month: d
            for d in FacilitatorDuty.objects.select_for_update().filter(
                coop=coop, month__gte=history_start
            )
        }
        months_all = sorted(set(existing) | set(wanted))
        index = {m: i for i, m in enumerate(months_all)}
        fixed = {index[m]: frozenset({d.member_id}) for m, d in existing.items()}
        slots = [rotation.Slot(key=m, batch=index[m]) for m in wanted if m not in existing]
        plan = rotation.solve(
            rotation.Problem(
                batch_count=len(months_all),
                members=members,
                weights={m: Fraction(1) for m in members},
                fixed=fixed,
                slots=slots,
            )
        )
        given = FacilitatorDuty.objects.bulk_create(
            [
                FacilitatorDuty(coop=coop, month=m, member_id=member)
                for m, member in plan.assignment.items()
                if member is not None
            ]
        )
        if given:
            audit_record(
                coop=coop,
                actor=None,
                action="governance.facilitators_planned",
                months={d.month.isoformat(): d.member_id for d in given},
            )
    return list(
        FacilitatorDuty.objects.filter(coop=coop, month__in=wanted).select_related("member")
    )
