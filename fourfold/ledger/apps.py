from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "fourfold.ledger"
    label = "ledger"
