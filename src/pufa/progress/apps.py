from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "pufa.progress"
    label = "progress"
    verbose_name = "进度与督办"

    def ready(self) -> None:
        from pufa.core.navigation import NavItem, register

        register(NavItem("进度督办", "progress:dashboard", "progress.view", order=5))
        register(NavItem("我的任务", "progress:my-tasks", "plans.view", order=10))
        from pufa.core.home import HomePanel
        from pufa.core.home import register as register_panel
        from pufa.progress.selectors import home_panel

        register_panel(HomePanel("progress", "progress/_home_panel.html", home_panel, "progress.view", order=10))
        from pufa.core.home import TodoSource, register_todo
        from pufa.progress.selectors import todos

        register_todo(TodoSource("progress", todos, order=50))
        # Targets, rollups, the dashboard cache and the daily pass listen on the event bus: see pufa.wiring.
