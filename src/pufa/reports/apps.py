from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "pufa.reports"
    label = "reports"
    verbose_name = "工作报告"

    def ready(self) -> None:
        from pufa.core.home import TodoSource, register_todo
        from pufa.core.navigation import NavItem, register
        from pufa.reports import selectors

        register(NavItem("工作报告", "reports:report-list", "reports.view", order=50))
        register_todo(TodoSource("reports", selectors.todos, order=30))

        from pufa.assessment import statements

        # A unit's annual report is its 述职 in its assessment (assessment sits below and cannot read it).
        statements.register("reports", selectors.unit_statements)
        # The 30 June and 31 December reminders listen to the daily pass: see pufa.wiring.
