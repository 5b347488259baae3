from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "fourfold.accounts"
    label = "accounts"
