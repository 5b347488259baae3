from django.apps import AppConfig


class ProductionConfig(AppConfig):
    name = "fourfold.production"
    label = "production"
