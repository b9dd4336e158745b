from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "pufa.org"
    label = "org"
    verbose_name = "组织机构"

    def ready(self) -> None:
        from pufa.core.home import TodoSource, register_todo
        from pufa.core.navigation import NavItem, register
        from pufa.org import selectors, signals  # noqa: F401  (signals: login/logout/failure audit)

        register(NavItem("首页", "home", None, order=0))
        register(NavItem("组织机构", "org:unit-list", "org.manage", order=80, group="系统管理"))
        register(NavItem("人员账号", "org:user-list", "org.manage", order=81, group="系统管理"))
        register(NavItem("审计日志", "org:audit-list", "audit.view", order=90, group="系统管理"))
        register(NavItem("意见建议", "org:feedback-list", "feedback.view", order=91, group="系统管理"))
        register_todo(TodoSource("org", selectors.todos, order=70))
