from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "fourfold.insights"
    label = "insights"
