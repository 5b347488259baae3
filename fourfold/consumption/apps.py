from django.apps import AppConfig


class ConsumptionConfig(AppConfig):
    name = "fourfold.consumption"
    label = "consumption"
