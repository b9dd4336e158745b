from django.apps import AppConfig


class VenuesConfig(AppConfig):
    name = "pufa.venues"
    label = "venues"
    verbose_name = "法治文化阵地"

    def ready(self) -> None:
        from pufa.core.home import TodoSource, register_todo
        from pufa.core.navigation import NavItem, register
        from pufa.ledger import extensions
        from pufa.venues import metrics, selectors, views

        register(NavItem("阵地", "venues:index", "venues.view", order=45))
        register_todo(TodoSource("venues", selectors.todos, order=45))
        metrics.register()
        extensions.register_section(
            extensions.ActivitySection(
                "venues.venue", "venues/_activity_section.html", views.activity_section, order=20
            )
        )
