"""A city at scale for the benchmarks: regions, units, people, plans with targets, and a five-year ledger.

At --scale 1: 1 city, 10 districts, 120 streets, 2,500 communities, ~5,000 units (offices, departments,
judicial offices, police stations, community committees, schools, enterprises) with one account each (plus
inspectors), 3,000 plan tasks with targets on the ledger metrics, and 1,000,000 activities over five
years — some co-organised, tagged with domains and audiences, a third linked to tasks.

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
                    )
                )
            for d in rng.sample(domain_ids, 1 + (rng.random() < 0.5)):
                domain_links.append(_fast(DomainLink, activity_id=aid, domain_id=d))
            for a in rng.sample(audience_ids, 1 + (rng.random() < 0.4)):
                audience_links.append(_fast(AudienceLink, activity_id=aid, audience_id=a))
            candidates = plans.tasks_of.get((organiser, day.year))
            if candidates and rng.random() < 0.6:
                task_links.append(_fast(TaskLink, activity_id=aid, task_id=rng.choice(candidates)))
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
    print(f"logins (password {PASSWORD}): {org.usernames}")
    print(f"total {time.perf_counter() - t0:.1f}s")


if __name__ == "__main__":
    main()
