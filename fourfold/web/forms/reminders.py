"""A member's choice of reminder e-mails in one co-op."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ReminderForm(forms.Form):
    shifts = forms.BooleanField(label=_("The day before each of my shifts"), required=False)
    votes = forms.BooleanField(
        label=_("When a vote I have not voted on closes within two days"),
        required=False,
    )
    balance = forms.BooleanField(label=_("When my balance is overdue"), required=False)
    consent = forms.BooleanField(
        label=_("When an entry names me and waits for my confirmation (then every three days)"),
        required=False,
    )
