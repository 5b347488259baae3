"""Founding a co-op: its name, product, cadence, time zone and economics."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from fourfold.coops.models import Cooperative
from fourfold.lib.dates import DAY_CODES, RHYTHMS, cadence_rule
from fourfold.lib.language import zone_with_city

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

    def clean(self) -> dict[str, Any]:
        """The cadence comes from the plain choices unless a rule is written out."""
        super().clean()
        data = self.cleaned_data
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
