"""The form that attaches a receipt to an expense."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fourfold.ledger.receipts import ACCEPTED


class ReceiptForm(forms.Form):
    file = forms.FileField(
        label=_("Photo or PDF of the receipt"),
        help_text=_(
            "JPEG, PNG, WebP or PDF, at most 5 MB. Where a photo was taken "
            "is removed before it is kept."
        ),
        widget=forms.FileInput(attrs={"accept": ",".join(ACCEPTED)}),
    )
