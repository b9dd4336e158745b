"""Cases for the demo district (沱河街道): written for pufa (no real persons), through the services, so the trail,
the findings and the metric are real. Four published cases from the 司法所, 派出所 and 市场监督管理所, one
submitted and awaiting desensitisation (a 身份证号 and a mobile number still in its text), one draft; the
published telecom-fraud case is named by the ledger's 以案释法 activity where one exists. Idempotent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from pufa.cases import services
from pufa.cases.models import Case, Finding
from pufa.core.models import Domain
from pufa.duties.models import Law
from pufa.ledger.models import Activity
from pufa.org.access import SYSTEM
from pufa.org.models import Unit


@dataclass
class DemoCase:
    unit: str
    title: str
    case_type: str
    facts: str
    outcome: str
    reasoning: str
    tags: str
    parties: list[tuple[str, str]]
    laws: list[tuple[str, str]] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    status: str = "published"
    months_ago: int = 3


CASES = [
    DemoCase(
        "tuohe-pcs",
        "冒充电商客服“退款”的电信网络诈骗案",
        Case.Type.CRIMINAL,
        "2025年4月，沱河社区居民刘玉珍接到自称某电商平台客服的电话，称其购买的羽绒服有质量问题，可办理三倍赔付。"
        "对方诱导刘玉珍下载一款屏幕共享软件，并以“验证账户”为由让其报出银行短信验证码，刘玉珍账户内的四万二千元随即被转走。"
        "被告人钱志刚明知他人实施网络诈骗，仍出租本人银行卡供其转移赃款。",
        "法院以帮助信息网络犯罪活动罪判处被告人钱志刚有期徒刑一年，并处罚金一万元；公安机关追回部分被骗款项。",
        "正规电商退款理赔只在平台内办理，不会要求下载屏幕共享软件，更不会索要验证码。出租、出借银行卡和电话卡也是违法犯罪，"
        "情节严重的将以帮助信息网络犯罪活动罪追究刑事责任。遇到可疑来电请拨打96110咨询。",
        "电信诈骗、网购、银行卡",
        [("刘玉珍", "被害人"), ("钱志刚", "被告人")],
        [("中华人民共和国反电信网络诈骗法", "第三十一条")],
        ["jtaq-za"],
        months_ago=5,
    ),
    DemoCase(
        "tuohe-sfs",
        "包工头拖欠农民工工资调解案",
        Case.Type.MEDIATION,
        "2025年1月，十四名农民工在沱河街道某住宅项目务工八个月，包工头孙建设以工程款未结清为由拖欠工资共计二十六万元，"
        "农民工到街道司法所求助。",
        "司法所联合劳动保障部门组织调解，施工总承包单位先行垫付全部工资，并保留向分包单位追偿的权利。",
        "根据《保障农民工工资支付条例》，分包单位拖欠农民工工资的，由施工总承包单位先行清偿。农民工遇到欠薪，"
        "可以拨打12345或到司法所、劳动保障监察机构求助，申请法律援助不收费。",
        "欠薪、农民工、调解",
        [("孙建设", "当事人")],
        [("中华人民共和国劳动合同法", "第三十条")],
        ["ldjy-shbz"],
        months_ago=4,
    ),
    DemoCase(
        "tuohe-sfs",
        "老人参加“免费讲座”被骗买保健品案",
        Case.Type.CRIMINAL,
        "被告人吴海涛等人在桃园社区租用门面，以免费体检、听讲座送鸡蛋为名吸引老年人，夸大保健品治疗效果，"
        "以每盒一千八百元的价格向老年人出售成本不足百元的普通固体饮料，涉及老人六十余名。",
        "法院以诈骗罪判处被告人吴海涛有期徒刑五年，并处罚金，责令退赔被害人损失。",
        "保健品不是药品，不能治病。“免费”活动背后往往是推销陷阱，子女要多关心家中老人，发现可疑情况及时报警。",
        "养老诈骗、老年人、保健品",
        [("吴海涛", "被告人")],
        [("中华人民共和国老年人权益保障法", "")],
        ["mz-yl"],
        months_ago=2,
    ),
    DemoCase(
        "tuohe-sjs",
        "超市销售过期食品行政处罚案",
        Case.Type.ENFORCEMENT,
        "市场监督管理所在日常检查中发现，沱河街道某超市冷柜内有十二盒已超过保质期的酸奶仍在销售。",
        "市场监督管理部门依法没收过期食品，并对该超市处以罚款五万元。",
        "《食品安全法》禁止经营超过保质期的食品。消费者买到过期食品，可以要求赔偿损失，还可以要求支付价款十倍的赔偿金。",
        "食品安全、过期食品",
        [],
        [("中华人民共和国食品安全法", "第三十四条、第一百四十八条")],
        months_ago=1,
    ),
    DemoCase(
        "tuohe-sfs",
        "离婚后拒付子女抚养费纠纷案",
        Case.Type.CIVIL,
        "原告朱晓燕与被告黄德明协议离婚，约定女儿由朱晓燕抚养，黄德明每月支付抚养费一千二百元。"
        "黄德明（身份证号340321198602153219，手机13956781234）此后两年未支付，朱晓燕诉至法院。",
        "法院判决黄德明补付抚养费二万八千八百元，并按月支付。",
        "离婚后，父母对子女仍有抚养、教育、保护的义务。约定的抚养费不因一方再婚或经济困难而免除。",
        "离婚、抚养费",
        [("朱晓燕", "原告"), ("黄德明", "被告")],
        [("中华人民共和国民法典", "第一千零八十五条")],
        status="submitted",
        months_ago=0,
    ),
    DemoCase(
        "tuohe-pcs",
        "小区遛狗不拴绳致儿童受伤案",
        Case.Type.CIVIL,
        "某小区居民遛狗未拴狗绳，犬只扑咬在小区内玩耍的儿童，造成其腿部受伤。",
        "",
        "",
        "文明养犬",
        [],
        status="draft",
        months_ago=0,
    ),
]


def seed_cases() -> None:
    if Case.all_objects.filter(title=CASES[0].title).exists():
        return
    today = timezone.localdate()
    for spec in CASES:
        unit = Unit.objects.filter(code=spec.unit).first()
        if unit is None:
            continue
        laws = [(law, articles) for name, articles in spec.laws if (law := Law.objects.filter(name=name).first())]
        data = services.CaseData(
            unit=unit,
            title=spec.title,
            case_type=spec.case_type,
            facts=spec.facts,
            outcome=spec.outcome,
            reasoning=spec.reasoning,
            tags=spec.tags,
            parties=spec.parties,
            citations=laws,
            domains=list(Domain.objects.filter(code__in=spec.domains)),
            decided_on=today - dt.timedelta(days=30 * spec.months_ago + 20) if spec.status != "draft" else None,
            author="司法所" if spec.unit == "tuohe-sfs" else "",
        )
        case = services.case_create(actor=SYSTEM, data=data)
        if spec.status == "draft":
            continue
        services.case_submit(actor=SYSTEM, case=case)
        if spec.status != "published":
            continue
        services.case_review(actor=SYSTEM, case=case)
        for finding in Finding.objects.filter(case=case, status=Finding.Status.OPEN):
            services.finding_decide(actor=SYSTEM, finding=finding, accept=finding.kind != Finding.Kind.POSSIBLE_NAME)
        case.refresh_from_db()
        services.case_publish(actor=SYSTEM, case=case)
    seed_target()
    explained = Activity.objects.filter(kind__code="yasf").order_by("-date").first()
    fraud = Case.objects.filter(title=CASES[0].title, status=Case.Status.PUBLISHED).first()
    if explained is not None and fraud is not None:
        services.case_use_add(actor=SYSTEM, case=fraud, activity=explained)


TARGET_TITLE = "典型案例每个街镇司法所年内各完成1篇"


def seed_target() -> None:
    """Seed 003's 「督促各街镇司法所及时对典型案例进行提炼总结 … 典型案例每个街镇司法所年内各完成1篇」 as a task of this
    year's 工作要点 of 沱河街道 with a target on `cases.published`, evaluated live like every other target."""
    from decimal import Decimal

    from pufa.plans import services as plan_services
    from pufa.plans.models import Plan, Target, Task

    year = timezone.localdate().year
    plan = Plan.objects.filter(title=f"沱河街道{year}年普法依法治理工作要点").first()
    sfs = Unit.objects.filter(code="tuohe-sfs").first()
    if plan is None or sfs is None or Task.objects.filter(plan=plan, title=TARGET_TITLE).exists():
        return
    task = plan_services.task_create(
        actor=SYSTEM,
        plan=plan,
        data=plan_services.TaskData(
            title=TARGET_TITLE,
            text="督促各街镇司法所及时对典型案例进行提炼总结，" + TARGET_TITLE + "。",
            section="三、以案释法",
            deadline_kind=Task.DeadlineKind.ALL_YEAR,
        ),
    )
    plan_services.task_units_set(actor=SYSTEM, task=task, units={"responsible": [sfs]})
    plan_services.target_create(
        actor=SYSTEM,
        task=task,
        data=plan_services.TargetData(
            metric="cases.published",
            threshold=Decimal(1),
            period=Target.Period.YEAR,
            scope=Target.Scope.RESPONSIBLE,
            measure="篇",
            text=TARGET_TITLE,
        ),
    )
