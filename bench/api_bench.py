"""Benchmark: the activity list's first page through the data interface, beside the plain page, at city scale.

For each viewer (city office, district office, street office, community liaison) and a filtered case, the
API's first page (`GET /api/activities/?limit=30` with a personal token: token lookup, rate limit, scoping,
keyset page, JSON) and the ledger page (`GET /ledger/` with a session: the same page plus the capped count
and the template) are requested alternately through Django's test Client, after a warm-up, and printed as
median and 95th percentile. The issue's bar: API p95 ≤ 150 ms on the whole city (1,000,000 activities).

    .venv/bin/python bench/citygen.py --scale 1                 # once: the city
    .venv/bin/python bench/api_bench.py                         # SQLite (var/bench.sqlite3)
    PUFA_DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/pufa_bench .venv/bin/python bench/api_bench.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import citygen

RUNS = 25


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def cases() -> list[tuple[str, str, str]]:
    year = dt.date.today().year
    return [
        ("city office", "city_office", ""),
        ("city office, year + kind", "city_office", f"year={year - 1}&kind=ztjz"),
        ("district office", "district_office", ""),
        ("district office, counted", "district_office", "status=counted"),
        ("street office", "street_office", ""),
        ("community liaison", "community_liaison", ""),
    ]


def bench(org: citygen.CityOrg, runs: int) -> list[tuple[str, float, float, float, float]]:
    from django.test import Client

    from pufa.api import services
    from pufa.org.models import User

    results = []
    pages: dict[str, Client] = {}
    apis: dict[str, tuple[Client, str]] = {}
    for label, who, query in cases():
        if who not in pages:
            user = User.objects.get(username=org.usernames[who])
            pages[who] = Client()
            pages[who].force_login(user)
            key = services.token_create(actor=user, name="基准测试", days=30, read_only=True).key
            apis[who] = (Client(), key)
        api_client, key = apis[who]
        page_url = f"/ledger/?{query}"
        api_url = f"/api/activities/?limit=30&{query}"
        headers = {"Authorization": f"Bearer {key}"}
        for _ in range(2):
            assert pages[who].get(page_url).status_code == 200
            response = api_client.get(api_url, headers=headers)
            assert response.status_code == 200, (api_url, response.content[:200])
        page_ms, api_ms = [], []
        for _ in range(runs):
            started = time.perf_counter()
            pages[who].get(page_url)
            page_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            api_client.get(api_url, headers=headers)
            api_ms.append((time.perf_counter() - started) * 1000)
        row = (
            label,
            statistics.median(api_ms),
            _percentile(api_ms, 0.95),
            statistics.median(page_ms),
            _percentile(page_ms, 0.95),
        )
        results.append(row)
        print(f"  {label:<32} API p95 {row[2]:7.1f} ms   page p95 {row[4]:7.1f} ms", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description="The activity list's first page: API against the page.")
    parser.add_argument("--scale", type=float, default=1.0, help="the citygen scale to use (generated if missing)")
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args()
    citygen.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    settings.ALLOWED_HOSTS = ["*"]
    settings.PUFA_API_RATE = 1_000_000  # the benchmark measures the list, not the limit
    from pufa.ledger.models import Activity

    org = citygen.generate_org(args.scale)
    citygen.generate_plans(args.scale)
    citygen.generate_activities(args.scale)
    print(f"database: {citygen.database_label()}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"ledger: {Activity.all_objects.count():,} activities; first page of 30, {args.runs} requests each")
    results = bench(org, args.runs)
    print()
    print(f"{'case':<32} {'API median':>10} {'API p95':>8} {'page median':>12} {'page p95':>9}")
    for label, api_median, api_p95, page_median, page_p95 in results:
        print(f"{label:<32} {api_median:>10.1f} {api_p95:>8.1f} {page_median:>12.1f} {page_p95:>9.1f}")
    worst = max(r[2] for r in results)
    print(f"worst API p95: {worst:.1f} ms ({'within' if worst <= 150 else 'over'} the 150 ms bar)")


if __name__ == "__main__":
    main()
