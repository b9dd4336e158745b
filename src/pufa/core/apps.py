from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "pufa.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        from django.core.signals import request_finished, request_started

        from pufa.core import (
            checks,  # noqa: F401 - registers the system checks
            stamps,
        )
        from pufa.core.home import HomePanel, inbox_panel, register

        # A request reads each set of stamps once (`core.stamps.joined`).
        request_started.connect(stamps.request_started, dispatch_uid="pufa-stamps-started")
        request_finished.connect(stamps.request_finished, dispatch_uid="pufa-stamps-finished")

        register(HomePanel("inbox", "core/_inbox_panel.html", inbox_panel, order=0))
