from django.apps import AppConfig


class ExamsConfig(AppConfig):
    name = "pufa.exams"
    label = "exams"
    verbose_name = "学法考试"

    def ready(self) -> None:
        from pufa.core.audit import register_codes

        register_codes(
            {
                "exams.attempt.start": "开始答卷",
                "exams.attempt.submit": "交卷",
                "exams.bank.create": "新建题库",
                "exams.bank.import": "导入题库",
                "exams.contest.create": "新建知识竞赛",
                "exams.contest.entry": "参加知识竞赛",
                "exams.exam.close": "结束考试",
                "exams.exam.create": "新建考试",
                "exams.exam.publish": "发布考试",
                "exams.exam.remind": "提醒应考人员",
                "exams.exam.update": "修改考试",
                "exams.question.create": "新增试题",
                "exams.question.update": "修改试题",
            }
        )
        from pufa.core.home import TodoSource, register_todo
        from pufa.core.navigation import NavItem, register
        from pufa.exams import metrics, selectors, views
        from pufa.ledger.extensions import ActivitySection, register_section

        metrics.register()
        register(NavItem("我的考试", "exams:mine", None, order=55))
        register(NavItem("学法考试", "exams:index", "exams.view", order=48, group="普法资源"))
        register_todo(TodoSource("exams", selectors.todos, order=35))
        register_section(ActivitySection("exams.exam", "exams/_activity_section.html", views.activity_section))
