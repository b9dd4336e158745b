"""The two questionnaires pufa offers to start from (问卷模板), written for pufa: short enough for a phone
after an activity (under three minutes), in plain words, with no personal data asked.

- 法治素养测评: eight knowledge questions (scored into the 法治素养 score, 0–100) on what the seeds ask people to
  know — the Constitution, the Civil Code, legal aid, the 12348 hotline, mediation — and two on attitude;
- 活动效果反馈: how the activity was received, what was learnt, what residents want next (a skip: only those
  who say they learnt little are asked why).

Each question is a dict of `services.QuestionData` fields; `show_if` names an earlier question by its index.
"""

from __future__ import annotations

from typing import Any

SCALE = "scale"

LITERACY: dict[str, Any] = {
    "title": "法治素养测评问卷",
    "intro": "本问卷匿名填写，不收集姓名、电话等个人信息，约需3分钟。感谢您的参与！",
    "kind": "literacy",
    "questions": [
        {
            "section": "一、法律常识",
            "kind": "single",
            "text": "我国的根本大法是哪一部？",
            "options": ["中华人民共和国宪法", "中华人民共和国民法典", "中华人民共和国刑法", "中华人民共和国立法法"],
            "correct": [0],
        },
        {
            "section": "一、法律常识",
            "kind": "single",
            "text": "国家宪法日是每年的哪一天？",
            "options": ["3月15日", "4月15日", "12月4日", "6月26日"],
            "correct": [2],
        },
        {
            "section": "一、法律常识",
            "kind": "single",
            "text": "遇到法律问题需要免费咨询，可以拨打哪个公共法律服务热线？",
            "options": ["12345", "12348", "12315", "12369"],
            "correct": [1],
        },
        {
            "section": "一、法律常识",
            "kind": "multiple",
            "text": "下列哪些属于《民法典》调整的内容？（多选）",
            "options": ["婚姻家庭", "继承", "合同", "交通违章罚款"],
            "correct": [0, 1, 2],
        },
        {
            "section": "一、法律常识",
            "kind": "single",
            "text": "邻里之间发生纠纷，下列哪种做法最恰当？",
            "options": ["自行找人理论，必要时动手", "申请人民调解或依法诉讼", "在网上曝光对方", "置之不理"],
            "correct": [1],
        },
        {
            "section": "一、法律常识",
            "kind": "single",
            "text": "经济困难的群众打官司请不起律师，可以向哪里申请法律援助？",
            "options": ["法律援助机构", "居委会", "派出所", "人民法院执行局"],
            "correct": [0],
        },
        {
            "section": "一、法律常识",
            "kind": "single",
            "text": "有人冒充“公检法”打电话，要求把钱转到“安全账户”，这是？",
            "options": ["正常办案程序", "电信网络诈骗", "银行业务", "法院调解"],
            "correct": [1],
        },
        {
            "section": "一、法律常识",
            "kind": "single",
            "text": "用人单位与劳动者建立劳动关系，应当在用工之日起多长时间内订立书面劳动合同？",
            "options": ["一个月内", "三个月内", "半年内", "不需要订立"],
            "correct": [0],
        },
        {
            "section": "二、法治观念",
            "kind": SCALE,
            "text": "遇到矛盾纠纷时，我愿意通过法律途径解决。（1分=非常不同意，5分=非常同意）",
        },
        {
            "section": "二、法治观念",
            "kind": SCALE,
            "text": "我知道身边在哪里可以获得法律帮助。（1分=非常不同意，5分=非常同意）",
        },
    ],
}

FEEDBACK: dict[str, Any] = {
    "title": "普法活动效果反馈问卷",
    "intro": "感谢您参加本次活动！请花1分钟告诉我们您的感受，问卷匿名填写。",
    "kind": "feedback",
    "questions": [
        {"kind": SCALE, "text": "您对本次活动的总体满意程度（1分=很不满意，5分=非常满意）"},
        {
            "kind": "single",
            "text": "通过本次活动，您对相关法律知识的了解程度",
            "options": ["明显提高", "有所提高", "变化不大", "没有提高"],
        },
        {
            "kind": "multiple",
            "text": "您觉得收获不大的原因是？（多选）",
            "options": ["内容太难", "内容与生活关系不大", "形式单调", "时间太短"],
            "show_if": 1,
            "show_if_options": [2, 3],
            "required": False,
        },
        {
            "kind": "multiple",
            "text": "您希望今后多开展哪些方面的普法？（多选）",
            "options": ["婚姻家庭与继承", "劳动就业与社保", "防范电信诈骗", "物业与邻里纠纷", "养老与消费维权"],
        },
        {"kind": "text", "text": "您对我们的普法工作还有什么建议？", "required": False},
    ],
}

TEMPLATES: dict[str, dict[str, Any]] = {"literacy": LITERACY, "feedback": FEEDBACK}
TEMPLATE_CHOICES = [("", "空白问卷"), ("literacy", "法治素养测评（含知识题评分）"), ("feedback", "活动效果反馈")]
