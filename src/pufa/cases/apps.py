from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "pufa.cases"
    label = "cases"
    verbose_name = "以案释法案例库"

    def ready(self) -> None:
        from pufa.cases import metrics, selectors, views
        from pufa.core.home import TodoSource, register_todo
        from pufa.core.navigation import NavItem, register
        from pufa.ledger import extensions

        metrics.register()
        register(NavItem("案例库", "cases:case-list", "cases.view", order=45))
        register_todo(TodoSource("cases", selectors.todos, order=40))
        extensions.register_section(
            extensions.ActivitySection(
                "cases.explained", "cases/_activity_section.html", views.activity_section, order=50
            )
        )
