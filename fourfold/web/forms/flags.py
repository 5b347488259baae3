"""Flagging an entry: the principle it breaks and why."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fourfold.governance.rules import MAX_FLAG_REASON

# The principles an entry can break (governance.rules.FLAG_PRINCIPLES), as members read them.
PRINCIPLE_CHOICES = [
    ("self_funded", _("Self-funded: money comes only from members")),
    ("no_paid_staff", _("No paid staff: nobody is paid for their work")),
    ("members_only", _("Members only: only members produce and consume")),
]


class FlagForm(forms.Form):
    principle = forms.ChoiceField(
        label=_("The principle it breaks"), choices=PRINCIPLE_CHOICES, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Why"),
        max_length=MAX_FLAG_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Every member reads it, on the proposal and in the principles audit."),
    )
