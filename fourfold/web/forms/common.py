"""What the web's forms share: a service's refusal placed on the form, the date input, a
choice field to set choices on, a cadence chosen in words, and a service co-op's wording of a
form."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils.dates import WEEKDAYS
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from fourfold.coops.models import Cooperative
from fourfold.errors import FourfoldError, NeedsConfirmation
from fourfold.lib.dates import DAY_CODES, cadence_rule, describe_cadence, plain_rhythm, reader_week


def weekday_choices() -> list[tuple[str, str]]:
    """The days of the week to choose from, named and ordered as the reader's week runs."""
    return [(code, str(WEEKDAYS[DAY_CODES.index(code)])) for code in reader_week()]


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


def swap_on_change(field: forms.Field, url: str, target: str) -> None:
    """With htmx, choosing in ``field`` fetches ``url`` with the choice and puts the answer
    in the element ``target``: the fields that go with the choice, without a reload. Without
    scripts a "Choose" button beside it does the same by posting."""
    field.widget.attrs.update(
        {
            "hx-get": url,
            "hx-trigger": "change",
            "hx-target": f"#{target}",
            "hx-swap": "innerHTML",
            "aria-controls": target,
        }
    )


KEEP = "keep"
CADENCE_FIELDS = ("rhythm", "days", "week_of_month")


class CadenceWords(forms.Form):
    """A cadence chosen in words, never typed as a rule: every week on one day or several
    (Tuesday and Friday), every two weeks, or the first … last of a day of the month. A form
    adds the fields with ``add_cadence_words`` and reads the rule with ``cadence_from_words``.

    A co-op whose rule today no words here say (every day, the 15th) is offered to keep it:
    it reads in words with a note, and stays unless the member picks new words."""

    def add_cadence_words(self, *, current: str = "", before: str | None = None) -> None:
        """The cadence's fields, before the field ``before`` (else last), set to ``current``:
        the rule today, if any, which reads in words beside them."""
        self.current_cadence = current
        plain = plain_rhythm(current) if current else None
        words = capfirst(describe_cadence(current) or current)
        # Built per form, in the reader's language.
        rhythms = [
            ("weekly", str(_("Every week"))),
            ("fortnightly", str(_("Every two weeks"))),
            ("monthly", str(_("Once a month"))),
        ]
        rhythm = forms.ChoiceField(
            label=_("How often you make a batch"),
            choices=rhythms,
            initial=plain[0] if plain else "weekly",
            help_text=_("Today: %(value)s.") % {"value": words} if current else "",
        )
        if current and plain is None:
            rhythms.insert(0, (KEEP, str(_("Keep it: %(words)s") % {"words": words})))
            rhythm.choices, rhythm.initial = rhythms, KEEP
            rhythm.help_text = _(
                "Today: %(value)s. These words cannot say that rhythm: it stays as it is "
                "unless you choose new words."
            ) % {"value": words}
        fields: dict[str, forms.Field] = {
            "rhythm": rhythm,
            "days": forms.MultipleChoiceField(
                label=_("On"),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=weekday_choices(),
                initial=plain[1] if plain else ["SU"],
                help_text=_(
                    "Every week or every two weeks: tick each day, such as Tuesday and Friday. "
                    "Once a month: one day."
                ),
            ),
            "week_of_month": forms.TypedChoiceField(
                label=_("Which week, when once a month"),
                required=False,
                coerce=int,
                initial=plain[2] if plain else 1,
                choices=[
                    (1, _("the first")),
                    (2, _("the second")),
                    (3, _("the third")),
                    (4, _("the fourth")),
                    (-1, _("the last")),
                ],
            ),
        }
        names = list(self.fields)
        at = names.index(before) if before in names else len(names)
        self.fields = {
            **{name: self.fields[name] for name in names[:at]},
            **fields,
            **{name: self.fields[name] for name in names[at:]},
        }

    def cadence_from_words(self) -> str | None:
        """The rule the chosen words make (taking them out of ``cleaned_data``), or None
        with the error placed next to the words."""
        data = self.cleaned_data
        rhythm = data.pop("rhythm", None)
        days: list[str] = data.pop("days", None) or []
        week = data.pop("week_of_month", None) or 1
        if rhythm is None:
            return None
        if rhythm == KEEP:
            return self.current_cadence
        if not days:
            self.add_error("days", _("Tick the day, or the days, of the batch."))
            return None
        if rhythm == "monthly" and len(days) > 1:
            self.add_error("days", _("Once a month is on one day: tick only one."))
            return None
        return cadence_rule(rhythm, days, week)


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
