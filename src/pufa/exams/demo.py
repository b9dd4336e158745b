"""Demo data: a question bank imported from a Word file written here in the layouts real banks use, one
exam of 沱河街道法治办 in its window for the two communities' team members, some sittings already handed in,
and a knowledge contest round on the portal. Idempotent (keyed on the bank's name)."""

from __future__ import annotations

import datetime as dt
import io
import random

from django.utils import timezone

from pufa.exams import parsing, services
from pufa.exams.models import Bank, Kind, Question
from pufa.org.access import SYSTEM
from pufa.org.demo import DEMO_PASSWORD
from pufa.org.models import Membership, Unit, User
from pufa.org.services import UserData, user_create

BANK_NAME = "2026年度法治带头人、法律明白人学法题库"

#: A Word bank as offices circulate them: answers in the stem's brackets for the single choices, "答案："
#: lines for the multiple choices, and a key at the end for the true/false section.
LINES = [
    "2026年度法治带头人、法律明白人学法题库",
    "一、单项选择题（每题4分）",
    "1. 我国的根本大法是（B）。",
    "A. 民法典  B. 宪法  C. 刑法  D. 立法法",
    "2. 国家宪法日是每年的（C）。",
    "A. 3月15日  B. 6月26日  C. 12月4日  D. 10月1日",
    "3. 《中华人民共和国民法典》自（B）起施行。",
    "A. 2020年5月28日  B. 2021年1月1日  C. 2020年1月1日  D. 2021年5月1日",
    "4. 完全民事行为能力人的年龄一般为（D）周岁以上。",
    "A. 8  B. 14  C. 16  D. 18",
    "5. 向人民法院请求保护民事权利的诉讼时效期间一般为（C）年。",
    "A. 1  B. 2  C. 3  D. 5",
    "6. 人民调解委员会调解民间纠纷，（A）。",
    "A. 不收取任何费用  B. 按标的额收费  C. 收取少量费用  D. 由败诉方付费",
    "7. 用人单位自用工之日起超过一个月不满一年未与劳动者订立书面劳动合同的，应当向劳动者每月支付（B）倍的工资。",
    "A. 一  B. 二  C. 三  D. 四",
    "8. 我国的法律援助由（A）负责管理。",
    "A. 司法行政部门  B. 人民法院  C. 人民检察院  D. 公安机关",
    "9. 《反电信网络诈骗法》规定，任何单位和个人不得非法买卖、出租、出借（C）。",
    "A. 身份证复印件  B. 旧手机  C. 电话卡、物联网卡、银行账户  D. 户口本",
    "10. 醉酒驾驶机动车的，依照《刑法》以（D）追究刑事责任。",
    "A. 交通肇事罪  B. 以危险方法危害公共安全罪  C. 妨害公务罪  D. 危险驾驶罪",
    "11. 国家实行宪法宣誓制度，宣誓时应当（A）。",
    "A. 左手抚按《宪法》，右手举拳  B. 双手抚按《宪法》  C. 右手抚按《宪法》，左手举拳  D. 起立默念",
    "12. 居民委员会每届任期为（C）年。",
    "A. 三  B. 四  C. 五  D. 六",
    "二、多项选择题（每题5分）",
    "13. 下列属于民法典分编的有（ ）。",
    "A. 物权编",
    "B. 合同编",
    "C. 婚姻家庭编",
    "D. 刑罚编",
    "答案：ABC",
    "14. 公民的基本权利包括（ ）。",
    "A. 选举权和被选举权  B. 言论、出版自由",
    "C. 宗教信仰自由  D. 拒绝纳税的权利",
    "答案：ABC",
    "解析：依法纳税是公民的基本义务。",
    "15. 下列属于个人信息的有（ ）。",
    "A. 姓名  B. 身份证件号码  C. 行踪轨迹  D. 天气预报",
    "答案：ABC",
    "16. 法律明白人的主要职责有（ ）。",
    "A. 宣传法律法规  B. 参与矛盾纠纷排查化解  C. 引导群众依法办事  D. 代替法院裁判案件",
    "答案：ABC",
    "17. 下列情形中，劳动者可以随时通知用人单位解除劳动合同的有（ ）。",
    "A. 未按照劳动合同约定提供劳动保护  B. 未及时足额支付劳动报酬",
    "C. 未依法为劳动者缴纳社会保险费  D. 劳动者想换个环境",
    "答案：ABC",
    "三、判断题（每题4分）",
    "18. 宪法是国家的根本法，具有最高的法律效力。",
    "19. 未成年人可以独立实施一切民事法律行为。",
    "20. 公民的合法的私有财产不受侵犯。",
    "21. 行政机关可以自行设定罚款。",
    "22. 夫妻双方自愿离婚的，应当签订书面离婚协议，并亲自到婚姻登记机关申请离婚登记。",
    "23. 高空抛物造成他人损害，无法确定具体侵权人的，受害人只能自认倒霉。",
    "24. 人民调解协议具有法律约束力，当事人应当按照约定履行。",
    "25. 将银行卡出借给他人用于电信诈骗转账，不承担任何责任。",
    "26. 国家尊重和保障人权。",
    "27. 居住权可以自由转让、继承。",
    "28. 禁止用人单位招用未满十六周岁的未成年人（国家另有规定的除外）。",
    "29. 村民委员会是基层群众性自治组织。",
    "参考答案",
    "18.√ 19.× 20.√ 21.× 22.√ 23.× 24.√ 25.× 26.√ 27.× 28.√ 29.√",
]

LAWS = {
    "宪法": ("宪法", "国家宪法日", "宣誓", "公民的基本权利", "人权", "私有财产"),
    "民法典": ("民法典", "民事", "诉讼时效", "离婚", "高空抛物", "居住权", "个人信息"),
}

RULES = {
    "single": {"count": 10, "points": 4},
    "multiple": {"count": 4, "points": 5},
    "judge": {"count": 10, "points": 4},
    "quotas": [{"field": "law", "value": "宪法", "count": 3}],
}

EXAMINEES = [
    ("kaosheng01", "黄志强", "tuohe-tuohe", 22),
    ("kaosheng02", "吴秀英", "tuohe-tuohe", 18),
    ("kaosheng03", "郑海燕", "tuohe-tuohe", 12),
    ("kaosheng04", "马国庆", "tuohe-taoyuan", 20),
    ("kaosheng05", "朱丽娟", "tuohe-taoyuan", 9),
    ("kaosheng06", "胡建军", "tuohe-taoyuan", 0),  # has not sat yet
]


def bank_docx() -> bytes:
    from docx import Document

    document = Document()
    for line in LINES:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _tag_laws(bank: Bank) -> None:
    for question in Question.objects.filter(bank=bank, law=""):
        for law, words in LAWS.items():
            if any(w in question.stem or any(w in o for o in question.options) for w in words):
                Question.objects.filter(pk=question.pk).update(law=law)
                break


def _examinee(username: str, name: str, unit: Unit) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(
            actor=SYSTEM,
            data=UserData(username=username, full_name=name, phone=""),
            password=DEMO_PASSWORD,
            unit=unit,
            role=Membership.Role.MEMBER,
        )
    return user


def seed_exams() -> None:
    if Bank.objects.filter(name=BANK_NAME).exists():
        return
    office = Unit.objects.get(code="tuohe-fzb")
    bank = services.bank_create(actor=SYSTEM, unit=office, name=BANK_NAME, description="由 Word 题库导入")
    result = parsing.read_bank(bank_docx(), "法治带头人法律明白人学法题库.docx")
    services.bank_import(actor=SYSTEM, bank=bank, result=result, source="法治带头人法律明白人学法题库.docx")
    _tag_laws(bank)
    communities = [Unit.objects.get(code="tuohe-tuohe"), Unit.objects.get(code="tuohe-taoyuan")]
    now = timezone.now()
    exam = services.exam_create(
        actor=SYSTEM,
        data=services.ExamData(
            unit=office,
            title="2026年度法治带头人、法律明白人学法考试",
            bank=bank,
            starts_at=now - dt.timedelta(days=3),
            ends_at=now + dt.timedelta(days=4),
            rules=RULES,
            time_limit=30,
            pass_mark=60,
            max_attempts=3,
            required_units=communities,
            required_roles=[Membership.Role.MEMBER],
        ),
    )
    people = [(_examinee(u, n, Unit.objects.get(code=code)), right) for u, n, code, right in EXAMINEES]
    services.exam_publish(actor=SYSTEM, exam=exam)
    rng = random.Random(2026)
    for user, right in people:
        if not right:
            continue
        attempt = services.attempt_start(actor=user, exam=exam)
        questions = Question.objects.in_bulk(attempt.question_ids)
        for n, qid in enumerate(rng.sample(attempt.question_ids, len(attempt.question_ids))):
            q = questions[qid]
            wrong = ("F" if q.answer == "T" else "T") if q.kind == Kind.JUDGE else ("D" if "D" not in q.answer else "A")
            services.answer_save(actor=user, attempt=attempt, question_id=qid, chosen=q.answer if n < right else wrong)
        services.attempt_submit(actor=user, attempt=attempt)
    services.contest_create(
        actor=SYSTEM,
        data=services.ContestData(
            unit=office,
            title="沱河街道宪法知识网上竞赛（第一轮）",
            bank=bank,
            starts_at=now - dt.timedelta(days=1),
            ends_at=now + dt.timedelta(days=6),
            question_count=10,
        ),
    )
