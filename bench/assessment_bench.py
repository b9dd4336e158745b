"""Benchmark: the assessment scoring run for every unit of a city, and the ranking page.

The city comes from citygen (about 4,951 units at --scale 1, five years of ledger activities). A scheme at the
city's top region has three automatic items on the ledger's metrics (one grouped query each over all units)
and two manual items with notes for a tenth of the communities; the scoring run computes, ranks by peer group,
grades by the default bands and stores every unit's total (printed in seconds, target < 60 s; the bands per
group are printed). Then the ranking page, as the city office sees it, is requested RUNS times beside a
baseline page (the assessment index) measured in the same run; median and p95 in ms, their ratio and the
load average.

    .venv/bin/python bench/assessment_bench.py              # SQLite: var/bench.sqlite3
    PUFA_DATABASE_URL=postgres://… .venv/bin/python bench/assessment_bench.py
    --scale 0.1 for a quick run
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

RUNS = 30


def _timed(get, runs: int = RUNS) -> tuple[float, float]:
    get()  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = get()
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    times.sort()
    return statistics.median(times), times[max(0, round(0.95 * len(times)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark the assessment scoring run and ranking page.")
    parser.add_argument("--scale", type=float, default=1.0, help="1 = a city of ~4,951 units")
    args = parser.parse_args()
    import citygen

    citygen.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from pufa.assessment import selectors, services
    from pufa.assessment.models import Scheme, SelfAssessment
    from pufa.org.access import SYSTEM
    from pufa.org.models import Membership, Region, Unit

    print(f"database: {citygen.database_label()}  scale: {args.scale}")
    citygen.generate_org(args.scale)
    citygen.generate_plans(args.scale)
    citygen.generate_activities(args.scale, progress=False)
    top = Region.objects.filter(parent__isnull=True).order_by("pk").first()
    assert top is not None
    year = timezone.localdate().year
    old = Scheme.objects.filter(name="基准考核", year=year)
    SelfAssessment.objects.filter(scheme__in=old).delete()  # protected: a re-run removes its own first
    old.delete()
    parsed = {
        "sections": [{"name": "普法宣传", "points": 60}, {"name": "组织保障", "points": 40}],
        "items": [
            {"section": "普法宣传", "number": "1", "text": "开展普法活动", "points": 20, "remark": "见记录"},
            {"section": "普法宣传", "number": "2", "text": "受众人次", "points": 20, "remark": ""},
            {"section": "普法宣传", "number": "3", "text": "发放资料", "points": 20, "remark": ""},
            {"section": "组织保障", "number": "4", "text": "领导小组", "points": 20, "remark": "见文件"},
            {"section": "组织保障", "number": "5", "text": "责任清单", "points": 20, "remark": "见清单"},
        ],
    }
    scheme = services.scheme_import(actor=SYSTEM, region=top, name="基准考核", year=year, parsed=parsed)
    rules = {
        "1": ("ledger.activity_count", "linear", {"low": 0, "high": 12}),
        "2": ("ledger.people_reached", "steps", {"steps": [[100, "0.5"], [500, 1]]}),
        "3": ("ledger.materials", "threshold", {"threshold": 200}),
    }
    for number, (metric, rule, params) in rules.items():
        services.item_configure(
            actor=SYSTEM,
            item=scheme.items.get(number=number),
            kind="automatic",
            metric=metric,
            rule=rule,
            params=params,
        )
    services.scheme_publish(actor=SYSTEM, scheme=scheme)
    units = selectors.assessed_units(scheme).count()
    communities = list(selectors.assessed_units(scheme).filter(kind=Unit.Kind.COMMUNITY_COMMITTEE)[::10])
    manual = scheme.items.get(number="4")
    for unit in communities:
        record = services.self_assessment_for(actor=SYSTEM, scheme=scheme, unit=unit)
        services.note_save(actor=SYSTEM, assessment=record, item=manual, note="已成立", points=str(unit.pk % 21))
    started = time.perf_counter()
    scored = services.scoring_run(actor=SYSTEM, scheme=scheme)
    seconds = time.perf_counter() - started
    print(f"assessed units: {units:,}; scored {scored:,} in {seconds:.1f} s (target < 60 s)")
    spread = selectors.discrimination(scheme)
    print(f"spread of totals: sd {spread['spread']} (low {spread['low']}, high {spread['high']})")
    for group, counts in selectors.band_counts(actor=SYSTEM, scheme=scheme).items():
        print(f"grade bands, {selectors.GROUPS[group]}: " + ", ".join(f"{name} {n:,}" for name, n in counts))
    office = Membership.objects.filter(role=Membership.Role.OFFICE, unit__region=top).select_related("user").first()
    assert office is not None, "no city office in the generated city"
    client = Client()
    client.force_login(office.user)
    base_med, base_p95 = _timed(lambda: client.get(reverse("assessment:index")))
    med, p95 = _timed(lambda: client.get(reverse("assessment:ranking", args=[scheme.pk])))
    print(f"{'page':<30}{'median ms':>10}{'p95 ms':>10}")
    print(f"{'baseline: assessment index':<30}{base_med:>10.1f}{base_p95:>10.1f}")
    print(f"{'ranking (city office)':<30}{med:>10.1f}{p95:>10.1f}   ratio p95 {p95 / base_p95:.1f}x (target ≤ 300 ms)")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
