"""Founding a co-op: its name, product, cadence, time zone and economics."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fourfold.coops.models import Cooperative
from fourfold.lib.language import zone_with_city
from fourfold.web.forms.common import CadenceWords

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


class CoopForm(CadenceWords):
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
    # Left out (an older client, a script), a co-op makes a good, as co-ops did before.
    kind = forms.TypedChoiceField(
        label=_("A good or a service"),
        choices=Cooperative.Kind.choices,
        required=False,
        empty_value=Cooperative.Kind.GOOD,
        initial=Cooperative.Kind.GOOD,
        widget=forms.RadioSelect,
        help_text=_(
            "A good is made in batches and collected; a service is given in sessions members "
            "book. It picks the words every page uses."
        ),
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_cadence_words(before="timezone")

    def clean(self) -> dict[str, Any]:
        """The cadence is the rule its words make."""
        super().clean()
        self.cleaned_data["cadence"] = self.cadence_from_words()
        return self.cleaned_data
