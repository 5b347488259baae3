from django.apps import AppConfig


class CliConfig(AppConfig):
    name = "fourfold.cli"
    label = "cli"
