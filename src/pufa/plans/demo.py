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

from pufa.org.models import Unit
from pufa.plans import importers, selectors, services
from pufa.plans.models import Plan

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@dataclass(frozen=True)
class SeedPlan:
    filename: str
    unit_code: str
    kind: str
    start: dt.date
    end: dt.date | None  # None: a standing document, in force to the end of the current year


SEED_PLANS = [
    # 沱河街道“法润社区”行动实施方案: targets run to 2025年底.
    SeedPlan(
        "seed_000_tuohe_action_plan.txt", "tuohe-fzb", Plan.Kind.ACTION, dt.date(2022, 1, 1), dt.date(2025, 12, 31)
    ),
    # A 司法局's annual plan (罗庄区's, issued here by 埇桥区司法局 as a demo): its 科室 stay unresolved.
    SeedPlan(
        "seed_003_luozhuang_annual_plan.txt",
        "yq-sfj",
        Plan.Kind.ANNUAL_PLAN,
        dt.date(2023, 1, 1),
        dt.date(2023, 12, 31),
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
            units=selectors.assignable_units(actor=None, region=unit.region),
            domains=selectors.domain_choices(),
            audiences=selectors.audience_choices(),
        )
        existing = Plan.objects.filter(title=proposal["title"], issuing_unit=unit).first()
        if existing is not None:
            plans.append(existing)
            continue
        end = seed.end or dt.date(timezone.localdate().year, 12, 31)
        draft = importers.accept(proposal, kind=seed.kind, period=(seed.start, end))
        plans.append(services.plan_import_save(actor=None, issuing_unit=unit, proposal=draft).plan)
    return plans
