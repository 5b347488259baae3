from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "fourfold.governance"
    label = "governance"
