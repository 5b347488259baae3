"""Production's forms: planning ahead, recording a batch, a member's days away.

The rules (how far ahead, which dates, what hours) live in the production services, which
name the field they refuse; these forms only check the shape."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from fourfold.production.planning import MAX_PLANNING_WEEKS
from fourfold.web.forms.common import DateInput, ServiceWording


class PlanForm(ServiceWording):
    weeks = forms.IntegerField(
        label=_("Weeks ahead"),
        min_value=1,
        max_value=MAX_PLANNING_WEEKS,
        initial=8,
        help_text=_("Batches follow the cadence; producers are assigned by the fair rotation."),
    )
    service_wording: ClassVar[dict[str, dict[str, Any]]] = {
        "weeks": {
            "help_text": _(
                "Sessions follow the cadence; volunteers are assigned by the fair rotation."
            )
        }
    }


class MadeForm(ServiceWording):
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
    service_wording: ClassVar[dict[str, dict[str, Any]]] = {
        "quantity": {"label": _("Quantity given")},
        "hours": {"label": _("Hours spent, all volunteers together")},
    }


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

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("start") and not cleaned.get("end") and "end" not in self.errors:
            cleaned["end"] = cleaned["start"]
        return cleaned
