from django.apps import AppConfig


class CreationConfig(AppConfig):
    name = "pufa.creation"
    label = "creation"
    verbose_name = "民主法治示范创建"

    def ready(self) -> None:
        from pufa.core.home import TodoSource, register_todo
        from pufa.core.navigation import NavItem, register
        from pufa.creation import selectors

        register(NavItem("示范创建", "creation:index", "creation.view", order=46))
        register_todo(TodoSource("creation", selectors.todos, order=46))
