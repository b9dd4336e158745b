"""Responsibility lists of the demo street 沱河街道 (seed 004): a law catalogue, a template for community
committees, and lists in every state — published with announcements (司法所, 派出所, 妇联), filed but not yet
announced (应急办), submitted (市场监督管理所), returned (桃园社区), a draft (沱河社区) — while the other units have
none, so the office's deadline report has something to show. Idempotent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from pufa.core.models import ActivityKind, Audience, AuditEntry, Domain
from pufa.duties import services
from pufa.duties.models import DutyDeadline, DutyList, DutyTemplate, Law
from pufa.org.access import SYSTEM
from pufa.org.models import Region, Unit

L = Law.Level

# (name, level, issuer, promulgated (current text), effective)
LAWS: list[tuple[str, str, str, dt.date | None, dt.date | None]] = [
    ("中华人民共和国宪法", L.CONSTITUTION, "全国人民代表大会", dt.date(1982, 12, 4), dt.date(1982, 12, 4)),
    ("中华人民共和国民法典", L.LAW, "全国人民代表大会", dt.date(2020, 5, 28), dt.date(2021, 1, 1)),
    ("中华人民共和国法治宣传教育法", L.LAW, "全国人民代表大会常务委员会", None, dt.date(2025, 11, 1)),
    ("中华人民共和国治安管理处罚法", L.LAW, "全国人民代表大会常务委员会", dt.date(2025, 6, 27), dt.date(2026, 1, 1)),
    ("中华人民共和国道路交通安全法", L.LAW, "全国人民代表大会常务委员会", dt.date(2003, 10, 28), dt.date(2004, 5, 1)),
    ("中华人民共和国反电信网络诈骗法", L.LAW, "全国人民代表大会常务委员会", dt.date(2022, 9, 2), dt.date(2022, 12, 1)),
    ("中华人民共和国禁毒法", L.LAW, "全国人民代表大会常务委员会", dt.date(2007, 12, 29), dt.date(2008, 6, 1)),
    ("中华人民共和国国家安全法", L.LAW, "全国人民代表大会常务委员会", dt.date(2015, 7, 1), dt.date(2015, 7, 1)),
    ("中华人民共和国食品安全法", L.LAW, "全国人民代表大会常务委员会", dt.date(2015, 4, 24), dt.date(2015, 10, 1)),
    (
        "中华人民共和国消费者权益保护法",
        L.LAW,
        "全国人民代表大会常务委员会",
        dt.date(2013, 10, 25),
        dt.date(2014, 3, 15),
    ),
    ("中华人民共和国反家庭暴力法", L.LAW, "全国人民代表大会常务委员会", dt.date(2015, 12, 27), dt.date(2016, 3, 1)),
    ("中华人民共和国妇女权益保障法", L.LAW, "全国人民代表大会常务委员会", dt.date(2022, 10, 30), dt.date(2023, 1, 1)),
    ("中华人民共和国未成年人保护法", L.LAW, "全国人民代表大会常务委员会", dt.date(2020, 10, 17), dt.date(2021, 6, 1)),
    ("中华人民共和国老年人权益保障法", L.LAW, "全国人民代表大会常务委员会", dt.date(2012, 12, 28), dt.date(2013, 7, 1)),
    ("中华人民共和国安全生产法", L.LAW, "全国人民代表大会常务委员会", dt.date(2021, 6, 10), dt.date(2021, 9, 1)),
    ("中华人民共和国消防法", L.LAW, "全国人民代表大会常务委员会", dt.date(2008, 10, 28), dt.date(2009, 5, 1)),
    ("中华人民共和国人民调解法", L.LAW, "全国人民代表大会常务委员会", dt.date(2010, 8, 28), dt.date(2011, 1, 1)),
    ("中华人民共和国法律援助法", L.LAW, "全国人民代表大会常务委员会", dt.date(2021, 8, 20), dt.date(2022, 1, 1)),
    ("中华人民共和国劳动合同法", L.LAW, "全国人民代表大会常务委员会", dt.date(2007, 6, 29), dt.date(2008, 1, 1)),
    ("中华人民共和国社会保险法", L.LAW, "全国人民代表大会常务委员会", dt.date(2010, 10, 28), dt.date(2011, 7, 1)),
    ("中华人民共和国个人信息保护法", L.LAW, "全国人民代表大会常务委员会", dt.date(2021, 8, 20), dt.date(2021, 11, 1)),
    (
        "中华人民共和国城市居民委员会组织法",
        L.LAW,
        "全国人民代表大会常务委员会",
        dt.date(1989, 12, 26),
        dt.date(1990, 1, 1),
    ),
    ("中华人民共和国食品安全法实施条例", L.ADMIN_REGULATION, "国务院", dt.date(2019, 10, 11), dt.date(2019, 12, 1)),
    ("信访工作条例", L.PARTY_REGULATION, "中共中央、国务院", None, dt.date(2022, 5, 1)),
]


@dataclass
class Item:
    content: str
    laws: list[str]
    audiences: list[str]
    domains: list[str]
    measures: str
    standards: str
    time_nodes: str
    section: str


@dataclass
class Planned:
    content: str
    kind: str
    start: tuple[int, int]
    end: tuple[int, int]
    audiences: list[str]
    place: str
    time_text: str = ""
    domains: list[str] = field(default_factory=list)
    laws: list[str] = field(default_factory=list)
    item: int | None = None  # index into the list's items


@dataclass
class DemoList:
    unit_code: str
    status: str
    summary: str
    laws: list[str]
    leader: str
    person: str
    phone: str
    items: list[Item]
    planned: list[Planned]
    return_reason: str = ""
    submitted_on: tuple[int, int] = (3, 20)  # (month, day): when the unit submitted, for a believable report


SFS = DemoList(
    unit_code="tuohe-sfs",
    status="published",
    submitted_on=(3, 10),
    summary="沱河街道司法所围绕“谁执法谁普法”，以宪法和民法典为重点，结合人民调解、法律援助和社区矫正工作开展普法。",
    laws=["宪法", "民法典", "法治宣传教育法", "人民调解法", "法律援助法"],
    leader="王建军",
    person="张明",
    phone="13805571003",
    items=[
        Item(
            "深入学习宣传习近平法治思想和宪法，组织“12·4”国家宪法日和“宪法宣传周”集中宣传，推动宪法进社区。",
            ["宪法"],
            ["sqjm", "ldgb"],
            ["xjp-fzsx", "xianfa"],
            "宪法宣传周集中宣传；宪法进社区专题讲座；“沱河普法”公众号推送",
            "每个社区至少开展1次宪法主题活动",
            "12月1日—12月7日",
            "司法所",
        ),
        Item(
            "以“美好生活·民法典相伴”为主题，宣讲民法典婚姻家庭编、继承编和物业服务合同等与群众生活密切相关的内容。",
            ["民法典"],
            ["sqjm", "lnr"],
            ["minfadian"],
            "民法典宣传月专题宣讲；以案释法；法律明白人入户讲解",
            "每个社区全年不少于2次宣讲",
            "5月民法典宣传月",
            "司法所",
        ),
        Item(
            "在人民调解和法律援助工作中开展以案释法，把矛盾纠纷化解过程变成普法过程。",
            ["人民调解法", "法律援助法"],
            ["sqjm", "tsqt"],
            ["minfadian"],
            "调解现场释法；法律援助工作站值班咨询；典型案例汇编",
            "每季度至少整理1个以案释法典型案例",
            "贯穿全年",
            "人民调解委员会",
        ),
    ],
    planned=[
        Planned(
            "法律援助进社区集中咨询",
            "flzx",
            (3, 1),
            (3, 31),
            ["sqjm", "tsqt"],
            "沱河社区党群服务中心",
            laws=["法律援助法"],
            item=2,
        ),
        Planned(
            "“美好生活·民法典相伴”主题宣讲",
            "ztjz",
            (5, 1),
            (5, 31),
            ["sqjm", "lnr"],
            "各社区新时代文明实践站",
            "5月民法典宣传月",
            ["minfadian"],
            ["民法典"],
            1,
        ),
        Planned(
            "“12·4”国家宪法日暨宪法宣传周集中宣传",
            "jzxc",
            (12, 1),
            (12, 7),
            ["sqjm", "qsn"],
            "沱河街道文化广场",
            "12月4日前后",
            ["xianfa"],
            ["宪法"],
            0,
        ),
    ],
)

PCS = DemoList(
    unit_code="tuohe-pcs",
    status="published",
    submitted_on=(3, 18),
    summary="沱河派出所在执法办案和社区警务中开展普法，重点宣传治安管理、道路交通安全、反电信网络诈骗和禁毒法律法规。",
    laws=["治安管理处罚法", "道路交通安全法", "反电信网络诈骗法", "禁毒法", "国家安全法"],
    leader="周海涛",
    person="刘强",
    phone="13805571004",
    items=[
        Item(
            "宣传修订后的治安管理处罚法，在接处警和案件办理中向当事人讲解法律规定和权利义务。",
            ["治安管理处罚法"],
            ["sqjm", "wlwg"],
            ["jtaq-za"],
            "执法办案中实时普法；社区民警进网格宣讲",
            "每名社区民警每季度进社区宣讲不少于1次",
            "贯穿全年",
            "社区警务队",
        ),
        Item(
            "开展反电信网络诈骗宣传，重点面向老年人、学生和外来务工人员，提高识骗防骗能力。",
            ["反电信网络诈骗法"],
            ["lnr", "qsn", "wlwg"],
            ["jtaq-za"],
            "反诈宣传进社区、进校园、进企业；国家反诈中心App推广；典型案例警示",
            "辖区各社区、学校全覆盖",
            "4月、9月集中宣传",
            "刑侦中队",
        ),
        Item(
            "“6·26”国际禁毒日和“12·2”全国交通安全日主题宣传。",
            ["禁毒法", "道路交通安全法"],
            ["qsn", "sqjm"],
            ["jtaq-za"],
            "禁毒知识展板、交通安全劝导、文明出行宣传",
            "两个主题日各开展1次集中宣传",
            "6月26日、12月2日",
            "治安中队",
        ),
    ],
    planned=[
        Planned(
            "反电信网络诈骗宣传进社区",
            "jzxc",
            (4, 1),
            (4, 30),
            ["lnr", "sqjm"],
            "各社区",
            laws=["反电信网络诈骗法"],
            item=1,
        ),
        Planned(
            "“4·15”全民国家安全教育日宣传",
            "jzxc",
            (4, 15),
            (4, 15),
            ["sqjm", "qsn"],
            "沱河街道文化广场",
            laws=["国家安全法"],
        ),
        Planned(
            "“6·26”国际禁毒日集中宣传",
            "jzxc",
            (6, 20),
            (6, 26),
            ["qsn", "sqjm"],
            "沱河街道中心小学",
            laws=["禁毒法"],
            item=2,
        ),
        Planned(
            "反诈宣传进校园", "ztjz", (9, 1), (9, 30), ["qsn"], "沱河街道中心小学", laws=["反电信网络诈骗法"], item=1
        ),
        Planned(
            "“12·2”全国交通安全日宣传",
            "jzxc",
            (12, 2),
            (12, 2),
            ["sqjm", "wlwg"],
            "汴河路与沱河路交叉口",
            laws=["道路交通安全法"],
            item=2,
        ),
    ],
)

FL = DemoList(
    unit_code="tuohe-fl",
    status="published",
    submitted_on=(3, 25),
    summary="街道妇联围绕妇女儿童权益保护和婚姻家庭领域开展普法。",
    laws=["反家庭暴力法", "妇女权益保障法", "未成年人保护法", "民法典"],
    leader="孙丽",
    person="黄敏",
    phone="13805571021",
    items=[
        Item(
            "宣传反家庭暴力法、妇女权益保障法，推广人身安全保护令和告诫制度。",
            ["反家庭暴力法", "妇女权益保障法"],
            ["fnet", "sqjm"],
            ["fnet-hyjt"],
            "“三八”维权周宣传；婚姻家庭纠纷调解中释法",
            "每个社区至少1次妇女维权宣传",
            "3月1日—3月8日",
            "妇联",
        ),
        Item(
            "宣传未成年人保护法，协同学校开展家庭教育指导和法治教育。",
            ["未成年人保护法"],
            ["qsn", "fnet"],
            ["fnet-hyjt"],
            "家长学校法治课；暑期未成年人保护宣传",
            "全年不少于2次",
            "6月、7月",
            "妇联",
        ),
    ],
    planned=[
        Planned("“三八”妇女维权周法治宣传", "jzxc", (3, 1), (3, 8), ["fnet"], "沱河街道妇女儿童之家", item=0),
        Planned("暑期未成年人保护法治课", "ztjz", (7, 1), (7, 31), ["qsn"], "各社区新时代文明实践站", item=1),
    ],
)

YJB = DemoList(
    unit_code="tuohe-yjb",
    status="filed",
    submitted_on=(3, 28),
    summary="应急办围绕安全生产月和消防宣传月开展安全生产法律法规宣传。",
    laws=["安全生产法", "消防法"],
    leader="马骏",
    person="吴磊",
    phone="13805571031",
    items=[
        Item(
            "宣传安全生产法，落实生产经营单位主体责任，开展“安全生产月”宣传咨询日活动。",
            ["安全生产法"],
            ["qy"],
            ["aqsc-yj"],
            "安全生产月宣传咨询；企业负责人培训",
            "辖区规模以上企业全覆盖",
            "6月安全生产月",
            "应急办",
        ),
    ],
    planned=[
        Planned("“安全生产月”宣传咨询日", "flzx", (6, 16), (6, 16), ["qy", "wlwg"], "沱河街道文化广场", item=0),
        Planned("“11·9”消防宣传日进社区", "jzxc", (11, 1), (11, 9), ["sqjm", "lnr"], "各社区"),
    ],
)

SJS = DemoList(
    unit_code="tuohe-sjs",
    status="submitted",
    submitted_on=(4, 3),
    summary="市场监督管理所在监管执法中宣传食品安全和消费者权益保护法律法规。",
    laws=["食品安全法", "食品安全法实施条例", "消费者权益保护法"],
    leader="郑伟",
    person="钱芳",
    phone="13805571041",
    items=[
        Item(
            "“3·15”国际消费者权益日宣传消费者权益保护法，现场受理咨询和投诉。",
            ["消费者权益保护法"],
            ["sqjm", "qy"],
            ["scjg-sp"],
            "3·15现场咨询；典型案例发布",
            "开展1次集中宣传",
            "3月15日",
            "消费者权益保护科",
        ),
        Item(
            "食品安全宣传周宣传食品安全法，督促经营者落实食品安全责任。",
            ["食品安全法", "食品安全法实施条例"],
            ["qy", "sqjm"],
            ["scjg-sp"],
            "食品安全宣传周；餐饮单位负责人培训",
            "辖区餐饮单位培训全覆盖",
            "6月",
            "食品安全监管科",
        ),
    ],
    planned=[
        Planned("“3·15”国际消费者权益日宣传", "jzxc", (3, 15), (3, 15), ["sqjm"], "沱河街道农贸市场", item=0),
        Planned("食品安全宣传周", "jzxc", (6, 8), (6, 14), ["qy", "sqjm"], "辖区各餐饮集中区", item=1),
    ],
)

TAOYUAN = DemoList(
    unit_code="tuohe-taoyuan",
    status="returned",
    submitted_on=(3, 30),
    summary="桃园社区结合“法润社区”行动开展普法。",
    laws=["民法典", "城市居民委员会组织法"],
    leader="赵敏",
    person="赵敏",
    phone="13805571006",
    items=[
        Item(
            "宣传民法典，在居民议事会中讲解相邻关系和物业服务合同。",
            ["民法典"],
            ["sqjm"],
            ["minfadian"],
            "居民议事会讲解",
            "",
            "",
            "社区居委会",
        ),
    ],
    planned=[Planned("民法典进小区宣讲", "ztjz", (5, 10), (5, 20), ["sqjm"], "桃园小区")],
    return_reason="请补充工作标准和时间节点，并按“法润社区”行动要求增加宪法宣传和法律明白人培训内容。",
)

TEMPLATE_ITEMS = [
    Item(
        "学习宣传习近平法治思想和宪法，组织“12·4”国家宪法日社区宣传活动。",
        ["宪法"],
        ["sqjm"],
        ["xjp-fzsx", "xianfa"],
        "宪法宣传栏更新；宪法进小区宣讲",
        "全年至少1次宪法主题活动",
        "12月4日前后",
        "社区居委会",
    ),
    Item(
        "宣传民法典，结合居民议事和矛盾调解讲解婚姻家庭、相邻关系、物业服务等内容。",
        ["民法典"],
        ["sqjm", "lnr"],
        ["minfadian"],
        "民法典宣传月宣讲；法律明白人入户讲解",
        "全年至少2次",
        "5月民法典宣传月",
        "社区居委会",
    ),
    Item(
        "每季度开展一堂法治课，培养法律明白人不少于6名。",
        ["法治宣传教育法"],
        ["sqjm", "fzdtr"],
        [],
        "社区法治课；法律明白人培训",
        "每季度1次法治课；法律明白人不少于6名",
        "每季度",
        "社区居委会",
    ),
]


def _law(short: str) -> Law:
    name = short if short.startswith(("中华人民共和国", "信访")) else f"中华人民共和国{short}"
    return Law.objects.get(name=name)


def _item_data(item: Item, leader: str = "", person: str = "", phone: str = "") -> services.ItemData:
    return services.ItemData(
        content=item.content,
        measures=item.measures,
        standards=item.standards,
        time_nodes=item.time_nodes,
        responsible_section=item.section,
        responsible_leader=leader,
        responsible_person=person,
        responsible_phone=phone,
        laws=[_law(n) for n in item.laws],
        audiences=list(Audience.objects.filter(code__in=item.audiences)),
        domains=list(Domain.objects.filter(code__in=item.domains)),
    )


def _seed_laws() -> None:
    for name, level, issuer, promulgated, effective in LAWS:
        if not Law.objects.filter(name=name).exists():
            services.law_create(
                actor=SYSTEM,
                data=services.LawData(
                    name=name, level=level, issuer=issuer, promulgated_on=promulgated, effective_on=effective
                ),
            )


def _fill(duty_list: DutyList, spec: DemoList) -> None:
    year = duty_list.year
    services.duty_list_update(
        actor=SYSTEM,
        duty_list=duty_list,
        summary=spec.summary,
        laws=[_law(n) for n in spec.laws],
        internal_note="联络员每月底前更新台账，并与街道法治办核对公告活动开展情况。",
    )
    items = [
        services.duty_item_create(
            actor=SYSTEM, duty_list=duty_list, data=_item_data(item, spec.leader, spec.person, spec.phone)
        )
        for item in spec.items
    ]
    for planned in spec.planned:
        services.planned_activity_create(
            actor=SYSTEM,
            duty_list=duty_list,
            data=services.PlannedData(
                content=planned.content,
                kind=ActivityKind.objects.get(code=planned.kind),
                start=dt.date(year, *planned.start),
                end=dt.date(year, *planned.end),
                time_text=planned.time_text,
                place=planned.place,
                item=items[planned.item] if planned.item is not None else None,
                audiences=list(Audience.objects.filter(code__in=planned.audiences)),
                domains=list(Domain.objects.filter(code__in=planned.domains)),
                laws=[_law(n) for n in planned.laws],
            ),
        )


def _backdate(duty_list: DutyList, spec: DemoList) -> None:
    """Move the workflow dates of a demo list (and their audit entries) back to spring of its year, as if the
    unit had kept to (or missed) the 31 March deadline; services stamp "now", which for a demo seeded in
    November would make every list late. Demo data only."""
    if spec.status == "draft":
        return
    local = timezone.get_current_timezone()
    submitted = dt.datetime(duty_list.year, *spec.submitted_on, 9, 30, tzinfo=local)
    steps = {
        "duties.list.create": submitted - dt.timedelta(days=12),
        "duties.list.submit": submitted,
        "duties.list.return": submitted + dt.timedelta(days=3),
        "duties.list.file": submitted + dt.timedelta(days=2),
        "duties.list.publish": submitted + dt.timedelta(days=4),
    }
    now = timezone.now()
    if steps["duties.list.publish"] > now:  # seeded before spring: keep the dates the services wrote
        return
    fields = {"submitted_at": steps["duties.list.submit"]}
    if spec.status == "returned":
        fields.update(returned_at=steps["duties.list.return"])
    if spec.status in ("filed", "published"):
        fields.update(filed_at=steps["duties.list.file"])
    if spec.status == "published":
        fields.update(published_at=steps["duties.list.publish"])
    DutyList.objects.filter(pk=duty_list.pk).update(**fields)
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(DutyList), object_id=str(duty_list.pk)
    )
    for code, at in steps.items():
        entries.filter(code=code).update(at=at)


def _advance(duty_list: DutyList, spec: DemoList) -> None:
    if spec.status == "draft":
        return
    services.duty_list_submit(actor=SYSTEM, duty_list=duty_list)
    if spec.status == "returned":
        services.duty_list_return(actor=SYSTEM, duty_list=duty_list, reason=spec.return_reason)
        return
    if spec.status == "submitted":
        return
    services.duty_list_file(actor=SYSTEM, duty_list=duty_list)
    if spec.status == "published":
        services.duty_list_publish(actor=SYSTEM, duty_list=duty_list)


def _seed_list(spec: DemoList, year: int) -> DutyList | None:
    unit = Unit.objects.filter(code=spec.unit_code).first()
    if unit is None or DutyList.objects.filter(unit=unit, year=year).exists():
        return None
    duty_list = services.duty_list_start(actor=SYSTEM, unit=unit, year=year)
    _fill(duty_list, spec)
    _advance(duty_list, spec)
    _backdate(duty_list, spec)
    return duty_list


def _seed_template(office: Unit) -> DutyTemplate:
    template = DutyTemplate.objects.filter(issuing_unit=office, unit_kind=Unit.Kind.COMMUNITY_COMMITTEE).first()
    if template is not None:
        return template
    template = services.duty_template_create(
        actor=SYSTEM,
        issuing_unit=office,
        unit_kind=Unit.Kind.COMMUNITY_COMMITTEE,
        title="社区居委会普法责任清单模板",
        laws=[_law("宪法"), _law("民法典"), _law("城市居民委员会组织法")],
    )
    for item in TEMPLATE_ITEMS:
        services.duty_template_item_add(actor=SYSTEM, template=template, data=_item_data(item))
    return services.duty_template_issue(actor=SYSTEM, template=template)


def seed_duties() -> None:
    """Build (or find) the demo street's responsibility lists. Running it twice changes nothing."""
    office = Unit.objects.filter(code="tuohe-fzb").first()
    street = Region.objects.filter(name="沱河街道").first()
    if office is None or street is None:
        return
    _seed_laws()
    year = timezone.localdate().year
    if not DutyDeadline.objects.filter(region=street, year=year).exists():
        services.duty_deadline_set(actor=SYSTEM, region=street, year=year, due=dt.date(year, 3, 31))
    template = _seed_template(office)
    # Last year's list of the 司法所, so "start from last year" has something to copy.
    last_year = _seed_list(SFS, year - 1)
    for spec in (PCS, FL, YJB, SJS, TAOYUAN):
        _seed_list(spec, year)
    sfs = Unit.objects.get(code=SFS.unit_code)
    if not DutyList.objects.filter(unit=sfs, year=year).exists():
        source = last_year or DutyList.objects.get(unit=sfs, year=year - 1)
        current = services.duty_list_start(actor=SYSTEM, unit=sfs, year=year, source=source)
        _advance(current, SFS)
        _backdate(current, SFS)
    tuohe = Unit.objects.filter(code="tuohe-tuohe").first()
    if tuohe is not None and not DutyList.objects.filter(unit=tuohe, year=year).exists():
        services.duty_list_start(actor=SYSTEM, unit=tuohe, year=year, template=template)
