from django.apps import AppConfig


class DemandConfig(AppConfig):
    name = "pufa.demand"
    label = "demand"
    verbose_name = "精准普法"

    def ready(self) -> None:
        from pufa.core.audit import register_codes

        register_codes(
            {
                "demand.order.import": "导入热线工单",
                "demand.order.push": "接口推送热线工单",
                "demand.order.correct": "更正工单分类",
                "demand.order.delete": "删除热线工单",
                "demand.gazetteer.add": "新增地名库条目",
                "demand.gazetteer.delete": "删除地名库条目",
                "demand.rule.add": "新增分类关键词规则",
                "demand.rule.toggle": "启用/停用分类关键词规则",
                "demand.model.train": "重新训练分类模型",
                "demand.menu.place": "点单",
                "demand.menu.accept": "接单",
                "demand.menu.decline": "拒单",
                "demand.menu.deliver": "送单",
                "demand.menu.reassign": "改派点单",
                "demand.menu.reveal": "查看点单方完整电话",
                "demand.menu.undeliver": "送单活动撤销，点单退回待送单",
                "demand.menu.rate": "评单",
            }
        )
        from pufa.core.home import TodoSource, register_todo
        from pufa.core.navigation import NavItem, register
        from pufa.demand import metrics, selectors

        register(NavItem("群众需求", "demand:dashboard", "demand.view", order=48, group="普法资源"))
        register(NavItem("点单", "demand:menu-order-list", "demand.order.view", order=49, group="普法资源"))
        register_todo(TodoSource("demand", selectors.todos, order=60))
        from pufa.demand import menu_views
        from pufa.ledger.extensions import ActivitySection, register_section

        register_section(
            ActivitySection("demand.menu_order", "demand/_activity_section.html", menu_views.activity_section, order=30)
        )
        metrics.register()
