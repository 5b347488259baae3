"""Consumption's forms: a standing share, pausing it, a reservation for one batch.

The consumption services own the rules (who may take a share, the reservation cut-off); these
forms check the shape. The minus and plus buttons post the new size itself, not a step, so a
double click or a stale page sets a size the member saw rather than adding twice."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from fourfold.consumption.services import MAX_UNITS
from fourfold.web.forms.common import ServiceWording

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _units_field(
    label: StrOrPromise, help_text: StrOrPromise = "", error_messages: dict[str, Any] | None = None
) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=MAX_UNITS,
        help_text=help_text,
        error_messages=error_messages,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class ShareForm(ServiceWording):
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
    service_wording: ClassVar[dict[str, dict[str, Any]]] = {
        "units": {
            "label": _("Units of every session"),
            "error_messages": {
                "required": _("Say how many units you book of every session (0 means none)."),
                "max_value": _("Book at most %(limit_value)s units of every session."),
            },
        }
    }


class SharePauseForm(forms.Form):
    paused = forms.TypedChoiceField(
        choices=[("1", _("Pause")), ("0", _("Resume"))], coerce=lambda value: value == "1"
    )


class ReservationForm(ServiceWording):
    units = _units_field(_("Units of this batch"), _("0 skips this batch."))
    service_wording: ClassVar[dict[str, dict[str, Any]]] = {
        "units": {"label": _("Units of this session"), "help_text": _("0 skips this session.")}
    }
