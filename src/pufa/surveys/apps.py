from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "pufa.surveys"
    label = "surveys"
    verbose_name = "效果评估"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from pufa.core.audit import register_codes

        post_migrate.connect(_fill_tally, sender=self, dispatch_uid="surveys-fill-tally")

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
                "surveys.campaign.create": "新建宣传活动",
                "surveys.campaign.update": "修改宣传活动",
                "surveys.campaign.delete": "删除宣传活动",
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


def _fill_tally(**kwargs: object) -> None:
    """The results tally is derived from the responses: after `migrate`, count the responses of a database that
    has them but no tally yet (one upgraded from before the tally). Here and not in a data migration, because
    the counting rule is app code (`surveys.tally`), which a migration must not import (it would change under
    the migration's feet); two cheap queries when there is nothing to do."""
    from pufa.surveys import tally
    from pufa.surveys.models import Response, Tally

    if Response.objects.exists() and not Tally.objects.exists():
        tally.rebuild()
