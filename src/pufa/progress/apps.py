from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "pufa.progress"
    label = "progress"
    verbose_name = "进度与督办"

    def ready(self) -> None:
        from pufa.core import hooks
        from pufa.core.navigation import NavItem, register
        from pufa.progress import cache, reminders, rollups, services

        register(NavItem("进度督办", "progress:dashboard", "progress.view", order=5))
        from pufa.core.home import HomePanel
        from pufa.core.home import register as register_panel
        from pufa.progress.selectors import home_panel

        register_panel(HomePanel("progress", "progress/_home_panel.html", home_panel, "progress.view", order=10))
        from pufa.core.home import TodoSource, register_todo
        from pufa.progress.selectors import todos

        register_todo(TodoSource("progress", todos, order=50))
        hooks.listen("daily", reminders.daily)
        hooks.listen("ledger.activity_changed", services.on_activity_changed)
        hooks.listen("ledger.activity_changed", rollups.on_activity_changed)
        hooks.listen("plans.changed", services.on_plans_changed)
        # Rosters (people) announce unit ids and dates like the ledger; their metrics are in the registry.
        hooks.listen("people.changed", services.on_activity_changed)
        for event in ("ledger.activity_changed", "plans.changed", "org.changed", "progress.changed", "people.changed"):
            hooks.listen(event, cache.bump)
