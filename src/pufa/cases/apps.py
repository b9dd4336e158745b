from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "pufa.cases"
    label = "cases"
    verbose_name = "以案释法案例库"

    def ready(self) -> None:
        from pufa.core.audit import register_codes

        register_codes(
            {
                "cases.attachment.add": "上传案例附件",
                "cases.case.create": "新建以案释法案例",
                "cases.case.delete": "删除案例",
                "cases.case.restore": "恢复已删除的案例",
                "cases.case.publish": "发布案例",
                "cases.case.return": "退回案例修改",
                "cases.case.review": "审核案例（脱敏）",
                "cases.case.submit": "提交案例审核",
                "cases.case.update": "修改案例",
                "cases.case.withdraw": "撤回已发布的案例",
                "cases.finding.accept": "处理脱敏提示",
                "cases.use.add": "登记活动讲解的案例",
                "cases.use.remove": "移除活动讲解的案例",
            }
        )
        from pufa.cases import metrics, selectors, views
        from pufa.core.home import TodoSource, register_todo
        from pufa.core.navigation import NavItem, register
        from pufa.ledger import extensions

        metrics.register()
        register(NavItem("案例库", "cases:case-list", "cases.view", order=47, group="普法资源"))
        register_todo(TodoSource("cases", selectors.todos, order=40))
        extensions.register_section(
            extensions.ActivitySection(
                "cases.explained", "cases/_activity_section.html", views.activity_section, order=50
            )
        )
