"""What the web's forms share: a service's refusal placed on the form, the date input,
and a choice field to set choices on."""

from __future__ import annotations

from typing import Any

from django import forms

from fourfold.errors import FourfoldError, NeedsConfirmation


def add_domain_error(form: forms.Form, error: FourfoldError) -> None:
    """Put a service's refusal next to the field it names, or atop the form. A question
    (``NeedsConfirmation``) shows its field, a checkbox, to answer it."""
    field = error.field if error.field in form.fields else None
    if field is not None and isinstance(error, NeedsConfirmation):
        form.fields[field].widget = forms.CheckboxInput()
    form.add_error(field, error.detail)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    """The form's choice field ``name``, for setting choices built per request."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{name} is not a choice field")
    return field
