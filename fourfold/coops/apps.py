from django.apps import AppConfig


class CoopsConfig(AppConfig):
    name = "fourfold.coops"
    label = "coops"
