from django.apps import AppConfig


class DutiesConfig(AppConfig):
    name = "pufa.duties"
    label = "duties"
    verbose_name = "普法责任清单"
