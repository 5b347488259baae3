"""Governance's forms: a proposal, a vote or a ranking, a proxy, a rule change.

The governance services check what a proposal or a vote may say (which rules, what values,
how many options); these forms check the shape, so a typo reads as a form error."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from fourfold.coops.models import Cooperative
from fourfold.governance.models import Proposal, Vote
from fourfold.governance.rules import EMPTY_MEANS_NONE, MONEY_RULES
from fourfold.ledger.models import Category, SpreadEnd
from fourfold.web.forms.common import (
    CADENCE_FIELDS,
    CadenceWords,
    ServiceWording,
    choice_field,
    swap_on_change,
)

# A rule stored as a whole number takes a whole number: "24", never "24.5" or "abc".
WHOLE_NUMBER_RULES = frozenset(
    field.name
    for field in Cooperative._meta.get_fields()
    if getattr(field, "get_internal_type", None)
    and field.get_internal_type() in ("PositiveIntegerField", "PositiveSmallIntegerField")
)
# Rule changes come from the settings page, admissions from invitations.
PROPOSAL_KINDS = (
    Proposal.Kind.GENERAL,
    Proposal.Kind.SPENDING,
    Proposal.Kind.CHOICE,
    Proposal.Kind.REMOVE_MEMBER,
    Proposal.Kind.REVERSAL,
    Proposal.Kind.BUDGET,
    Proposal.Kind.SPREAD_END,
    Proposal.Kind.RECURRING_END,
)
# Kinds whose proposal reads "Reverse entry #12", "End regular cost #3" without a title.
SELF_TITLED = (Proposal.Kind.REVERSAL, Proposal.Kind.SPREAD_END, Proposal.Kind.RECURRING_END)
BUDGET_FIELDS = tuple(f"budget_{category.value}" for category in Category)
# The fields each kind has beside its title and details: the form shows and checks only the
# chosen kind's, so a spending approval never asks for options.
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    Proposal.Kind.GENERAL: (),
    Proposal.Kind.SPENDING: ("amount",),
    Proposal.Kind.CHOICE: ("options",),
    Proposal.Kind.REMOVE_MEMBER: ("subject",),
    Proposal.Kind.REVERSAL: ("entry",),
    Proposal.Kind.BUDGET: BUDGET_FIELDS,
    Proposal.Kind.SPREAD_END: ("transaction", "rest"),
    Proposal.Kind.RECURRING_END: ("recurring",),
}
COMMON_FIELDS = ("kind", "title", "body")
# The part of the page holding the chosen kind's fields, and the chosen rule's new value.
KIND_TARGET = "proposal-kind-fields"
RULE_TARGET = "rule-value-fields"


def _reason_field() -> forms.CharField:
    return forms.CharField(
        label=_("Reason"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional. Every member sees it beside your vote."),
    )


class ProposalForm(ServiceWording):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(kind.value, kind.label) for kind in PROPOSAL_KINDS],
        initial=Proposal.Kind.GENERAL,
        help_text=_("To change a rule, use the co-op's settings page."),
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Details"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    amount = forms.CharField(
        label=_("Amount to approve"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    options = forms.CharField(
        label=_("Options, one per line"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Members rank them, instant runoff decides."),
    )
    subject = forms.ChoiceField(
        label=_("Member to remove"),
        required=False,
    )
    entry = forms.IntegerField(
        label=_("Entry number"),
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text=_("Its number in the ledger, such as 12."),
    )

    # Offered as a list, checked by the rules: a spread that finished meanwhile is refused
    # with the ledger's reason, not as an unknown choice.
    transaction = forms.IntegerField(
        label=_("Spread cost to end"),
        required=False,
        min_value=1,
        max_value=2**63 - 1,
    )
    rest = forms.ChoiceField(
        label=_("What it has not charged yet"),
        required=False,
        widget=forms.RadioSelect,
        choices=[
            (SpreadEnd.Rest.NEXT_BATCH, _("to the next batch made")),
            (SpreadEnd.Rest.WRITE_OFF, _("written off now, shared equally by the members")),
        ],
        initial=SpreadEnd.Rest.NEXT_BATCH,
    )
    service_wording: ClassVar[dict[str, dict[str, Any]]] = {
        "rest": {
            "choices": [
                (SpreadEnd.Rest.NEXT_BATCH, _("to the next session held")),
                (SpreadEnd.Rest.WRITE_OFF, _("written off now, shared equally by the members")),
            ]
        }
    }
    recurring = forms.IntegerField(
        label=_("Regular cost to end"),
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text=_("No period after it ends is entered."),
    )

    def __init__(
        self,
        *args: Any,
        members: list[str],
        currency: str,
        spreads: list[tuple[int, str]],
        regular: list[tuple[int, str]],
        fields_url: str = "",
        **kwargs: Any,
    ) -> None:
        """``spreads`` and ``regular``: the spread costs and the regular costs a proposal may
        end now, by number, each with how it reads. Only the chosen kind's fields are kept:
        the posted kind, else the initial one (a link's ``?kind=``, the "Choose" button).
        ``fields_url``: where the page fetches a kind's fields when the kind changes."""
        super().__init__(*args, **kwargs)
        chosen = self.data.get("kind") if self.is_bound else self.initial.get("kind")
        self.chosen_kind = chosen if chosen in KIND_FIELDS else Proposal.Kind.GENERAL
        if fields_url:
            swap_on_change(self.fields["kind"], fields_url, KIND_TARGET)
        if self.chosen_kind in SELF_TITLED:
            self.fields["title"].help_text = _("Leave it empty for one that says what it does.")
        for name, choices in (("transaction", spreads), ("recurring", regular)):
            self.fields[name].widget = forms.Select(choices=[("", "—"), *choices])
        self.fields["amount"].label = _("Amount to approve (%(currency)s)") % {"currency": currency}
        choice_field(self, "subject").choices = [("", "—"), *((name, name) for name in members)]
        for category in Category:
            self.fields[f"budget_{category.value}"] = forms.CharField(
                label=_("%(category)s a month (%(currency)s)")
                % {"category": category.label.capitalize(), "currency": currency},
                max_length=32,
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
                help_text=_("Leave empty for no line."),
            )
        kept = (*COMMON_FIELDS, *KIND_FIELDS[self.chosen_kind])
        self.fields = {name: field for name, field in self.fields.items() if name in kept}

    def kind_fields(self) -> list[forms.BoundField]:
        """The chosen kind's own fields, shown in the part of the form that changes with it."""
        return [self[name] for name in KIND_FIELDS[self.chosen_kind]]

    def kind_label(self) -> str:
        return str(capfirst(Proposal.Kind(self.chosen_kind).label))

    def budget_lines(self) -> list[dict[str, str]]:
        return [
            {"category": category.value, "amount": amount}
            for category in Category
            for amount in [self.cleaned_data.get(f"budget_{category.value}", "").strip()]
            if amount
        ]

    def clean_options(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        kind = cleaned.get("kind")
        titled = kind not in SELF_TITLED
        if not cleaned.get("title", "").strip() and titled and "title" not in self.errors:
            self.add_error("title", _("This field is required."))
        needs = {
            Proposal.Kind.REVERSAL: ("entry", _("Give the number of the entry to reverse.")),
            Proposal.Kind.SPREAD_END: ("transaction", _("Choose the spread cost to end.")),
            Proposal.Kind.RECURRING_END: ("recurring", _("Choose the regular cost to end.")),
        }
        if kind in needs:
            field, message = needs[kind]
            if cleaned.get(field) is None and field not in self.errors:
                self.add_error(field, message)
        if (
            kind == Proposal.Kind.SPREAD_END
            and not cleaned.get("rest")
            and "rest" not in self.errors
        ):
            self.add_error("rest", _("Say where the rest goes."))
        if cleaned.get("kind") == Proposal.Kind.BUDGET and not self.budget_lines():
            self.add_error(
                f"budget_{Category.INGREDIENTS.value}",
                _("Give at least one category its monthly amount."),
            )
        return cleaned


class VoteForm(forms.Form):
    position = forms.ChoiceField(
        label=_("Your vote"),
        widget=forms.RadioSelect,
        choices=[
            (Vote.Position.AGREE, _("Agree")),
            (Vote.Position.ABSTAIN, _("Abstain: counts for the quorum, not for the threshold")),
            (Vote.Position.DISAGREE, _("Disagree")),
            (Vote.Position.BLOCK, _("Block: one block fails the proposal")),
        ],
    )
    reason = _reason_field()


class RankForm(forms.Form):
    """One number select per option: 1 for the first choice; leave out what you would not
    accept."""

    def __init__(self, *args: Any, options: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options = list(options)
        ranks = [("", "—"), *((str(n), str(n)) for n in range(1, len(options) + 1))]
        for index, option in enumerate(self.options):
            self.fields[f"rank_{index}"] = forms.ChoiceField(
                label=option, choices=ranks, required=False
            )
        self.fields["reason"] = _reason_field()

    def rank_fields(self) -> list[forms.BoundField]:
        return [self[f"rank_{index}"] for index in range(len(self.options))]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        ranked = [
            (int(cleaned[f"rank_{index}"]), option)
            for index, option in enumerate(self.options)
            if cleaned.get(f"rank_{index}")
        ]
        if not ranked:
            raise forms.ValidationError(_("Rank at least one option: 1 for your first choice."))
        if len({rank for rank, _option in ranked}) != len(ranked):
            raise forms.ValidationError(_("Give each rank to one option only."))
        cleaned["ranking"] = [option for _rank, option in sorted(ranked)]
        return cleaned


class ProxyForm(forms.Form):
    holder = forms.ChoiceField(
        label=_("Who votes for me"),
        help_text=_("Their vote counts for you too, on this proposal, unless you vote yourself."),
    )

    def __init__(self, *args: Any, members: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "holder").choices = [(name, name) for name in members]


class RuleChangeForm(CadenceWords):
    rule = forms.ChoiceField(label=_("Rule"))
    value = forms.CharField(
        label=_("New value"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave it empty for one that says what changes."),
    )
    body = forms.CharField(
        label=_("Why"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        rules: list[tuple[str, str]],
        today: str = "",
        options: list[tuple[str, str]] | None = None,
        currency: str = "",
        cadence: str = "",
        fields_url: str = "",
        **kwargs: Any,
    ) -> None:
        """The new value's input fits the chosen rule (the posted one, else the initial):
        ``options`` offered by name when it is a choice (how members are admitted), the
        cadence in words (``cadence``: the rule today), an amount in ``currency``, a number.
        ``today``: how the chosen rule reads now, said beside the input. ``fields_url``:
        where the page fetches a rule's input when the rule changes."""
        super().__init__(*args, **kwargs)
        choice_field(self, "rule").choices = [("", _("Choose a rule")), *rules]
        if fields_url:
            swap_on_change(self.fields["rule"], fields_url, RULE_TARGET)
        chosen = self.data.get("rule") if self.is_bound else self.initial.get("rule")
        self.chosen_rule: str | None = chosen if chosen in dict(rules) else None
        if self.chosen_rule == "cadence":
            del self.fields["value"]
            self.add_cadence_words(current=cadence, before="title")
            return
        value = self.fields["value"]
        if options:
            value = self.fields["value"] = forms.ChoiceField(label=_("New value"), choices=options)
        elif self.chosen_rule in WHOLE_NUMBER_RULES:
            value.widget.attrs["inputmode"] = "numeric"
            value.help_text = _("A whole number.")
        elif self.chosen_rule in MONEY_RULES:
            value.label = _("New value (%(currency)s)") % {"currency": currency}
            value.widget.attrs["inputmode"] = "decimal"
            if self.chosen_rule in EMPTY_MEANS_NONE:
                value.help_text = _("An amount; leave it empty for none.")
        elif self.chosen_rule == "threshold":
            value.help_text = _("A fraction, such as 3/4.")
        if today:
            value.help_text = " ".join(
                [str(_("Today: %(value)s.") % {"value": today}), str(value.help_text)]
            ).strip()

    def value_fields(self) -> list[forms.BoundField]:
        """The input, or the cadence's words, for the chosen rule's new value."""
        return [self[name] for name in CADENCE_FIELDS if self.chosen_rule == "cadence"] or [
            self["value"]
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        rule = cleaned.get("rule")
        if rule == "cadence":
            cleaned["value"] = self.cadence_from_words()
            return cleaned
        value = cleaned.get("value", "")
        if not rule or "value" in self.errors:
            return cleaned
        if value == "" and rule not in EMPTY_MEANS_NONE:
            self.add_error("value", _("Enter the new value."))
        elif rule in WHOLE_NUMBER_RULES:
            if not re.fullmatch(r"[0-9]{1,9}", value):
                self.add_error("value", _("Enter a whole number, such as 24."))
            else:
                cleaned["value"] = int(value)
        return cleaned
