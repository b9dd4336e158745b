from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "pufa.surveys"
    label = "surveys"
    verbose_name = "效果评估"

    def ready(self) -> None:
        from pufa.core.audit import register_codes

        register_codes(
            {
                "surveys.survey.create": "新建问卷",
                "surveys.survey.update": "修改问卷",
                "surveys.survey.publish": "发布问卷",
                "surveys.survey.close": "结束问卷",
                "surveys.survey.reopen": "重新开放问卷",
                "surveys.survey.delete": "删除问卷",
                "surveys.question.save": "编辑问卷题目",
                "surveys.question.delete": "删除问卷题目",
                "surveys.revision.create": "问卷题目生成新版本",
            }
        )
        from pufa.core.home import TodoSource, register_todo
        from pufa.core.navigation import NavItem, register
        from pufa.ledger import extensions
        from pufa.surveys import metrics, selectors, views

        register(NavItem("效果评估", "surveys:index", "surveys.view", order=48, group="普法资源"))
        register_todo(TodoSource("surveys", selectors.todos, order=48))
        metrics.register()
        extensions.register_section(
            extensions.ActivitySection(
                "surveys.survey", "surveys/_activity_section.html", views.activity_section, order=40
            )
        )
