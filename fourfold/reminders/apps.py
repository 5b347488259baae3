from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "fourfold.reminders"
    label = "reminders"
