"""The plans of the demo district, imported from the seed documents (issue 3: the demo starts with real tasks).

The seed texts are package data (plans/fixtures/), so `pufa seed-demo` works from the package alone. They go
through the same importer and service as an office's upload; names the demo district has no unit for (the
科室 of a 司法局) stay unresolved on their tasks — which is what the feature is for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from pufa.org.access import SYSTEM
from pufa.org.models import Unit
from pufa.plans import importers, selectors, services
from pufa.plans.models import Plan

FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXAMPLE_TITLE = "【示例】罗庄区司法局2023年普法工作计划（外地公开文件，演示导入用）"


@dataclass(frozen=True)
class SeedPlan:
    filename: str
    unit_code: str
    kind: str
    start: dt.date
    end: dt.date | None  # None: a standing document, in force to the end of the current year
    title: str = ""  # a title of its own, where the document's would mislead


SEED_PLANS = [
    # 沱河街道“法润社区”行动实施方案: targets run to 2025年底.
    SeedPlan(
        "seed_000_tuohe_action_plan.txt", "tuohe-fzb", Plan.Kind.ACTION, dt.date(2022, 1, 1), dt.date(2025, 12, 31)
    ),
    # A 司法局's annual plan — 罗庄区 (Shandong)'s published one, not 埇桥区's: filed under 埇桥区司法局 only to
    # show an import whose 科室 stay unresolved, and titled as an example so nobody takes it for the
    # district's own plan (docs/guide.md says so too).
    SeedPlan(
        "seed_003_luozhuang_annual_plan.txt",
        "yq-sfj",
        Plan.Kind.ANNUAL_PLAN,
        dt.date(2023, 1, 1),
        dt.date(2023, 12, 31),
        title=EXAMPLE_TITLE,
    ),
    # 关于全面落实普法责任制的实施意见: standing yearly duties (每年6月底前报告半年情况, 3月底前公告).
    SeedPlan("seed_004_shapotou_opinion.txt", "yq-fxb", Plan.Kind.SPECIAL, dt.date(2017, 1, 1), None),
]


def seed_plans() -> list[Plan]:
    """Import the seed plans into the demo district; a plan whose title and issuing unit exist is skipped."""
    plans = []
    for seed in SEED_PLANS:
        unit = Unit.objects.select_related("region").get(code=seed.unit_code)
        lines = importers.read_upload((FIXTURES / seed.filename).read_bytes(), seed.filename)
        proposal = importers.propose(
            lines=lines,
            source_name=seed.filename,
            issuing_unit=unit,
            units=selectors.assignable_units(actor=SYSTEM, region=unit.region),
            domains=selectors.domain_choices(),
            audiences=selectors.audience_choices(),
        )
        title = seed.title or proposal["title"]
        existing = Plan.objects.filter(title=title, issuing_unit=unit).first()
        if existing is not None:
            plans.append(existing)
            continue
        end = seed.end or dt.date(timezone.localdate().year, 12, 31)
        draft = importers.accept(proposal, title=title, kind=seed.kind, period=(seed.start, end))
        plans.append(services.plan_import_save(actor=SYSTEM, issuing_unit=unit, proposal=draft).plan)
    plans.append(seed_current_year_plan())
    return plans


# ---------------------------------------------------------------- this year's plan, with targets


@dataclass(frozen=True)
class DemoTask:
    section: str
    title: str
    roles: dict[str, list[str]]  # role → unit codes ("*community" = every community committee of the street)
    deadline: tuple[int, int] | None = None  # (month, day) this year
    recurrence: str = ""
    all_year: bool = False
    target: tuple[str, str, int, str, dict] | None = None  # (scope, period, threshold, measure, filters)
    target_due: tuple[int, int] | None = None


CURRENT_TASKS = [
    DemoTask(
        "一、（一）1",
        "每个社区每季度开展一堂法治课",
        {"lead": ["tuohe-sfs"], "responsible": ["*community"]},
        recurrence="quarterly",
        target=("each_of_kind", "quarter", 1, "堂", {"kind": ["ztjz"]}),
    ),
    DemoTask(
        "一、（一）2",
        "每个社区每月更新一期法治宣传栏",
        {"responsible": ["*community"]},
        recurrence="monthly",
        target=("each_of_kind", "month", 1, "期", {"kind": ["xcl"]}),
    ),
    DemoTask(
        "一、（二）1",
        "组织好民法典宣传月集中宣传活动",
        {"lead": ["tuohe-sfs"], "participant": ["tuohe-xcb"]},
        deadline=(5, 31),
        target=("responsible", "by_date", 1, "场", {"domain": ["minfadian"]}),
        target_due=(5, 31),
    ),
    DemoTask(
        "一、（二）2",
        "组织好“12·4”国家宪法日和宪法宣传周集中宣传",
        {"lead": ["tuohe-fzb", "tuohe-sfs"]},
        deadline=(12, 7),
        target=("responsible", "by_date", 1, "场", {"domain": ["xianfa"]}),
        target_due=(12, 7),
    ),
    DemoTask(
        "二、（一）1",
        "全年开展法治文艺演出不少于5场次",
        {"lead": ["tuohe-xcb"]},
        all_year=True,
        target=("responsible", "year", 5, "场次", {"kind": ["wyyc"]}),
    ),
    DemoTask(
        "二、（一）2",
        "每个社区每年组织开展1次以上基层法治文化活动",
        {"responsible": ["*community"]},
        all_year=True,
        target=("each_of_kind", "year", 1, "次", {"kind": ["jzxc", "whhd", "wyyc"]}),
    ),
    DemoTask(
        "三、（一）1",
        "3月底前制定并公告本单位普法责任清单",
        {"responsible": ["tuohe-pcs", "tuohe-sjs", "tuohe-sfs"]},
        deadline=(3, 31),
    ),
    DemoTask(
        "三、（一）2",
        "在执法办案中开展以案释法，年内各完成典型案例1篇",
        {"responsible": ["tuohe-pcs", "tuohe-sfs"]},
        all_year=True,
        target=("responsible", "year", 1, "篇", {"kind": ["yasf"]}),
    ),
]


def seed_current_year_plan() -> Plan:
    """This year's 工作要点 of 沱河街道 under a five-year plan, with quantified targets on the ledger's metrics,
    so the demo's dashboard shows a living year rather than only the seed plans' past periods."""
    from decimal import Decimal

    from pufa.org.models import Unit as UnitModel
    from pufa.plans.models import Task

    year = timezone.localdate().year
    district_office = Unit.objects.get(code="yq-fxb")
    office = Unit.objects.get(code="tuohe-fzb")
    five_year_title = "埇桥区法治宣传教育第九个五年规划（2026—2030年）"
    five_year = Plan.objects.filter(title=five_year_title, issuing_unit=district_office).first()
    if five_year is None:
        five_year = services.plan_create(
            actor=SYSTEM,
            data=services.PlanData(
                title=five_year_title,
                kind=Plan.Kind.FIVE_YEAR,
                issuing_unit=district_office,
                period_start=dt.date(2026, 1, 1),
                period_end=dt.date(2030, 12, 31),
            ),
        )
    title = f"沱河街道{year}年普法依法治理工作要点"
    existing = Plan.objects.filter(title=title, issuing_unit=office).first()
    if existing is not None:
        return existing
    plan = services.plan_create(
        actor=SYSTEM,
        data=services.PlanData(
            title=title,
            kind=Plan.Kind.ANNUAL_POINTS,
            issuing_unit=office,
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
            parent=five_year,
        ),
    )
    communities = list(UnitModel.objects.filter(region__parent=office.region, kind=UnitModel.Kind.COMMUNITY_COMMITTEE))
    for order, spec in enumerate(CURRENT_TASKS, start=1):
        if spec.deadline:
            kind, extra = Task.DeadlineKind.DATE, {"deadline": dt.date(year, *spec.deadline)}
        elif spec.recurrence:
            kind, extra = Task.DeadlineKind.RECURRING, {"recurrence": spec.recurrence}
        else:
            kind, extra = Task.DeadlineKind.ALL_YEAR, {}
        task = services.task_create(
            actor=SYSTEM,
            plan=plan,
            data=services.TaskData(
                title=spec.title,
                text=spec.title + "。",
                section=spec.section,
                number=spec.section[-1],
                order=order,
                deadline_kind=kind,
                deadline_text={"quarterly": "每季度", "monthly": "每月"}.get(spec.recurrence, ""),
                **extra,
            ),
        )
        roles = {
            role: [
                u for code in codes for u in (communities if code == "*community" else [Unit.objects.get(code=code)])
            ]
            for role, codes in spec.roles.items()
        }
        services.task_units_set(actor=SYSTEM, task=task, units=roles)
        if spec.target:
            scope, period, threshold, measure, filters = spec.target
            services.target_create(
                actor=SYSTEM,
                task=task,
                data=services.TargetData(
                    metric="ledger.activity_count",
                    threshold=Decimal(threshold),
                    period=period,
                    filters=filters,
                    scope=scope,
                    scope_kind=UnitModel.Kind.COMMUNITY_COMMITTEE if scope == "each_of_kind" else "",
                    measure=measure,
                    due=dt.date(year, *spec.target_due) if spec.target_due else None,
                    text=spec.title,
                ),
            )
    return plan
