from django.apps import AppConfig


class DutiesConfig(AppConfig):
    name = "pufa.duties"
    label = "duties"
    verbose_name = "普法责任清单"

    def ready(self) -> None:
        from pufa.core import hooks as core_hooks
        from pufa.core.home import TodoSource, register_todo
        from pufa.core.navigation import NavItem, register
        from pufa.duties import daily, matching, selectors
        from pufa.ledger import hooks

        register(NavItem("责任清单", "duties:index", "duties.view", order=40))
        register_todo(TodoSource("duties", selectors.todos, order=20))
        # Planned against done: the ledger tells us when activities are recorded (duties sits above ledger).
        hooks.on_activity_recorded(matching.on_activity_event)
        core_hooks.listen("daily", daily.daily)  # the 31 March list and announcement reminders
