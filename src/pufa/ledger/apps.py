from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "pufa.ledger"
    label = "ledger"
    verbose_name = "工作台账"

    def ready(self) -> None:
        from pufa.core.home import TodoSource, register_todo
        from pufa.core.navigation import NavItem, register
        from pufa.ledger import metrics, selectors

        metrics.register()
        register(NavItem("工作台账", "ledger:activity-list", "ledger.view", order=30))
        register(NavItem("重要节点", "ledger:calendar", "ledger.view", order=31))
        register_todo(TodoSource("ledger", selectors.todos, order=10))
        register(NavItem("协办确认", "ledger:consent-list", "ledger.record", order=32))
