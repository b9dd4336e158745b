from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "pufa.assessment"
    label = "assessment"
    verbose_name = "考核与双随机抽查"

    def ready(self) -> None:
        from pufa.core.audit import register_codes, register_value_label
        from pufa.plans.metrics import label_of

        # An automatic item's metric reads as its name in the audit trail, as a target's does.
        register_value_label("assessment.item", "metric", label_of)

        register_codes(
            {
                "assessment.scheme.create": "新建考核方案",
                "assessment.scheme.import": "从评分表导入考核方案",
                "assessment.scheme.publish": "发布考核方案",
                "assessment.scheme.score": "计算考核得分",
                "assessment.scheme.final": "考核最终评分",
                "assessment.scheme.bands": "设置考核等次",
                "assessment.scheme.release": "公布考核结果",
                "assessment.item.configure": "设置考核内容计分方式",
                "assessment.self.create": "开始单位自评",
                "assessment.self.note": "填写自评说明",
                "assessment.self.submit": "提交单位自评",
                "assessment.self.return": "退回单位自评",
                "assessment.draw.create": "随机抽取抽查单位和督查员",
                "assessment.finding.record": "录入抽查核定结果",
                "assessment.appeal.file": "提出考核申诉",
                "assessment.appeal.decide": "处理考核申诉",
            }
        )
        from pufa.assessment import metrics, selectors
        from pufa.core.home import TodoSource, register_todo
        from pufa.core.navigation import NavItem, register

        metrics.register()
        register(NavItem("考核评估", "assessment:index", "assessment.view", order=60, group="系统管理"))
        register_todo(TodoSource("assessment", selectors.todos, order=52))
