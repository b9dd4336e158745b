from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo district. It sits above every app so it may seed them all, in dependency order."""

    name = "pufa.demo"
    label = "demo"
    verbose_name = "演示数据"
