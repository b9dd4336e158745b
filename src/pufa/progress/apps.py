from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "pufa.progress"
    label = "progress"
    verbose_name = "进度与督办"
