from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "fourfold.web"
    label = "web"
