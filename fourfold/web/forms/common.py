"""What the web's forms share: a service's refusal placed on the form, the date input,
a choice field to set choices on, and a service co-op's wording of a form."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from fourfold.coops.models import Cooperative
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


class ServiceWording(forms.Form):
    """A form a service co-op reads in its own words: ``service_wording`` gives, per field, the
    label, help text and error messages a service says instead (each a whole msgid)."""

    service_wording: ClassVar[dict[str, dict[str, Any]]] = {}

    def __init__(self, *args: Any, coop: Cooperative | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if coop is None or not coop.is_service:
            return
        for name, wording in self.service_wording.items():
            field = self.fields[name]
            for attribute, value in wording.items():
                if attribute == "error_messages":
                    field.error_messages = {**field.error_messages, **value}
                else:
                    setattr(field, attribute, value)
