from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "pufa.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        from pufa.core import checks  # noqa: F401 - registers the system checks
        from pufa.core.home import HomePanel, inbox_panel, register

        register(HomePanel("inbox", "core/_inbox_panel.html", inbox_panel, order=0))
