"""A member's choice of how they hear about each kind of notification."""

from __future__ import annotations

from django import forms

from fourfold.reminders.models import Notification, NotificationPreference


class NotificationPreferenceForm(forms.Form):
    """One group of four radio buttons per kind."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in Notification.Kind.choices:
            self.fields[kind] = forms.ChoiceField(
                label=label,
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
