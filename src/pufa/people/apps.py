from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "pufa.people"
    label = "people"
    verbose_name = "普法队伍"

    def ready(self) -> None:
        from pufa.core.navigation import NavItem, register
        from pufa.people import metrics

        metrics.register()
        register(NavItem("普法队伍", "people:person-list", "people.view", order=35))
