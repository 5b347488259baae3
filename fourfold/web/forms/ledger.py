"""The ledger's forms: an expense, a payment into the pool, a reversal, a decline, the filters.

Amounts are text: the ledger's service parses them (a positive amount, no finer than the
currency's minor unit) and names the field when it refuses one, so the rule lives once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fourfold.coops.models import Cooperative
from fourfold.errors import FourfoldError, PrincipleCheck
from fourfold.ledger.models import Category, Transaction
from fourfold.ledger.principles import DECLARATIONS, POOL
from fourfold.web.forms.common import (
    DateInput,
    ServiceWording,
    add_domain_error,
    choice_field,
)
from fourfold.web.presenters.ledger import kind_label


def _amount_field() -> forms.CharField:
    return forms.CharField(
        label=_("Amount"),
        max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


def _confirm_large_field() -> forms.BooleanField:
    # Hidden until the service asks for it (add_domain_error shows it with its question); once
    # ticked it rides along hidden if the form comes back for another reason.
    return forms.BooleanField(
        label=_("Yes, this amount is right"), required=False, widget=forms.HiddenInput()
    )


class DeclarationCheckbox(forms.CheckboxInput):
    """A checkbox that, ticked, sends the name of the principle declared (a plain one sends
    "on")."""

    def __init__(self, principle: str) -> None:
        super().__init__(attrs={"value": principle}, check_test=lambda value: value == principle)

    def format_value(self, value: Any) -> None:
        return None

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name, "")


def _declare_field() -> forms.ChoiceField:
    # Hidden until the service asks about the entry's words (entry_error shows it as the
    # declaration to tick); once ticked it rides along hidden if the form comes back again.
    return forms.ChoiceField(
        required=False, choices=[("", ""), *DECLARATIONS.items()], widget=forms.HiddenInput()
    )


def entry_error(form: forms.Form, error: FourfoldError) -> None:
    """A service's refusal of an entry, on its form. Words asked about (``PrincipleCheck``)
    read atop the form, naming the words found, with the declaration to tick and send again."""
    if isinstance(error, PrincipleCheck) and "declare" in form.fields:
        field = form.fields["declare"]
        field.widget = DeclarationCheckbox(error.principle)
        # The bound field took its label when the form was cleaned; it shows this one.
        form["declare"].label = field.label = _("I declare: %(statement)s") % {
            "statement": DECLARATIONS[error.principle]
        }
        field.help_text = _("Shown to every member with the entry; any member can flag it.")
        form.add_error(None, error.detail)
        return
    add_domain_error(form, error)


def _occurred_on_field() -> forms.DateField:
    # ``timezone.localdate`` runs when the form is built, after the page has activated the
    # co-op's zone: "today" is the co-op's today.
    return forms.DateField(
        label=_("Date"),
        required=False,
        initial=timezone.localdate,
        widget=DateInput(),
        help_text=_("When the money changed hands."),
    )


class ExpenseForm(ServiceWording):
    amount = _amount_field()
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    payer = forms.ChoiceField(label=_("Paid by"))
    supplier = forms.CharField(
        label=_("Supplier"),
        max_length=120,
        required=False,
        help_text=_("The shop or farm it came from."),
    )
    description = forms.CharField(label=_("What for"), max_length=500, required=False)
    occurred_on = _occurred_on_field()
    split = forms.MultipleChoiceField(
        label=_("Split among"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Everyone checked carries an equal share of the cost."),
    )
    spread = forms.IntegerField(
        label=_("Or spread it over the next batches"),
        required=False,
        min_value=2,
        max_value=260,
        help_text=_(
            "For equipment that lasts: each of the next so many batches made carries an equal "
            "part, shared among its consumers by what they take. Leave empty to charge it now."
        ),
    )
    service_wording: ClassVar[dict[str, dict[str, Any]]] = {
        "spread": {
            "label": _("Or spread it over the next sessions"),
            "help_text": _(
                "For equipment that lasts: each of the next so many sessions held carries an "
                "equal part, shared among its members by what they book. Leave empty to charge "
                "it now."
            ),
        }
    }

    proposal = forms.TypedChoiceField(
        label=_("Spending approval"),
        required=False,
        coerce=int,
        empty_value=None,
    )
    confirm_large = _confirm_large_field()
    declare = _declare_field()

    def __init__(
        self,
        *args: Any,
        me: str,
        members: list[str],
        currency: str,
        limit: str | None = None,
        approvals: Sequence[tuple[str, int, str]] = (),
        **kwargs: Any,
    ) -> None:
        """``limit``: the co-op's spending limit, shown as money, if it has one; ``approvals``:
        (title, id, amount left) of the passed spending proposals an expense can draw on."""
        super().__init__(*args, **kwargs)
        self.fields["amount"].label = _("Amount (%(currency)s)") % {"currency": currency}
        if limit is None:
            del self.fields["proposal"]
        else:
            choice_field(self, "proposal").choices = [
                ("", _("None: the amount is within the limit")),
                *(
                    (pk, _("“%(title)s”, %(left)s left") % {"title": title, "left": left})
                    for title, pk, left in approvals
                ),
            ]
            self.fields["proposal"].help_text = _(
                "Above %(limit)s the members decide together: choose the passed spending "
                "proposal this expense draws on."
            ) % {"limit": limit}
        choice_field(self, "payer").choices = [
            (me, _("Me (%(name)s)") % {"name": me}),
            (POOL, _("The co-op's pool")),
            *((name, name) for name in members if name != me),
        ]
        choice_field(self, "split").choices = [(name, name) for name in members]
        self.fields["split"].initial = list(members)

    def clean(self) -> dict[str, Any] | None:
        super().clean()
        batches = self.cleaned_data.get("spread")
        # A spread cost is shared batch by batch, by units: not split among names now.
        self.cleaned_data["spread"] = {"batches": batches} if batches else None
        if batches:
            self.cleaned_data["split"] = None
        return self.cleaned_data


class ContributionForm(forms.Form):
    amount = _amount_field()
    description = forms.CharField(
        label=_("Note"),
        max_length=500,
        required=False,
        help_text=_("For example: monthly share for March."),
    )
    occurred_on = _occurred_on_field()
    # The member's word, in those words: a pay-in is their own money.
    own_money = forms.BooleanField(
        label=_("This is my own money"),
        error_messages={
            "required": _(
                "Tick “This is my own money”: the co-op is funded only by its members' own money."
            )
        },
    )
    confirm_large = _confirm_large_field()
    declare = _declare_field()

    def __init__(self, *args: Any, currency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["amount"].label = _("Amount (%(currency)s)") % {"currency": currency}

    def entry(self) -> dict[str, Any]:
        """What the ledger is told; the member's word that it is their own money stays here."""
        return {name: value for name, value in self.cleaned_data.items() if name != "own_money"}


class DepositForm(forms.Form):
    amount = _amount_field()

    def __init__(self, *args: Any, currency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["amount"].label = _("Amount (%(currency)s)") % {"currency": currency}
        self.fields["amount"].help_text = _("All that is due, or a part of it now.")


class ReverseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why"),
        max_length=500,
        required=False,
        help_text=_("Optional; it shows on the reversal."),
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why not"),
        max_length=500,
        required=False,
        help_text=_("Optional; whoever entered it sees it."),
    )


class TransactionFilterForm(forms.Form):
    member = forms.ChoiceField(label=_("Member"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Transaction.Kind.choices]
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All categories")), *Category.choices]
    )
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args: Any, members: list[str], coop: Cooperative, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "kind").choices = [
            ("", _("All kinds")),
            *((kind, kind_label(kind, coop)) for kind in Transaction.Kind.values),
        ]
        choice_field(self, "member").choices = [
            ("", _("Everyone")),
            *((name, name) for name in members),
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end date comes before the start date."))
        return cleaned
