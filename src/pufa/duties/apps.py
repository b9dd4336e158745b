from django.apps import AppConfig


class DutiesConfig(AppConfig):
    name = "pufa.duties"
    label = "duties"
    verbose_name = "普法责任清单"

    def ready(self) -> None:
        from pufa.core.home import TodoSource, register_todo
        from pufa.core.navigation import NavItem, register
        from pufa.duties import selectors

        register(NavItem("责任清单", "duties:index", "duties.view", order=40))
        register_todo(TodoSource("duties", selectors.todos, order=20))
        # Planned against done and the daily reminders listen on the event bus: see pufa.wiring.
