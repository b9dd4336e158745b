from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "pufa.people"
    label = "people"
    verbose_name = "普法队伍"

    def ready(self) -> None:
        from pufa.core.audit import register_codes
        from pufa.core.home import TodoSource, register_todo
        from pufa.core.navigation import NavItem, register
        from pufa.ledger.extensions import ActivitySection, register_section
        from pufa.people import metrics, selectors, views

        metrics.register()
        register_codes(
            {
                "people.person": "登记或修改队伍成员",
                "people.reveal": "查看完整手机号",
                "people.login": "开通或停用队伍成员登录账号",
                "people.join": "加入队伍",
                "people.leave": "退出队伍",
                "people.household": "登记学法用法示范户",
                "people.attendance": "登记培训参加人员",
                "people.import": "导入队伍名册",
                "people.keep": "动态调整：保留人员",
                "people.rule": "设置动态调整规则",
                "people.kind": "修改队伍类别",
                "people.spotcheck": "电话抽查：抽取人员",
                "people.spotcheck.record": "电话抽查：记录结果",
            }
        )
        register_todo(TodoSource("people", selectors.todos, order=30))
        # A training is a ledger activity; its attendees (people-owned Attendance rows) show on its page.
        register_section(ActivitySection("people.attendees", "people/_activity_section.html", views.activity_section))
        register(NavItem("普法队伍", "people:person-list", "people.view", order=35, group="普法资源"))
        register(NavItem("电话抽查", "people:spotcheck-list", "people.spotcheck", order=36, group="普法资源"))
