from django.apps import AppConfig


class ExamsConfig(AppConfig):
    name = "pufa.exams"
    label = "exams"
    verbose_name = "学法考试"

    def ready(self) -> None:
        from pufa.core.home import TodoSource, register_todo
        from pufa.core.navigation import NavItem, register
        from pufa.exams import metrics, selectors, views
        from pufa.ledger.extensions import ActivitySection, register_section

        metrics.register()
        register(NavItem("我的考试", "exams:mine", None, order=55))
        register(NavItem("学法考试", "exams:index", "exams.view", order=56))
        register_todo(TodoSource("exams", selectors.todos, order=35))
        register_section(ActivitySection("exams.exam", "exams/_activity_section.html", views.activity_section))
