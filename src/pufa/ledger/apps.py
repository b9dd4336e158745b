from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "pufa.ledger"
    label = "ledger"
    verbose_name = "工作台账"

    def ready(self) -> None:
        from pufa.core import hooks as core_hooks
        from pufa.core.navigation import NavItem, register
        from pufa.ledger import metrics, services

        metrics.register()
        register(NavItem("工作台账", "ledger:activity-list", "ledger.view", order=30))
        register(NavItem("重要节点", "ledger:calendar", "ledger.view", order=31))
        register(NavItem("协办确认", "ledger:consent-list", "ledger.record", order=32))
        core_hooks.listen("daily", services.daily)  # purge files past the retention period
