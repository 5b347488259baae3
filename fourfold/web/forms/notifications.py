"""A member's choice of how they hear about each kind of notification."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms

from fourfold.coops.models import Cooperative
from fourfold.reminders.models import Notification, NotificationPreference
from fourfold.reminders.notices import kind_label


class NotificationPreferenceForm(forms.Form):
    """One group of four radio buttons per kind, each kind named in the words of the
    member's ``coops``."""

    def __init__(self, *args, coops: Iterable[Cooperative], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        coops = list(coops)
        for kind in Notification.Kind:
            self.fields[kind] = forms.ChoiceField(
                label=kind_label(kind, coops=coops),
                choices=NotificationPreference.Delivery.choices,
                widget=forms.RadioSelect,
            )


class PushSubscriptionForm(forms.Form):
    """A device's push subscription, as the page's script sends it (fourfold/push.js)."""

    endpoint = forms.CharField(max_length=1000)
    p256dh = forms.CharField(max_length=100)
    auth = forms.CharField(max_length=50)


class PushDeviceForm(forms.Form):
    endpoint = forms.CharField(max_length=1000)
