from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "pufa.ledger"
    label = "ledger"
    verbose_name = "工作台账"
