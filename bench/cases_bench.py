"""Benchmark: Chinese full-text search over 100,000 cases (以案释法案例库) on SQLite (FTS5) or PostgreSQL (tsvector).

The cases come from citygen.generate_cases (100,000 at --scale 1, most of them published), with the search
index built as the services build it; the build time is printed. Then a set of queries — colloquial and
formal — is run through the real selectors, the office's internal search (`case_page`, scoped) and the
portal's (`public_search`, published only), RUNS times each; median and 95th percentile in ms, beside the
baseline page (the case list without a query).

    .venv/bin/python bench/cases_bench.py                            # SQLite: var/bench.sqlite3
    PUFA_DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/pufa_bench \\
        .venv/bin/python bench/cases_bench.py
    --scale 0.01 for a quick run (1,000 cases)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

RUNS = 20
QUERIES = [
    "网上被骗了钱",
    "电信诈骗",
    "拖欠工资怎么办",
    "借钱不还",
    "酒驾",
    "房东不退押金",
    "物业费",
    "狗咬人",
    "离婚后孩子抚养费",
    "老人被骗买保健品",
    "高空抛物",
    "上班路上出车祸算工伤吗",
    "诈骗",
    "纠纷",
]


def _timed(run, runs: int = RUNS, keep: bool = False):
    run()  # warm: the first run fills caches the others share
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    result = (statistics.median(times), times[max(0, round(0.95 * len(times)) - 1)])
    return (*result, times) if keep else result


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark case search.")
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 100,000 cases")
    parser.add_argument("--runs", type=int, default=RUNS, help="timed runs of each page")
    args = parser.parse_args()
    import citygen

    citygen.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from pufa.cases import selectors
    from pufa.org.models import Membership, User

    print(f"database: {citygen.database_label()}  scale: {args.scale}")
    started = time.perf_counter()
    cases, index_seconds = citygen.generate_cases(args.scale, progress=False)
    print(f"cases: {cases:,}  (generated in {time.perf_counter() - started:.1f}s; index build {index_seconds:.1f}s)")
    office = User.objects.filter(memberships__role=Membership.Role.OFFICE).order_by("pk").first()
    import os

    runs = args.runs
    print(f"load average before: {'  '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'page':<34}{'median ms':>10}{'p95 ms':>10}{'÷ baseline':>12}")
    base_med, base_p95 = _timed(lambda: selectors.case_page(actor=office, filters=selectors.CaseFilters()), runs)
    print(f"{'baseline: case list, no query':<34}{base_med:>10.1f}{base_p95:>10.1f}{1:>12.2f}")
    med, p95 = _timed(lambda: selectors.public_search(), runs)
    print(f"{'baseline: portal library':<34}{med:>10.1f}{p95:>10.1f}{p95 / base_p95:>12.2f}")
    worst = 0.0
    all_times: list[float] = []
    every: list[float] = []
    for q in QUERIES:
        for label, run in (
            ("office", lambda q=q: selectors.case_page(actor=office, filters=selectors.CaseFilters(q=q))),
            ("portal", lambda q=q: selectors.public_search(q=q)),
        ):
            med, p95, times = _timed(run, runs, keep=True)
            every.extend(times)
            all_times.append(p95)
            worst = max(worst, p95)
            print(f"{label + ' ' + q:<34}{med:>10.1f}{p95:>10.1f}{p95 / base_p95:>12.2f}")
    every.sort()
    overall = every[max(0, round(0.95 * len(every)) - 1)]
    print(
        f"search p95 over all {len(every)} searches: {overall:.1f} ms ({overall / base_p95:.2f} × the baseline list's "
        f"p95); worst query p95 {worst:.1f} ms, median of p95s {statistics.median(all_times):.1f} ms"
    )
    print(f"load average after: {'  '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
