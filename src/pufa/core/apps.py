from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "pufa.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        from django.core.signals import request_finished, request_started

        from pufa.core import (
            checks,  # noqa: F401 - registers the system checks
            per_request,
        )
        from pufa.core.home import HomePanel, inbox_panel, register

        # What a request reads once (`core.per_request`: the stamps, a survey's state by its token).
        request_started.connect(per_request.started, dispatch_uid="pufa-per-request-started")
        request_finished.connect(per_request.finished, dispatch_uid="pufa-per-request-finished")

        register(HomePanel("inbox", "core/_inbox_panel.html", inbox_panel, order=0))
