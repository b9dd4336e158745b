"""A city at scale for the benchmarks: regions, units, people, plans with targets, and a five-year ledger.

At --scale 1: 1 city, 10 districts, 120 streets, 2,500 communities, ~5,000 units (offices, departments,
judicial offices, police stations, community committees, schools, enterprises) with one account each (plus
inspectors), 3,000 plan tasks with targets on the ledger metrics, and 1,000,000 activities over five
years — some co-organised, tagged with domains and audiences, a third linked to tasks —, 100,000
cases (以案释法案例库) with their search index, and 1,000,000 hotline work orders of a year (精准普法).

Everything is written with bulk_create in chunks inside transactions, with ids chosen up front so paths
need no second pass, into whatever database PUFA_DATABASE_URL names. Unset, it is var/bench.sqlite3 —
never the demo database. Generated rows bypass the services (no audit entries), as a migration would.

    .venv/bin/python bench/citygen.py --scale 0.01          # quick: 10,000 activities
    .venv/bin/python bench/citygen.py --scale 1 --fresh     # the full city (minutes)
    PUFA_DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/pufa_bench .venv/bin/python bench/citygen.py

Other benchmarks reuse it: `setup()`, then `generate_org(scale)`, `generate_plans(scale)`,
`generate_activities(scale)` (each returns what it made, and finds instead of repeating work already done).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CITY_NAME = "基准市"
CITY_CODE = "bench-city"
PASSWORD = "Bench-pass-2026!"  # noqa: S105 - benchmark accounts only
SEED = 20260501

DISTRICTS = ["东湖区", "西山区", "南城区", "北岸区", "高新区", "经开区", "临河区", "青山区", "白沙区", "清溪县"]
STREET_WORDS = "朝阳 解放 人民 建设 和平 新华 胜利 光明 文化 青年 东风 红旗 长江 黄河 滨河 湖滨 桥西 城关 站前 凤凰"
COMMUNITY_WORDS = (
    "幸福 和谐 康乐 安居 翠苑 锦绣 金桥 银杏 丹桂 玉兰 紫薇 海棠 春晖 秋实 阳光 星光 明珠 碧水 绿洲 "
    "花园 东苑 西苑 南苑 北苑 新村 老街 水岸 山水 龙湾 凤鸣"
)
DISTRICT_DEPARTMENTS = [
    ("sfj", "司法局", "department"),
    ("jyj", "教育局", "department"),
    ("gaj", "公安分局", "department"),
    ("scj", "市场监督管理局", "department"),
    ("hbj", "生态环境分局", "department"),
    ("rsj", "人力资源和社会保障局", "department"),
    ("yjj", "应急管理局", "department"),
    ("mzj", "民政局", "department"),
    ("wjw", "卫生健康委员会", "department"),
    ("fl", "妇女联合会", "department"),
    ("tw", "团委", "department"),
    ("gh", "总工会", "department"),
    ("xfj", "信访局", "department"),
    ("jtj", "交通运输局", "department"),
    ("zjj", "住房和城乡建设局", "department"),
    ("nyj", "农业农村局", "department"),
    ("swj", "税务局", "department"),
    ("sjj", "审计局", "department"),
    ("tjj", "统计局", "department"),
    ("wlj", "文化和旅游局", "department"),
    ("tyj", "体育局", "department"),
    ("zrj", "自然资源局", "department"),
    ("slj", "水利局", "department"),
    ("gxj", "工业和信息化局", "department"),
    ("fgw", "发展和改革委员会", "department"),
    ("czj", "财政局", "department"),
    ("ybj", "医疗保障局", "department"),
    ("twb", "退役军人事务局", "department"),
    ("xcb", "宣传部", "department"),
    ("zfb", "政法委", "department"),
]
STREET_UNITS = [
    ("fzb", "法治办", "office"),
    ("sfs", "司法所", "judicial_office"),
    ("pcs", "派出所", "police_station"),
    ("xcb", "宣传办", "department"),
    ("sjs", "市场监督管理所", "department"),
    ("fl", "妇联", "department"),
    ("sbs", "社保所", "department"),
    ("yjb", "应急办", "department"),
    ("mzs", "民政所", "department"),
    ("wjb", "卫计办", "department"),
    ("xfb", "信访办", "department"),
    ("tw", "团委", "department"),
    ("gh", "工会", "department"),
]
# Activity forms by weight (codes of core's default ActivityKind rows).
KIND_WEIGHTS = {
    "jzxc": 18,
    "ztjz": 16,
    "yasf": 8,
    "px": 6,
    "xfks": 3,
    "wyyc": 3,
    "flzx": 12,
    "xmt": 12,
    "xcl": 8,
    "zxzxf": 3,
    "sspf": 5,
    "whhd": 3,
    "sfsm": 3,
}
STATUS_WEIGHTS = {"confirmed": 62, "submitted": 28, "draft": 7, "returned": 3}
TITLES = {
    "jzxc": ["“{key}”集中宣传", "法治宣传进广场活动", "普法宣传摆摊咨询"],
    "ztjz": ["{law}专题讲座", "社区法制课：{law}", "法治副校长讲{law}"],
    "yasf": ["以案释法：{law}典型案例讲解", "庭审观摩暨以案释法"],
    "px": ["法律明白人培训（{law}）", "网格员法律知识培训"],
    "xfks": ["国家工作人员学法考试", "领导干部任前法律知识考试"],
    "wyyc": ["法治文艺演出“送法下乡”", "普法小品展演"],
    "flzx": ["法律咨询进社区", "“法律明白人”接待日"],
    "xmt": ["微信公众号推送：{law}解读", "普法短视频发布"],
    "xcl": ["更新法治宣传栏（{law}）", "更新社区普法橱窗"],
    "zxzxf": ["理论学习中心组集体学法（{law}）"],
    "sspf": ["执法检查中开展实时普法", "办案中以案释法"],
    "whhd": ["法治文化主题活动", "法治书画作品展"],
    "sfsm": ["送法上门：{law}", "入户普法宣传"],
}
LAWS = [
    "宪法",
    "民法典",
    "未成年人保护法",
    "反家庭暴力法",
    "安全生产法",
    "消防法",
    "禁毒法",
    "劳动合同法",
    "食品安全法",
]
PERIOD_LABELS = {"year": "年", "quarter": "季度", "half_year": "半年"}
KEYS = ["12·4国家宪法日", "民法典宣传月", "4·15国家安全教育日", "3·15消费者权益日", "安全生产月"]


def setup() -> None:
    """Point Django at the benchmark database (var/bench.sqlite3 unless PUFA_DATABASE_URL is set)."""
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT))
    if not os.environ.get("PUFA_DATABASE_URL"):
        (ROOT / "var").mkdir(exist_ok=True)
        os.environ["PUFA_DATABASE_URL"] = f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pufa.settings")
    os.environ.setdefault("PUFA_INSECURE_DEV_KEY", "1")  # a local benchmark, not a deployment
    os.environ.setdefault("PUFA_TASKS_BACKEND", "immediate")
    # The benchmarks request pages through Django's test Client, whose host is "testserver".
    os.environ.setdefault("PUFA_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    import django

    django.setup()


def database_label() -> str:
    from django.db import connection

    return f"{connection.vendor} ({connection.settings_dict['NAME']})"


def _next_id(model: type) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def _reset_sequences(*models: type) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    sql = connection.ops.sequence_reset_sql(no_style(), list(models))
    with connection.cursor() as cursor:
        for statement in sql:
            cursor.execute(statement)


def _bulk(model: type, rows: list, chunk: int = 5000) -> None:
    from django.db import transaction

    for i in range(0, len(rows), chunk):
        with transaction.atomic():
            model.objects.bulk_create(rows[i : i + chunk], batch_size=chunk)


def _counts(scale: float) -> dict[str, int]:
    districts = max(1, round(10 * scale))
    streets = max(districts, round(120 * scale))
    communities = max(streets, round(2500 * scale))
    return {
        "districts": districts,
        "streets": streets,
        "communities": communities,
        "schools": max(1, round(400 * scale)),
        "enterprises": max(1, round(150 * scale)),
        "city_departments": max(2, round(40 * scale)),
        "activities": max(100, round(1_000_000 * scale)),
        "tasks": max(10, round(3000 * scale)),
    }


# ---------------------------------------------------------------- organisation


@dataclass
class CityOrg:
    city_id: int
    district_ids: list[int] = field(default_factory=list)
    street_ids: list[int] = field(default_factory=list)
    community_ids: list[int] = field(default_factory=list)
    #: unit ids by tier: "city", "district", "street", "community", "other"
    units: dict[str, list[int]] = field(default_factory=dict)
    #: office unit id of each region id (city, districts, streets)
    office_of_region: dict[int, int] = field(default_factory=dict)
    #: the street region id of each community region id, and the district of each street
    parent_of: dict[int, int] = field(default_factory=dict)
    #: unit id → region id
    region_of_unit: dict[int, int] = field(default_factory=dict)
    usernames: dict[str, str] = field(default_factory=dict)  # role sample → username

    @property
    def unit_count(self) -> int:
        return sum(len(v) for v in self.units.values())


def _load_org() -> CityOrg | None:
    from pufa.org.models import Region, Unit

    city = Region.objects.filter(code=CITY_CODE).first()
    if city is None:
        return None
    org = CityOrg(city_id=city.pk)
    regions = list(Region.objects.filter(path__startswith=city.path).values_list("pk", "level", "parent_id"))
    for pk, level, parent in regions:
        if level == "district":
            org.district_ids.append(pk)
        elif level == "street":
            org.street_ids.append(pk)
        elif level == "community":
            org.community_ids.append(pk)
        if parent:
            org.parent_of[pk] = parent
    levels = {pk: level for pk, level, _ in regions}
    tiers: dict[str, list[int]] = {"city": [], "district": [], "street": [], "community": [], "other": []}
    for pk, region_id, kind in Unit.objects.filter(region__path__startswith=city.path).values_list(
        "pk", "region_id", "kind"
    ):
        org.region_of_unit[pk] = region_id
        level = levels[region_id]
        if kind == "office":
            org.office_of_region[region_id] = pk
        if kind in ("school", "enterprise"):
            tiers["other"].append(pk)
        else:
            tiers[{"city": "city", "district": "district", "street": "street", "community": "community"}[level]].append(
                pk
            )
    org.units = tiers
    org.usernames = _sample_logins(org)
    return org


def _sample_logins(org: CityOrg) -> dict[str, str]:
    """Accounts the benchmarks act as: the first district's office, a street office, a community liaison."""
    district = org.district_ids[0]
    street = next(s for s in org.street_ids if org.parent_of.get(s) == district)
    community = next(c for c in org.community_ids if org.parent_of.get(c) == street)
    committee = next(u for u in org.units["community"] if org.region_of_unit[u] == community)
    return {
        "district_office": f"u{org.office_of_region[district]}",
        "street_office": f"u{org.office_of_region[street]}",
        "community_liaison": f"u{committee}",
        "city_office": f"u{org.office_of_region[org.city_id]}",
    }


def generate_org(scale: float = 1.0) -> CityOrg:
    """Regions, units and one account per unit (office role for offices, liaison otherwise), plus inspectors."""
    from django.contrib.auth.hashers import make_password

    from pufa.core.chinese import pinyin_key
    from pufa.org.models import Membership, Region, Unit, User

    existing = _load_org()
    if existing is not None:
        return existing
    n = _counts(scale)
    rng = random.Random(SEED)
    rid = _next_id(Region)
    regions: list[Region] = []

    def region(name: str, level: str, parent: Region | None, depth: int, code: str = "") -> Region:
        nonlocal rid
        r = Region(
            pk=rid,
            name=name,
            level=level,
            parent=parent,
            code=code,
            path=f"{parent.path if parent else '/'}{rid}/",
            depth=depth,
            pinyin=pinyin_key(name),
        )
        rid += 1
        regions.append(r)
        return r

    city = region(CITY_NAME, "city", None, 0, CITY_CODE)
    districts = [region(DISTRICTS[i % len(DISTRICTS)], "district", city, 1) for i in range(n["districts"])]
    street_words = STREET_WORDS.split()
    community_words = COMMUNITY_WORDS.split()
    streets = []
    for i in range(n["streets"]):
        district = districts[i % len(districts)]
        word = street_words[(i // len(districts)) % len(street_words)]
        suffix = "" if i < len(districts) * len(street_words) else str(i // (len(districts) * len(street_words)) + 1)
        streets.append(region(f"{district.name[:2]}{word}{suffix}街道", "street", district, 2))
    communities = []
    for i in range(n["communities"]):
        street = streets[i % len(streets)]
        k = i // len(streets)
        word = community_words[k % len(community_words)] + ("" if k < len(community_words) else str(k))
        communities.append(region(f"{street.name.removesuffix('街道')}{word}社区", "community", street, 3))
    _bulk(Region, regions)

    uid = _next_id(Unit)
    units: list[Unit] = []
    tiers: dict[str, list[int]] = {"city": [], "district": [], "street": [], "community": [], "other": []}
    sfj_of_district: dict[int, Unit] = {}

    def unit(name: str, code: str, kind: str, where: Region, tier: str, parent: Unit | None = None) -> Unit:
        nonlocal uid
        u = Unit(
            pk=uid,
            name=name,
            code=code,
            kind=kind,
            region=where,
            parent=parent,
            aliases=[],
            path=f"{parent.path if parent else '/'}{uid}/",
            pinyin=pinyin_key(name),
        )
        uid += 1
        units.append(u)
        tiers[tier].append(u.pk)
        return u

    unit(f"{CITY_NAME}委依法治市办", f"{CITY_CODE}-fzb", "office", city, "city")
    for code, name, kind in DISTRICT_DEPARTMENTS[: n["city_departments"]]:
        unit(f"{CITY_NAME}{name.replace('分局', '局')}", f"{CITY_CODE}-{code}", kind, city, "city")
    for d in districts:
        unit(f"{d.name}委依法治区办", f"r{d.pk}-fzb", "office", d, "district")
        for code, name, kind in DISTRICT_DEPARTMENTS:
            u = unit(f"{d.name}{name}", f"r{d.pk}-{code}", kind, d, "district")
            if code == "sfj":
                sfj_of_district[d.pk] = u
    for s in streets:
        for code, name, kind in STREET_UNITS:
            parent = sfj_of_district[s.parent.pk] if kind == "judicial_office" else None
            unit(f"{s.name}{name}", f"r{s.pk}-{code}", kind, s, "street", parent)
    for c in communities:
        unit(f"{c.name}居委会", f"r{c.pk}-jwh", "community_committee", c, "community")
    for i in range(n["schools"]):
        where = streets[i % len(streets)]
        unit(
            f"{where.name.removesuffix('街道')}第{i // len(streets) + 1}小学", f"s{i}-school", "school", where, "other"
        )
    for i in range(n["enterprises"]):
        where = streets[rng.randrange(len(streets))]
        unit(f"{where.name.removesuffix('街道')}企业{i + 1}号", f"e{i}-ent", "enterprise", where, "other")
    _bulk(Unit, units)

    password = make_password(PASSWORD)
    users, memberships = [], []
    next_user = _next_id(User)
    for u in units:
        role = "office" if u.kind == "office" else "liaison"
        users.append(User(pk=next_user, username=f"u{u.pk}", full_name=f"{u.name[:8]}联络员", password=password))
        memberships.append(Membership(user_id=next_user, unit_id=u.pk, role=role))
        next_user += 1
        if u.kind == "office" and u.region.level in ("city", "district"):
            users.append(User(pk=next_user, username=f"i{u.pk}", full_name=f"{u.name[:8]}督查员", password=password))
            memberships.append(Membership(user_id=next_user, unit_id=u.pk, role="inspector"))
            next_user += 1
    _bulk(User, users)
    _bulk(Membership, memberships)
    _reset_sequences(Region, Unit, User, Membership)
    org = _load_org()
    assert org is not None
    return org


# ---------------------------------------------------------------- plans, tasks, targets


@dataclass
class CityPlans:
    plan_ids: list[int]
    task_ids: list[int]
    #: (unit id, year) → task ids the unit is responsible for or leads
    tasks_of: dict[tuple[int, int], list[int]]


def _years(today: dt.date | None = None) -> list[int]:
    today = today or dt.date.today()
    return [today.year - 4 + i for i in range(5)]


def _load_plans(org: CityOrg) -> CityPlans | None:
    from pufa.org.models import Region
    from pufa.plans.models import Plan, TaskUnit

    city_path = Region.objects.get(pk=org.city_id).path
    plans = list(Plan.objects.filter(issuing_unit__region__path__startswith=city_path).values_list("pk", flat=True))
    if not plans:
        return None
    tasks_of: dict[tuple[int, int], list[int]] = {}
    task_ids: set[int] = set()
    for unit_id, task_id, start in TaskUnit.objects.filter(task__plan_id__in=plans).values_list(
        "unit_id", "task_id", "task__plan__period_start"
    ):
        tasks_of.setdefault((unit_id, start.year), []).append(task_id)
        task_ids.add(task_id)
    return CityPlans(plans, sorted(task_ids), tasks_of)


def generate_plans(scale: float = 1.0) -> CityPlans:
    """Each year: a district's 普法工作要点 (12 tasks) and each street's 行动方案 (4 tasks), with lead and
    responsible units, and targets on the ledger metrics (每季度一堂法制课, 普法演出5场次, 受众人次 …)."""
    from pufa.core.models import ActivityKind, Domain
    from pufa.plans.models import Plan, Target, Task, TaskUnit

    org = generate_org(scale)
    existing = _load_plans(org)
    if existing is not None:
        return existing
    rng = random.Random(SEED + 1)
    n = _counts(scale)
    per_district = max(1, round(n["tasks"] * 0.2 / (len(org.district_ids) * 5)))
    per_street = max(1, round(n["tasks"] * 0.8 / (len(org.street_ids) * 5)))
    domains = list(Domain.objects.values_list("pk", flat=True))
    kinds = dict(ActivityKind.objects.values_list("code", "pk"))
    assert kinds, "the default activity kinds are missing: run migrations first"
    pid, tid = _next_id(Plan), _next_id(Task)
    plans, tasks, task_units, targets, task_domains = [], [], [], [], []
    departments_of: dict[int, list[int]] = {}
    communities_of: dict[int, list[int]] = {}
    for u in org.units["district"]:
        departments_of.setdefault(org.region_of_unit[u], []).append(u)
    for u in org.units["community"]:
        communities_of.setdefault(org.parent_of[org.region_of_unit[u]], []).append(u)
    street_units: dict[int, list[int]] = {}
    for u in org.units["street"]:
        street_units.setdefault(org.region_of_unit[u], []).append(u)
    templates = [
        ("开展“八五”普法宪法宣传活动", "year", "ledger.activity_count", {"domain": ["xianfa"]}, 1),
        ("坚持每季度一堂法制课", "quarter", "ledger.activity_count", {"kind": ["ztjz"]}, 1),
        ("开展法治文艺演出", "year", "ledger.activity_count", {"kind": ["wyyc"]}, 5),
        ("扩大普法覆盖面", "year", "ledger.people_reached", {}, 500),
        ("发放普法宣传资料", "half_year", "ledger.materials", {}, 300),
        ("开展民法典宣传月活动", "year", "ledger.activity_count", {"domain": ["minfadian"]}, 2),
    ]

    def add_task(plan: Plan, order: int, lead: list[int], responsible: list[int], each_kind: str = "") -> None:
        nonlocal tid
        title, period, metric, filters, threshold = templates[(tid + order) % len(templates)]
        task = Task(
            pk=tid,
            plan=plan,
            order=order,
            number=str(order),
            section=f"二、（{order}）",
            path=["二、重点任务"],
            title=title,
            text=f"{title}，各单位按要求落实并登记工作台账。",
            deadline_kind="recurring" if period == "quarter" else "all_year",
            recurrence="quarterly" if period == "quarter" else "",
        )
        tasks.append(task)
        task_domains.append(Task.domains.through(task_id=tid, domain_id=rng.choice(domains)))
        task_units.extend(TaskUnit(task_id=tid, unit_id=u, role="lead") for u in lead)
        task_units.extend(TaskUnit(task_id=tid, unit_id=u, role="responsible") for u in responsible if u not in lead)
        if order % 2 == 1:
            targets.append(
                Target(
                    task_id=tid,
                    metric=metric,
                    filters=filters,
                    scope="each_of_kind" if each_kind else "responsible",
                    scope_kind=each_kind,
                    period=period,
                    threshold=threshold,
                    measure="场" if metric.endswith("count") else "",
                    text=f"{title}，每{PERIOD_LABELS[period]}不少于{threshold}",
                )
            )
        tid += 1

    for year in _years():
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        for district in org.district_ids:
            plan = Plan(
                pk=pid,
                title=f"{year}年普法依法治理工作要点",
                kind="annual_points",
                issuing_unit_id=org.office_of_region[district],
                period_start=start,
                period_end=end,
            )
            pid += 1
            plans.append(plan)
            depts = departments_of.get(district, [])
            for order in range(1, per_district + 1):
                lead = [depts[(order - 1) % len(depts)]] if depts else []
                add_task(plan, order, lead, [], each_kind="community_committee" if order % 4 == 1 else "")
        for street in org.street_ids:
            plan = Plan(
                pk=pid,
                title=f"{year}年社区普法工作行动方案",
                kind="action",
                issuing_unit_id=org.office_of_region[street],
                period_start=start,
                period_end=end,
            )
            pid += 1
            plans.append(plan)
            own = street_units.get(street, [])
            for order in range(1, per_street + 1):
                add_task(plan, order, [own[order % len(own)]], communities_of.get(street, []))
    _bulk(Plan, plans)
    _bulk(Task, tasks)
    _bulk(Task.domains.through, task_domains)
    _bulk(TaskUnit, task_units)
    _bulk(Target, targets)
    _reset_sequences(Plan, Task, TaskUnit, Target)
    loaded = _load_plans(org)
    assert loaded is not None
    return loaded


# ---------------------------------------------------------------- the ledger


_DEFAULTS: dict[type, dict[str, object]] = {}


def _fast(model: type, **values: object) -> object:
    """A model instance without Model.__init__ (a third of the generator's time at a million rows);
    bulk_create reads only the attributes, which start from the fields' defaults."""
    from django.db.models.base import ModelState

    defaults = _DEFAULTS.get(model)
    if defaults is None:
        defaults = {f.attname: f.get_default() for f in model._meta.concrete_fields}
        _DEFAULTS[model] = defaults
    obj = model.__new__(model)
    obj.__dict__.update(defaults)
    obj.__dict__.update(values)
    obj._state = ModelState()
    return obj


def _weighted(rng: random.Random, weights: dict[str, int]) -> list[str]:
    """A 1,000-long lookup table, so picking by weight is one randrange."""
    table = []
    for key, weight in weights.items():
        table.extend([key] * weight)
    return [table[rng.randrange(len(table))] for _ in range(1000)]


def generate_activities(scale: float = 1.0, chunk: int = 20_000, progress: bool = True) -> int:
    """Activities over five years (to today; a few drafts ahead), counted like real ledgers: community
    committees record most, street units a quarter, district and city units the rest. Returns how many exist."""
    from django.db import connection, transaction
    from django.utils import timezone

    from pufa.core.models import ActivityKind, Audience, Domain
    from pufa.ledger.models import Activity, ActivityUnit
    from pufa.org.models import Region, Unit

    org = generate_org(scale)
    plans = generate_plans(scale)
    target = _counts(scale)["activities"]
    city_path = Region.objects.get(pk=org.city_id).path
    have = Activity.all_objects.filter(region_path__startswith=city_path).count()
    if have >= target:
        return have
    rng = random.Random(SEED + 2 + have)
    if connection.vendor == "sqlite":
        # A bulk load of a scratch database: a big page cache for the random-order index inserts, no fsync.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size=-262144")
            cursor.execute("PRAGMA synchronous=OFF")
    kinds = dict(ActivityKind.objects.values_list("code", "pk"))
    domain_ids = list(Domain.objects.values_list("pk", flat=True))
    audience_ids = list(Audience.objects.values_list("pk", flat=True))
    unit_info = {
        pk: (path, region_path, region_id)
        for pk, path, region_path, region_id in Unit.objects.filter(region__path__startswith=city_path).values_list(
            "pk", "path", "region__path", "region_id"
        )
    }
    street_of_unit: dict[int, int] = {}
    for u, (_, _, region_id) in unit_info.items():
        r = region_id
        while r in org.parent_of and r not in org.street_ids:
            r = org.parent_of[r]
        street_of_unit[u] = r
    units_of_street: dict[int, list[int]] = {}
    for u, s in street_of_unit.items():
        units_of_street.setdefault(s, []).append(u)
    tiers = [
        ("community", 60),
        ("street", 25),
        ("district", 10),
        ("other", 3),
        ("city", 2),
    ]
    tier_table = _weighted(rng, dict(tiers))
    kind_table = _weighted(rng, KIND_WEIGHTS)
    status_table = _weighted(rng, STATUS_WEIGHTS)
    today = timezone.localdate()
    first_day = dt.date(_years(today)[0], 1, 1)
    span = (today - first_day).days
    aid = _next_id(Activity)
    now = timezone.now()
    DomainLink, AudienceLink, TaskLink = Activity.domains.through, Activity.audiences.through, Activity.tasks.through
    made = 0
    started = time.perf_counter()
    while have + made < target:
        size = min(chunk, target - have - made)
        activities, participants, domain_links, audience_links, task_links = [], [], [], [], []
        for _ in range(size):
            organiser = rng.choice(org.units[tier_table[rng.randrange(1000)]])
            status = status_table[rng.randrange(1000)]
            day = first_day + dt.timedelta(days=rng.randrange(span + 1))
            if status == "draft" and rng.random() < 0.3:
                day = today + dt.timedelta(days=rng.randrange(1, 60))
            kind = kind_table[rng.randrange(1000)]
            law = LAWS[rng.randrange(len(LAWS))]
            title = rng.choice(TITLES[kind]).format(law=law, key=KEYS[rng.randrange(len(KEYS))])
            _, region_path, region_id = unit_info[organiser]
            people = rng.choice((0, 15, 30, 45, 60, 80, 120, 200, 500)) if kind != "xmt" else 0
            activities.append(
                _fast(
                    Activity,
                    id=aid,
                    unit_id=organiser,
                    title=title,
                    kind_id=kinds[kind],
                    date=day,
                    place="党群服务中心" if people else "",
                    place_region_id=region_id,
                    laws=f"《{law}》",
                    people_onsite=people,
                    people_online=rng.choice((0, 0, 0, 300, 1200)) if kind == "xmt" else 0,
                    materials=rng.choice((0, 0, 50, 100, 200, 300)),
                    description="",
                    status=status,
                    return_reason="请补充活动简介" if status == "returned" else "",
                    region_path=region_path,
                    submitted_at=now if status in ("submitted", "confirmed") else None,
                    confirmed_at=now if status == "confirmed" else None,
                    is_highlight=rng.random() < 0.01,
                    created_at=now,
                    updated_at=now,
                )
            )
            members = [organiser]
            first_participant = len(participants)
            if rng.random() < 0.15:
                neighbours = units_of_street.get(street_of_unit[organiser], [])
                for _ in range(1 + (rng.random() < 0.3)):
                    other = neighbours[rng.randrange(len(neighbours))] if neighbours else organiser
                    if other not in members:
                        members.append(other)
            for unit_id in members:
                u_path, u_region_path, _ = unit_info[unit_id]
                participants.append(
                    _fast(
                        ActivityUnit,
                        activity_id=aid,
                        unit_id=unit_id,
                        is_organiser=unit_id == organiser,
                        unit_path=u_path,
                        region_path=u_region_path,
                        date=day,
                        status=status,
                        kind_id=kinds[kind],
                        is_highlight=activities[-1].is_highlight,
                        title=activities[-1].title,
                    )
                )
            chosen_domains = rng.sample(domain_ids, 1 + (rng.random() < 0.5))
            for d in chosen_domains:
                domain_links.append(_fast(DomainLink, activity_id=aid, domain_id=d))
            chosen_audiences = rng.sample(audience_ids, 1 + (rng.random() < 0.4))
            for a in chosen_audiences:
                audience_links.append(_fast(AudienceLink, activity_id=aid, audience_id=a))
            for row in participants[first_participant:]:  # the copies the office's filters read (ActivityUnit)
                row.domain_keys = ActivityUnit.keys_of(chosen_domains)
                row.audience_keys = ActivityUnit.keys_of(chosen_audiences)
            candidates = plans.tasks_of.get((organiser, day.year))
            if candidates and rng.random() < 0.6:
                task_links.append(_fast(TaskLink, activity_id=aid, task_id=rng.choice(candidates)))
                for row in participants[first_participant:]:
                    row.task_keys = ActivityUnit.keys_of([task_links[-1].task_id])
            aid += 1
        with transaction.atomic():
            Activity.objects.bulk_create(activities, batch_size=2000)
            ActivityUnit.objects.bulk_create(participants, batch_size=2000)
            DomainLink.objects.bulk_create(domain_links, batch_size=5000)
            AudienceLink.objects.bulk_create(audience_links, batch_size=5000)
            TaskLink.objects.bulk_create(task_links, batch_size=5000)
        made += size
        if progress:
            rate = made / (time.perf_counter() - started)
            print(f"  activities {have + made:>9,}/{target:,}  ({rate:,.0f}/s)", flush=True)
    _reset_sequences(Activity, ActivityUnit)
    with connection.cursor() as cursor:
        # Statistics for the planners; on PostgreSQL also the visibility map, so index-only scans stay index-only.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return have + made


# ---------------------------------------------------------------- venues (法治文化阵地)


def generate_venues(scale: float = 1.0, per_community: int = 5) -> int:
    """About `per_community` venues in every community (its 阵地, a board with three monthly issues, mostly a
    大讲堂 — one in twenty lacks it, so coverage has gaps — and two more of random kinds), coordinates inside a
    box per district, and a city outline with one rectangle per district for the map. Returns the venue count."""

    from pufa.org.models import Region
    from pufa.venues.models import MapBoundary, Upkeep, Venue, VenueKind

    org = generate_org(scale)
    if Venue.objects.filter(region__path__startswith=Region.objects.get(pk=org.city_id).path).exists():
        return Venue.objects.count()
    rng = random.Random(SEED + 7)
    kinds = {k.code: k.pk for k in VenueKind.objects.all()}
    extra = [c for c in kinds if c not in ("position", "lecture", "board")]
    committee_of = {r: u for u, r in org.region_of_unit.items() if u in set(org.units["community"])}
    district_of = {c: org.parent_of[org.parent_of[c]] for c in org.community_ids}
    box = {d: (110 + (i % 5) * 1.0, 30 + (i // 5) * 1.0) for i, d in enumerate(org.district_ids)}
    today = dt.date.today()
    vid = _next_id(Venue)
    venues: list[Venue] = []
    upkeeps: list[Upkeep] = []
    for community in org.community_ids:
        unit = committee_of.get(community)
        if unit is None:
            continue
        lon0, lat0 = box[district_of[community]]
        chosen = ["position", "board"] + (["lecture"] if rng.random() > 0.05 else [])
        chosen += rng.sample(extra, max(0, per_community - len(chosen)))
        for code in chosen:
            opened = today - dt.timedelta(days=rng.randint(60, 1500))
            venues.append(
                Venue(
                    pk=vid,
                    name=f"阵地{vid}",
                    kind_id=kinds[code],
                    level="community",
                    region_id=community,
                    unit_id=unit,
                    status="open",
                    opened_on=opened,
                    area_m2=2.5 if code == "board" else None,
                    longitude=round(lon0 + rng.random() * 0.9, 6),
                    latitude=round(lat0 + rng.random() * 0.9, 6),
                    opening_hours="每日 8:00—18:00",
                )
            )
            if code == "board":
                last = today - dt.timedelta(days=rng.randint(0, 120))
                upkeeps.extend(
                    Upkeep(venue_id=vid, kind="content", date=last - dt.timedelta(days=30 * k), note="月度更新")
                    for k in range(3)
                )
            vid += 1
    _bulk(Venue, venues)
    _bulk(Upkeep, upkeeps)
    _reset_sequences(Venue, Upkeep)
    features = [
        {
            "type": "Feature",
            "properties": {"name": f"区{d}"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[lon, lat], [lon + 1, lat], [lon + 1, lat + 1], [lon, lat + 1], [lon, lat]]],
            },
        }
        for d, (lon, lat) in box.items()
    ]
    MapBoundary.objects.update_or_create(
        region_id=org.city_id, defaults={"geojson": {"type": "FeatureCollection", "features": features}}
    )
    return len(venues)


# ---------------------------------------------------------------- surveys (效果评估)


def generate_survey_responses(scale: float = 1.0, responses: int = 100_000, chunk: int = 10_000) -> tuple[int, int]:
    """The city office's annual 法治素养 survey (pufa's template: 8 knowledge and 2 scale questions) with
    `responses` answers spread over the city's communities and the year, ~11 answer rows each — the worst case
    of the results page (one survey holding every response). Returns (survey id, responses)."""
    from pufa.core.actors import SYSTEM
    from pufa.org.models import Unit
    from pufa.surveys import services, tally
    from pufa.surveys.models import Answer, Response, Survey
    from pufa.surveys.services import score

    org = generate_org(scale)
    office = Unit.objects.get(pk=org.office_of_region[org.city_id])
    survey = Survey.objects.filter(title="全市年度法治素养测评", unit=office).first()
    if survey is None:
        survey = services.survey_create(
            actor=SYSTEM,
            data=services.SurveyData(title="全市年度法治素养测评", unit=office, kind="annual"),
            template="literacy",
        )
        services.transition(actor=SYSTEM, survey=survey, name="publish")
    have = survey.responses.count()
    if have >= responses:
        return survey.pk, have
    questions = list(survey.current_questions())
    rng = random.Random(SEED + 21)
    start = dt.datetime.combine(dt.date(dt.date.today().year, 1, 1), dt.time(9), tzinfo=dt.UTC)
    rid = _next_id(Response)
    made = have
    while made < responses:
        batch: list[Response] = []
        answers: list[Answer] = []
        for _ in range(min(chunk, responses - made)):
            knows = rng.uniform(0.3, 0.95)
            chosen: dict[int, set[int]] = {}
            for q in questions:
                if q.correct:
                    wrong = [i for i in range(len(q.options)) if i not in q.correct]
                    chosen[q.pk] = set(q.correct) if rng.random() < knows else {rng.choice(wrong)}
                    answers.extend(Answer(response_id=rid, question_id=q.pk, option=o) for o in chosen[q.pk])
                else:
                    answers.append(Answer(response_id=rid, question_id=q.pk, value=rng.randint(1, 5)))
            batch.append(
                Response(
                    pk=rid,
                    survey_id=survey.pk,
                    revision=survey.revision,
                    device=f"bench-{rid}",
                    community_id=rng.choice(org.community_ids),
                    submitted_at=start + dt.timedelta(minutes=rng.randint(0, 300 * 24 * 60)),
                    score=score(questions, chosen),
                )
            )
            rid += 1
        _bulk(Response, batch)
        _bulk(Answer, answers)
        made += len(batch)
    _reset_sequences(Response, Answer)
    tally.rebuild([survey.pk])  # the rows were loaded in bulk, past the service that counts them
    return survey.pk, made


# ---------------------------------------------------------------- rosters (普法队伍)


def generate_people(scale: float = 1.0, per_community: int = 10, trainings_each: int = 4) -> tuple[int, int]:
    """About `per_community` people on every community committee's roster (mostly 法律明白人, some volunteers;
    one in ten retired with a reason, one in twenty moved away), and `trainings_each` attendances per person at
    the committee's own ledger activities when the ledger was generated. Returns (people, attendances)."""

    from pufa.ledger.models import Activity
    from pufa.org.models import Region
    from pufa.people.models import Attendance, Person, TeamKind, TeamMembership

    org = generate_org(scale)
    if Person.objects.filter(region__path__startswith=Region.objects.get(pk=org.city_id).path).exists():
        return Person.objects.count(), Attendance.objects.count()
    rng = random.Random(SEED + 11)
    kinds = {k.code: k.pk for k in TeamKind.objects.all()}
    committee_of = {r: u for u, r in org.region_of_unit.items() if u in set(org.units["community"])}
    activities: dict[int, list[int]] = {}
    for unit_id, pk in Activity.objects.filter(unit_id__in=list(committee_of.values())).values_list("unit_id", "pk"):
        bucket = activities.setdefault(unit_id, [])
        if len(bucket) < 40:
            bucket.append(pk)
    pid, mid = _next_id(Person), _next_id(TeamMembership)
    people: list[Person] = []
    memberships: list[TeamMembership] = []
    attendances: list[Attendance] = []
    for community in org.community_ids:
        unit = committee_of.get(community)
        if unit is None:
            continue
        for i in range(per_community):
            people.append(
                Person(
                    pk=pid,
                    name=f"成员{pid}",
                    pinyin=f"chengyuan{pid:08d}",
                    gender="mf"[pid % 2],
                    birth_year=rng.randint(1950, 2000),
                    phone=f"13{pid:09d}",
                    region_id=community,
                    unit_id=unit,
                    moved_away=rng.random() < 0.05,
                )
            )
            start = dt.date(2021, 1, 1) + dt.timedelta(days=rng.randint(0, 1700))
            retired = rng.random() < 0.1
            end = start + dt.timedelta(days=rng.randint(30, 400)) if retired else None
            memberships.append(
                TeamMembership(
                    pk=mid,
                    person_id=pid,
                    kind_id=kinds["flmbr" if i < 7 else "pfzyz"],
                    start=start,
                    end=end,
                    end_reason="已离开原居住地" if retired else "",
                )
            )
            mid += 1
            pool = activities.get(unit, [])
            attendances.extend(
                Attendance(person_id=pid, activity_id=a) for a in rng.sample(pool, min(trainings_each, len(pool)))
            )
            pid += 1
    _bulk(Person, people)
    _bulk(TeamMembership, memberships)
    _bulk(Attendance, attendances)
    _reset_sequences(Person, TeamMembership, Attendance)
    return len(people), len(attendances)


# ---------------------------------------------------------------- cases (以案释法案例库)

CASE_TOPICS = [
    (
        "冒充客服退款的电信网络诈骗案",
        "criminal",
        "接到自称电商客服的电话，对方以退款理赔为由诱导其下载屏幕共享软件并提供验证码，被骗走存款{amount}元。",
        "电信诈骗",
    ),
    (
        "刷单返利诈骗案",
        "criminal",
        "在社交软件上看到兼职刷单广告，按要求垫付资金刷单，投入{amount}元后对方失联。",
        "刷单",
    ),
    (
        "以销售保健品为名的养老诈骗案",
        "criminal",
        "参加免费体检讲座后，被诱导以高价购买普通食品冒充的保健品，花费{amount}元。",
        "养老诈骗",
    ),
    ("拖欠农民工工资纠纷案", "civil", "在建筑工地务工半年，包工头以工程款未结算为由拖欠劳动报酬{amount}元。", "欠薪"),
    (
        "违法解除劳动合同纠纷案",
        "civil",
        "在公司工作多年，公司以一次迟到为由解除劳动合同，未支付经济补偿{amount}元。",
        "劳动合同",
    ),
    ("民间借贷纠纷案", "civil", "出借{amount}元用于经营，约定一年后还款，到期后借款人拒不归还借款。", "借款"),
    (
        "醉酒驾驶机动车危险驾驶案",
        "criminal",
        "饮酒后驾驶小型轿车被交警查获，血液酒精含量超过醉驾标准，另处罚款{amount}元。",
        "醉驾",
    ),
    (
        "交通事故人身损害赔偿案",
        "civil",
        "驾驶电动自行车闯红灯与行人发生碰撞，造成对方骨折，医疗费用{amount}元。",
        "交通事故",
    ),
    ("房屋租赁押金纠纷案", "civil", "租期届满退租，出租人以墙面污损为由扣留押金{amount}元。", "租房"),
    ("业主拒交物业费纠纷案", "civil", "以电梯故障、物业公司服务不到位为由三年未交物业服务费{amount}元。", "物业费"),
    ("饲养犬只致人损害纠纷案", "civil", "在小区遛狗未拴绳，犬只咬伤儿童，花费医疗费{amount}元。", "文明养犬"),
    ("高空抛物致人损害案", "civil", "从窗户向外扔下花盆砸坏楼下车辆，造成损失{amount}元。", "高空抛物"),
    ("遗产继承纠纷案", "civil", "父母去世后留下房屋和存款{amount}元，子女之间对遗产分割发生争议。", "继承"),
    ("离婚后子女抚养费纠纷案", "civil", "离婚时约定按月支付抚养费，但两年未付，累计拖欠{amount}元。", "抚养费"),
    (
        "家庭暴力人身安全保护令案",
        "civil",
        "长期遭受配偶殴打威胁，就医花费{amount}元，向法院申请人身安全保护令。",
        "家暴",
    ),
    ("入室盗窃案", "criminal", "趁夜间翻窗入户，盗走现金和首饰价值{amount}元。", "盗窃"),
    (
        "套路贷虚假诉讼案",
        "criminal",
        "以小额网贷为诱饵签订虚高借款合同，恶意垒高债务至{amount}元后起诉讨债。",
        "套路贷",
    ),
    (
        "噪声扰民纠纷调解案",
        "mediation",
        "广场舞音响音量过大影响居民休息，居民多次投诉，调解中约定补偿{amount}元。",
        "噪声",
    ),
    ("占道经营行政处罚案", "enforcement", "在人行道摆摊经营，经劝导仍不改正，被处罚款{amount}元。", "城市管理"),
    ("销售过期食品行政处罚案", "enforcement", "超市销售超过保质期的食品，被没收并处罚款{amount}元。", "食品安全"),
    ("销售假冒注册商标商品案", "criminal", "在网店销售假冒品牌运动鞋，销售金额{amount}元。", "假货"),
    ("医疗损害责任纠纷调解案", "mediation", "手术后出现并发症，医患双方协商不成，调解赔偿{amount}元。", "医疗纠纷"),
    ("相邻通行纠纷调解案", "mediation", "在共用巷道堆放杂物阻碍邻居通行，清理费用{amount}元。", "相邻关系"),
    ("婚约财产返还纠纷案", "civil", "按习俗给付彩礼{amount}元后未办理结婚登记，要求返还彩礼。", "彩礼"),
    (
        "工伤认定行政诉讼案",
        "administrative",
        "上班途中发生非本人主要责任的交通事故，医疗费用{amount}元，人社部门不予认定工伤。",
        "工伤",
    ),
    ("开设赌场案", "criminal", "在出租屋内组织他人赌博并抽头渔利{amount}元。", "赌博"),
    ("组织领导传销活动案", "criminal", "以投资创业为名收取入门费、发展下线，涉案金额{amount}元。", "传销"),
    ("土地承包经营权纠纷案", "civil", "外出务工期间承包地被另行发包，要求返还承包地并赔偿损失{amount}元。", "土地承包"),
    (
        "未成年人网络游戏充值退款纠纷案",
        "civil",
        "未成年人用家长手机在网络游戏中充值{amount}元，家长要求退款。",
        "未成年人",
    ),
    (
        "违法占用耕地建房行政执法案",
        "enforcement",
        "未经批准在耕地上建房，被责令限期拆除并处罚款{amount}元。",
        "耕地保护",
    ),
]
CASE_FILLER = [
    "经查，当事人对上述事实供认不讳。",
    "案件审理过程中，承办人员多次向当事人释法说理。",
    "双方当事人在调解员主持下达成和解协议。",
    "办案机关同时向所在社区发出提示，开展以案释法宣传。",
    "该案经媒体报道后引起社会广泛关注。",
    "承办人员结合案情讲解了相关法律规定和维权途径。",
]


def generate_cases(scale: float = 1.0, chunk: int = 5000, progress: bool = True) -> tuple[int, float]:
    """100,000 cases at scale 1 (most published), written in bulk, then their search index built the way the
    services build it (segmentation + FTS5 / tsvector). Returns (cases, seconds the index build took)."""
    from django.db import connection, transaction

    from pufa.cases import search
    from pufa.cases.models import Case, CaseSearch
    from pufa.org.models import Region, Unit

    org = _load_org() or generate_org(scale)
    target = max(200, round(100_000 * scale))
    have = Case.objects.filter(unit__region__path__startswith=Region.objects.get(pk=org.city_id).path).count()
    if have >= target:
        return have, 0.0
    rng = random.Random(SEED + 17)
    units = list(
        Unit.objects.filter(pk__in=org.units["street"] + org.units["district"]).values_list(
            "pk", "path", "region__path"
        )
    )
    statuses = ["published"] * 8 + ["submitted", "draft"]
    now = dt.datetime.now(dt.UTC)
    next_id = _next_id(Case)
    made, index_seconds = 0, 0.0
    while made < target - have:
        size = min(chunk, target - have - made)
        rows, bodies = [], []
        for i in range(size):
            title, kind, facts, tag = CASE_TOPICS[rng.randrange(len(CASE_TOPICS))]
            unit_id, unit_path, region_path = units[rng.randrange(len(units))]
            status = statuses[rng.randrange(len(statuses))]
            text = facts.format(amount=rng.randrange(2, 500) * 100) + "".join(rng.sample(CASE_FILLER, 2))
            day = dt.date(2021, 1, 1) + dt.timedelta(days=rng.randrange(1800))
            case = Case(
                id=next_id + made + i,
                unit_id=unit_id,
                unit_path=unit_path,
                region_path=region_path,
                title=f"{title}（{day.year}）",
                case_type=kind,
                decided_on=day,
                facts=text,
                outcome="法院依法作出判决。",
                reasoning="以案释法：遇到类似情况请依法维权。",
                tags=tag,
                status=status,
                published_at=now if status == "published" else None,
            )
            rows.append(case)
        with transaction.atomic():
            Case.objects.bulk_create(rows, batch_size=chunk)
        started = time.perf_counter()
        for case in rows:
            parts = [case.title, case.title, case.tags, case.facts, case.outcome, case.reasoning]
            bodies.append((case.pk, search.index_text(parts), case.status == "published"))
        with transaction.atomic():
            CaseSearch.objects.bulk_create(
                [
                    CaseSearch(case_id=pk, body=b + (f" {search.PUBLIC_TOKEN}" if p else ""), is_public=p)
                    for pk, b, p in bodies
                ],
                batch_size=chunk,
            )
            with connection.cursor() as cursor:
                if connection.vendor == "sqlite":
                    cursor.executemany(
                        "INSERT INTO cases_case_fts(rowid, body) VALUES (%s, %s)",
                        [(pk, b + (f" {search.PUBLIC_TOKEN}" if p else "")) for pk, b, p in bodies],
                    )
                else:
                    cursor.execute(
                        "UPDATE cases_casesearch SET vector = to_tsvector('simple', body) WHERE case_id = ANY(%s)",
                        [[pk for pk, _, _ in bodies]],
                    )
        index_seconds += time.perf_counter() - started
        made += size
        if progress:
            print(f"  cases {have + made:>9,}/{target:,}", flush=True)
    _reset_sequences(Case)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return have + made, index_seconds


def generate_work_orders(scale: float = 1.0, chunk: int = 20_000, progress: bool = True) -> int:
    """1,000,000 × scale hotline work orders (精准普法) over the last year: each imported by its district's
    office, placed in a community, classified into one of the demand domains with a confidence (a tenth
    below the review threshold), texts taken from the demand app's seed corpus; the dashboard's count table
    is then rebuilt from them. Returns the order count."""
    from django.db import transaction
    from django.utils import timezone

    from pufa.core.models import Domain
    from pufa.demand import classifier, counts
    from pufa.demand.models import WorkOrder

    org = generate_org(scale)
    wanted = int(1_000_000 * scale)
    have = WorkOrder.objects.count()
    if have >= wanted:
        return have
    rng = random.Random(SEED + 20)
    corpus = classifier.read_labelled(classifier.SEED_CORPUS)
    domains = dict(Domain.objects.filter(code__in={d for d, _ in corpus}).values_list("code", "id"))
    district_of = {c: org.parent_of[org.parent_of[c]] for c in org.community_ids}
    now = timezone.now()
    made = have
    while made < wanted:
        rows = []
        for i in range(made, min(wanted, made + chunk)):
            community = rng.choice(org.community_ids)
            code, text = rng.choice(corpus)
            rows.append(
                WorkOrder(
                    region_id=district_of[community],
                    number=f"BENCH-{i:08d}",
                    received_at=now - dt.timedelta(minutes=rng.randint(0, 365 * 24 * 60)),
                    text=text,
                    address=f"社区{community}",
                    domain_id=domains[code],
                    domain_confidence=round(rng.uniform(0.3, 1.0), 3),
                    place_id=community,
                    place_confidence=0.9,
                    created_at=now,
                    updated_at=now,
                )
            )
        with transaction.atomic():
            WorkOrder.objects.bulk_create(rows, batch_size=5000)
        made += len(rows)
        if progress:
            print(f"  work orders {made:,}/{wanted:,}", flush=True)
    counts.rebuild()  # the dashboard's counts, as the app's writers keep them (bulk path: one recount)
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description="Generate the benchmark city into PUFA_DATABASE_URL.")
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 1,000,000 activities; 0.01 for a quick run")
    parser.add_argument("--fresh", action="store_true", help="empty the benchmark database first")
    args = parser.parse_args()
    setup()
    from django.core.management import call_command
    from django.db import connection

    if args.fresh:
        if connection.vendor == "sqlite":
            name = Path(connection.settings_dict["NAME"])
            connection.close()
            if name.name == "pufa.sqlite3":
                sys.exit("Refusing to delete the demo database; point PUFA_DATABASE_URL at a benchmark file.")
            for suffix in ("", "-wal", "-shm"):
                Path(f"{name}{suffix}").unlink(missing_ok=True)
        else:
            with connection.cursor() as cursor:
                cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0, interactive=False)
    print(f"database: {database_label()}  scale: {args.scale}")
    t0 = time.perf_counter()
    org = generate_org(args.scale)
    print(
        f"org: {len(org.district_ids)} districts, {len(org.street_ids)} streets, {len(org.community_ids)} communities, "
        f"{org.unit_count} units  ({time.perf_counter() - t0:.1f}s)"
    )
    t1 = time.perf_counter()
    plans = generate_plans(args.scale)
    print(f"plans: {len(plans.plan_ids)} plans, {len(plans.task_ids)} tasks  ({time.perf_counter() - t1:.1f}s)")
    t2 = time.perf_counter()
    total = generate_activities(args.scale)
    print(f"activities: {total:,}  ({time.perf_counter() - t2:.1f}s)")
    t3 = time.perf_counter()
    print(f"venues: {generate_venues(args.scale):,}  ({time.perf_counter() - t3:.1f}s)")
    t4 = time.perf_counter()
    made, attended = generate_people(args.scale)
    print(f"people: {made:,}, attendances: {attended:,}  ({time.perf_counter() - t4:.1f}s)")
    cases, index_seconds = generate_cases(args.scale)
    print(f"cases: {cases:,}  ({time.perf_counter() - t3:.1f}s, of which search index {index_seconds:.1f}s)")
    t4 = time.perf_counter()
    _, answered = generate_survey_responses(args.scale, responses=round(100_000 * args.scale))
    print(f"survey responses: {answered:,}  ({time.perf_counter() - t4:.1f}s)")
    print(f"work orders: {generate_work_orders(args.scale):,}  ({time.perf_counter() - t4:.1f}s)")
    print(f"logins (password {PASSWORD}): {org.usernames}")
    print(f"total {time.perf_counter() - t0:.1f}s")


if __name__ == "__main__":
    main()
