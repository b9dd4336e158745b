from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "pufa.plans"
    label = "plans"
    verbose_name = "规划与任务"

    def ready(self) -> None:
        from pufa.core.navigation import NavItem, register

        register(NavItem("规划计划", "plans:plan-list", "plans.view", order=20))
        from pufa.core.audit import register_value_label
        from pufa.plans import metrics

        register_value_label("plans.target", "metric", metrics.label_of)
