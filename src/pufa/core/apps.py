from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "pufa.core"
    label = "core"
    verbose_name = "基础"
