"""Forms validate the shape of input; the rules live in the services they feed."""

from __future__ import annotations

import re
import zoneinfo

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from fourfold.accounts import services as account_services
from fourfold.accounts.models import User
from fourfold.consumption.services import MAX_UNITS
from fourfold.coops.models import Cooperative
from fourfold.errors import FourfoldError, NeedsConfirmation
from fourfold.governance.models import Proposal, Vote
from fourfold.ledger.entries import POOL
from fourfold.ledger.models import Category, Transaction
from fourfold.lib.dates import DAY_CODES, RHYTHMS, cadence_rule
from fourfold.lib.language import zone_with_city
from fourfold.production.planning import MAX_PLANNING_WEEKS
from fourfold.web.devices import device_user_id


def add_domain_error(form: forms.Form, error: FourfoldError) -> None:
    """Put a service's refusal next to the field it names, or atop the form. A question
    (``NeedsConfirmation``) shows its field, a checkbox, to answer it."""
    field = error.field if error.field in form.fields else None
    if field is not None and isinstance(error, NeedsConfirmation):
        form.fields[field].widget = forms.CheckboxInput()
    form.add_error(field, error.detail)


class SignupForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters; not only digits, not a common password."),
    )

    # The sign-up service checks the same and refuses at the first fault; checked here too,
    # so a form with three faults shows all three at once, each by its field.
    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        try:
            User.username_validator(username)
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error
        return username

    def clean(self) -> dict:
        data = super().clean()
        password = data.get("password")
        if password is not None:
            probe = User(username=data.get("username", ""), email=data.get("email", ""))
            try:
                password_validation.validate_password(password, user=probe)
            except ValidationError as error:
                self.add_error("password", error.messages)
        return data


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's login form, refusing a client that has had too many failures."""

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = account_services.user_login_check(
                    request=self.request,
                    username=username,
                    password=password,
                    device_user_id=device_user_id(self.request),
                )
            except FourfoldError as error:
                raise forms.ValidationError(error.detail, code=error.code) from error
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data

    def get_invalid_login_error(self) -> forms.ValidationError:
        # Built without ``params``: a ValidationError with params is %-formatted on display,
        # which would turn the safe link back into escaped text.
        message = format_html(
            _(
                "That username and password do not match. Check them, or "
                '<a href="{url}">reset your password</a>.'
            ),
            url=reverse("web:password_reset"),
        )
        return forms.ValidationError(message, code="invalid_login")


class ThrottledPasswordResetForm(PasswordResetForm):
    """Django's reset form, sending one address no more than a few e-mails an hour. The page
    after it reads the same either way, so it tells no one whether an account exists."""

    def save(self, *args, **kwargs) -> None:
        if account_services.password_reset_allowed(email=self.cleaned_data["email"]):
            super().save(*args, **kwargs)


# The zones most co-ops would pick, offered first and in words; every zone follows.
COMMON_TIME_ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Halifax",
    "America/Mexico_City",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Athens",
    "Africa/Lagos",
    "Africa/Johannesburg",
    "Africa/Nairobi",
    "Asia/Kolkata",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
    "UTC",
)


def time_zone_choices() -> list:
    """Two groups for a <select>: the common zones as people say them ("Eastern Time (New
    York)", in the reader's language, so built per form, not at import), then all zones."""
    return [
        (_("Common time zones"), [(name, zone_with_city(name)) for name in COMMON_TIME_ZONES]),
        (
            _("All time zones"),
            sorted((name, name.replace("_", " ")) for name in zoneinfo.available_timezones()),
        ),
    ]


class CoopForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        widget=forms.TextInput(attrs={"placeholder": _("Somerville Yogurt Cooperative")}),
    )
    slug = forms.SlugField(
        label=_("Short name for links"),
        max_length=50,
        help_text=_("Lower-case letters, numbers and hyphens, e.g. somerville."),
    )
    product = forms.CharField(
        label=_("What you make or do together"),
        max_length=120,
        help_text=_("A good (yogurt) or a service (bike repair)."),
    )
    unit = forms.CharField(
        label=_("Unit"), max_length=40, help_text=_("How a share is counted: quart, loaf, repair.")
    )
    unit_plural = forms.CharField(
        label=_("Unit, for more than one"),
        max_length=40,
        required=False,
        help_text=_(
            "As in “24 quarts” or “8 repair slots”. Leave it empty and fourfold adds an s "
            "(or es, ies); members can change it later by a rule change."
        ),
    )
    rhythm = forms.ChoiceField(
        label=_("How often you make a batch"),
        required=False,
        initial="weekly",
        choices=[
            ("weekly", _("Every week")),
            ("fortnightly", _("Every two weeks")),
            ("monthly", _("Once a month")),
            ("rule", _("Another rhythm: write its rule below")),
        ],
    )
    day = forms.ChoiceField(
        label=_("On"),
        required=False,
        initial="SU",
        choices=[(code, WEEKDAYS[index]) for index, code in enumerate(DAY_CODES)],
    )
    week_of_month = forms.TypedChoiceField(
        label=_("Which week, when once a month"),
        required=False,
        coerce=int,
        initial=1,
        choices=[
            (1, _("the first")),
            (2, _("the second")),
            (3, _("the third")),
            (4, _("the fourth")),
            (-1, _("the last")),
        ],
    )
    cadence = forms.CharField(
        label=_("Cadence"),
        max_length=255,
        required=False,
        help_text=_(
            "Only for another rhythm: an RFC 5545 rule, such as FREQ=WEEKLY;BYDAY=TU,FR for "
            "every Tuesday and Friday. A rule written here comes before the choices above."
        ),
    )
    timezone = forms.ChoiceField(
        label=_("Time zone"), choices=time_zone_choices, initial="America/New_York"
    )
    target_quantity = forms.IntegerField(
        label=_("Target quantity per batch"), min_value=1, initial=20
    )
    producers_per_batch = forms.IntegerField(
        label=_("Producers per batch"), min_value=1, max_value=50, initial=2
    )
    currency = forms.CharField(
        label=_("Currency"),
        max_length=3,
        initial="USD",
        help_text=_("ISO 4217 code: USD, EUR, GBP…"),
    )
    commercial_unit_price = forms.DecimalField(
        label=_("Commercial price per unit"),
        min_value=0,
        max_digits=14,
        decimal_places=4,
        help_text=_("What a unit costs in a shop, to show what the co-op saves."),
    )
    diy_minutes_per_unit = forms.DecimalField(
        label=_("Minutes to make one unit alone"),
        min_value=0,
        max_digits=8,
        decimal_places=2,
        help_text=_("Making it yourself at home, to show the time saved together."),
    )

    def clean(self) -> dict:
        """The cadence comes from the plain choices unless a rule is written out."""
        data = super().clean()
        rhythm = data.pop("rhythm", "") or "rule"
        day = data.pop("day", "") or "SU"
        week = data.pop("week_of_month", None) or 1
        if not data.get("cadence") and "cadence" not in self.errors:
            if rhythm in RHYTHMS:
                data["cadence"] = cadence_rule(rhythm, day, week)
            else:
                self.add_error(
                    "cadence",
                    _("Write the rule for your rhythm, such as FREQ=WEEKLY;BYDAY=TU,FR."),
                )
        return data


# --- The ledger ---------------------------------------------------------------------------
# Amounts are text: the ledger's service parses them (a positive amount, no finer than the
# currency's minor unit) and names the field when it refuses one, so the rule lives once.


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


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


class ExpenseForm(forms.Form):
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

    proposal = forms.TypedChoiceField(
        label=_("Spending approval"),
        required=False,
        coerce=int,
        empty_value=None,
    )
    confirm_large = _confirm_large_field()

    def __init__(
        self,
        *args,
        me: str,
        members: list[str],
        currency: str,
        limit: str | None = None,
        approvals: list[tuple[str, int, str]] = (),
        **kwargs,
    ) -> None:
        """``limit``: the co-op's spending limit, shown as money, if it has one; ``approvals``:
        (title, id, amount left) of the passed spending proposals an expense can draw on."""
        super().__init__(*args, **kwargs)
        self.fields["amount"].label = _("Amount (%(currency)s)") % {"currency": currency}
        if limit is None:
            del self.fields["proposal"]
        else:
            self.fields["proposal"].choices = [
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
        self.fields["payer"].choices = [
            (me, _("Me (%(name)s)") % {"name": me}),
            (POOL, _("The co-op's pool")),
            *((name, name) for name in members if name != me),
        ]
        self.fields["split"].choices = [(name, name) for name in members]
        self.fields["split"].initial = list(members)


class ContributionForm(forms.Form):
    amount = _amount_field()
    description = forms.CharField(
        label=_("Note"),
        max_length=500,
        required=False,
        help_text=_("For example: monthly share for March."),
    )
    occurred_on = _occurred_on_field()
    confirm_large = _confirm_large_field()

    def __init__(self, *args, currency: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["amount"].label = _("Amount (%(currency)s)") % {"currency": currency}


class ReverseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why"),
        max_length=500,
        required=False,
        help_text=_("Optional; it shows on the reversal."),
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

    def __init__(self, *args, members: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [("", _("Everyone")), *((name, name) for name in members)]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end date comes before the start date."))
        return cleaned


# --- Production ---------------------------------------------------------------------------
# The rules (how far ahead, which dates, what hours) live in the production services, which
# name the field they refuse; these forms only check the shape.


class PlanForm(forms.Form):
    weeks = forms.IntegerField(
        label=_("Weeks ahead"),
        min_value=1,
        max_value=MAX_PLANNING_WEEKS,
        initial=8,
        help_text=_("Batches follow the cadence; producers are assigned by the fair rotation."),
    )


class MadeForm(forms.Form):
    quantity = forms.IntegerField(
        label=_("Quantity made"),
        min_value=0,
        max_value=1_000_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    hours = forms.CharField(
        label=_("Hours spent, all producers together"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=_("For example 3.5."),
    )


class MissedForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it was missed"),
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class UnavailabilityForm(forms.Form):
    start = forms.DateField(label=_("First day away"), widget=DateInput())
    end = forms.DateField(
        label=_("Last day away"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave it empty for a single day."),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=200,
        required=False,
        help_text=_("Optional, for yourself: holiday, visiting family."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and not cleaned.get("end") and "end" not in self.errors:
            cleaned["end"] = cleaned["start"]
        return cleaned


# --- Consumption --------------------------------------------------------------------------
# The consumption services own the rules (who may take a share, the reservation cut-off);
# these forms check the shape. The minus and plus buttons post the new size itself, not a step, so a
# double click or a stale page sets a size the member saw rather than adding twice.


def _units_field(
    label: str, help_text: str = "", error_messages: dict | None = None
) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=MAX_UNITS,
        help_text=help_text,
        error_messages=error_messages,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class ShareForm(forms.Form):
    # The share view shows a refusal as a message at the top of the page, away from the
    # field, so each one says what to type instead.
    units = _units_field(
        _("Units of every batch"),
        _("0 stops your share."),
        error_messages={
            "required": _("Say how many units you take of every batch (0 means none)."),
            "invalid": _("Take a whole number of units, such as 2."),
            "min_value": _("Take 0 or more units (0 means none)."),
            "max_value": _("Take at most %(limit_value)s units of every batch."),
        },
    )


class SharePauseForm(forms.Form):
    paused = forms.TypedChoiceField(
        choices=[("1", _("Pause")), ("0", _("Resume"))], coerce=lambda value: value == "1"
    )


class ReservationForm(forms.Form):
    units = _units_field(_("Units of this batch"), _("0 skips this batch."))


# --- Governance ---------------------------------------------------------------------------
# The governance services check what a proposal or a vote may say (which rules, what values,
# how many options); these forms check the shape, so a typo reads as a form error.

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
)


def _reason_field() -> forms.CharField:
    return forms.CharField(
        label=_("Reason"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional. Every member sees it beside your vote."),
    )


class ProposalForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(kind.value, kind.label) for kind in PROPOSAL_KINDS],
        initial=Proposal.Kind.GENERAL,
        help_text=_("To change a rule, use the co-op's settings page."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
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
        help_text=_("Spending approvals only."),
    )
    options = forms.CharField(
        label=_("Options, one per line"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Ranked choices only: members rank them, instant runoff decides."),
    )
    subject = forms.ChoiceField(
        label=_("Member to remove"),
        required=False,
        help_text=_("Removing a member only."),
    )

    def __init__(self, *args, members: list[str], currency: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["amount"].label = _("Amount to approve (%(currency)s)") % {"currency": currency}
        self.fields["subject"].choices = [("", "—"), *((name, name) for name in members)]

    def clean_options(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]


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

    def __init__(self, *args, options: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.options = list(options)
        ranks = [("", "—"), *((str(n), str(n)) for n in range(1, len(options) + 1))]
        for index, option in enumerate(self.options):
            self.fields[f"rank_{index}"] = forms.ChoiceField(
                label=option, choices=ranks, required=False
            )
        self.fields["reason"] = _reason_field()

    def rank_fields(self):
        return [self[f"rank_{index}"] for index in range(len(self.options))]

    def clean(self):
        cleaned = super().clean()
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

    def __init__(self, *args, members: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["holder"].choices = [(name, name) for name in members]


class RuleChangeForm(forms.Form):
    rule = forms.ChoiceField(label=_("Rule"))
    value = forms.CharField(
        label=_("New value"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_(
            "A whole number for counts, days and hours; a fraction such as 3/4 for the "
            "threshold; an empty spending limit means no limit."
        ),
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
        *args,
        rules: list[tuple[str, str]],
        options: list[tuple[str, str]] | None = None,
        **kwargs,
    ) -> None:
        """``options``: the values the chosen rule can take, when it is a choice (how members
        are admitted, how general costs are shared): offered by name, not typed."""
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [("", _("Choose a rule")), *rules]
        if options:
            self.fields["value"] = forms.ChoiceField(label=_("New value"), choices=options)

    def clean(self):
        cleaned = super().clean()
        rule, value = cleaned.get("rule"), cleaned.get("value", "")
        if not rule or "value" in self.errors:
            return cleaned
        if value == "" and rule != "spending_limit":
            self.add_error("value", _("Enter the new value."))
        elif rule in WHOLE_NUMBER_RULES:
            if not re.fullmatch(r"[0-9]{1,9}", value):
                self.add_error("value", _("Enter a whole number, such as 24."))
            else:
                cleaned["value"] = int(value)
        return cleaned
