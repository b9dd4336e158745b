from django.apps import AppConfig


class CreationConfig(AppConfig):
    name = "pufa.creation"
    label = "creation"
    verbose_name = "民主法治示范创建"

    def ready(self) -> None:
        from pufa.core.audit import register_codes

        register_codes(
            {
                "creation.application.approve": "街道审核通过示范创建申报",
                "creation.application.create": "发起示范创建申报",
                "creation.application.fail": "实地复核未通过",
                "creation.application.pass": "实地复核通过",
                "creation.application.return": "退回示范创建申报",
                "creation.application.submit": "提交示范创建申报",
                "creation.attest": "填写创建标准佐证",
                "creation.criterion.add": "新增创建标准",
                "creation.criterion.remove": "删除创建标准指标",
                "creation.scheme.create": "新建创建方案",
                "creation.scheme.update": "修改创建方案",
                "creation.title.award": "授予示范称号",
                "creation.title.keep": "复核保留示范称号",
                "creation.title.revoke": "复核撤销示范称号",
            }
        )
        from pufa.core.home import TodoSource, register_todo
        from pufa.core.navigation import NavItem, register
        from pufa.creation import selectors

        register(NavItem("示范创建", "creation:index", "creation.view", order=46, group="普法资源"))
        register_todo(TodoSource("creation", selectors.todos, order=46))
