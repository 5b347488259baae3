from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "fourfold.api"
    label = "api"
