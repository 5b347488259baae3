"""Setting up a recurring cost: the cadence is chosen from plain rhythms, never typed."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fourfold.ledger.models import Category
from fourfold.ledger.principles import POOL
from fourfold.ledger.recurring import MONTH_DAYS
from fourfold.web.forms.common import DateInput, choice_field, weekday_choices
from fourfold.web.forms.ledger import _amount_field, _confirm_large_field, _declare_field

MONTHLY, WEEKLY = "monthly", "weekly"


class RecurringForm(forms.Form):
    amount = _amount_field()
    category = forms.ChoiceField(
        label=_("Category"), choices=Category.choices, initial=Category.SPACE
    )
    description = forms.CharField(
        label=_("What for"), max_length=480, help_text=_("For example: kitchen rent.")
    )
    supplier = forms.CharField(
        label=_("Paid to"),
        max_length=120,
        required=False,
        help_text=_("The landlord or company, not a member."),
    )
    payer = forms.ChoiceField(
        label=_("Paid by"),
        help_text=_("Each time, they confirm the entry before it moves any money."),
    )
    rhythm = forms.ChoiceField(
        label=_("How often"),
        choices=[(MONTHLY, _("Every month")), (WEEKLY, _("Every week"))],
        widget=forms.RadioSelect,
        initial=MONTHLY,
    )
    month_day = forms.TypedChoiceField(
        label=_("Day of the month"),
        choices=[(day, str(day)) for day in MONTH_DAYS],
        coerce=int,
        initial=1,
        help_text=_("Every month: on this day (up to the 28th, which every month has)."),
    )
    weekday = forms.ChoiceField(
        label=_("Day of the week"),
        choices=weekday_choices,
        initial="MO",
        help_text=_("Every week: on this day."),
    )
    starts = forms.DateField(label=_("From"), initial=timezone.localdate, widget=DateInput())
    ends = forms.DateField(
        label=_("Until"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty to keep it going until someone ends it."),
    )
    confirm_large = _confirm_large_field()
    declare = _declare_field()

    def __init__(self, *args: Any, me: str, members: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "payer").choices = [
            (me, _("Me (%(name)s)") % {"name": me}),
            (POOL, _("The co-op's pool")),
            *((name, name) for name in members if name != me),
        ]

    def cadence(self) -> str:
        data = self.cleaned_data
        if data["rhythm"] == WEEKLY:
            return f"FREQ=WEEKLY;BYDAY={data['weekday']}"
        return f"FREQ=MONTHLY;BYMONTHDAY={data['month_day']}"

    def fields_for_service(self) -> dict[str, Any]:
        data = self.cleaned_data
        ends: date | None = data["ends"]
        return {
            "amount": data["amount"],
            "category": data["category"],
            "description": data["description"],
            "supplier": data["supplier"],
            "cadence": self.cadence(),
            "starts": data["starts"],
            "ends": ends,
            "confirm_large": data["confirm_large"],
            "declare": data["declare"] or "",
        }


class PayInForm(forms.Form):
    """A member's own monthly pay-in into the pool: the budget's suggested contribution, or
    any amount."""

    PREFIX = "pay_in"

    amount = _amount_field()
    month_day = forms.TypedChoiceField(
        label=_("Day of the month"),
        choices=[(day, str(day)) for day in MONTH_DAYS],
        coerce=int,
        initial=1,
        help_text=_("Each month on this day, your pay-in is entered and posted."),
    )
    starts = forms.DateField(label=_("From"), initial=timezone.localdate, widget=DateInput())

    def fields_for_service(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": "contribution",
            "amount": data["amount"],
            "category": "",
            "description": str(_("Monthly pay-in")),
            "cadence": f"FREQ=MONTHLY;BYMONTHDAY={data['month_day']}",
            "starts": data["starts"],
        }
