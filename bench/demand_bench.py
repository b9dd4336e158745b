"""Benchmark: 精准普法 at city scale — classification throughput on one core, the import of N orders (CSV,
mapping, classification, all-or-nothing save), and the demand dashboard's p95 at each level (the city office
sees its districts, a district office its streets, a street office its communities; a domain's trend and
effect) beside a plain page (the notification list) on the same server in the same run, with the page sizes
and the load average (the machine is shared).

The city is citygen's regions plus `citygen.generate_work_orders` (1,000,000 × scale orders of a year).

    .venv/bin/python bench/demand_bench.py --scale 1 --import-rows 100000      # SQLite: var/bench.sqlite3
    PUFA_DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/pufa_bench .venv/bin/python bench/demand_bench.py

Targets (issue 20): classification ≥ 2,000 orders/s on one core; 100,000-order import < 60 s; demand
dashboard p95 ≤ 300 ms at 1,000,000 orders.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import citygen

RUNS = 20


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def timed(client: object, url: str, runs: int) -> tuple[list[float], int]:
    for _ in range(2):
        response = client.get(url)  # type: ignore[attr-defined]
        assert response.status_code == 200, (url, response.status_code)
    size = len(response.content)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)  # type: ignore[attr-defined]
        timings.append((time.perf_counter() - started) * 1000)
    return timings, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--import-rows", type=int, default=100_000)
    args = parser.parse_args()
    citygen.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from pufa.demand import classifier, engine, importers, services
    from pufa.demand.models import WorkOrder
    from pufa.org.access import SYSTEM
    from pufa.org.models import Region, User

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0, interactive=False)
    print(f"load average at start: {os.getloadavg()[0]:.2f} (2 cores shared)")

    # 1. classification throughput, one core, the full classifier (model + default rules)
    clf = engine.build_classifier(None)
    texts = [t for _, t in classifier.read_labelled(classifier.SEED_CORPUS)] * 30
    started = time.process_time()
    for text in texts:
        clf.predict(text)
    cpu = time.process_time() - started
    print(f"classification: {len(texts) / cpu:,.0f} orders/s on one core ({len(texts):,} texts, {cpu:.2f} s CPU)")

    # 2. the city's orders
    org = citygen.generate_org(args.scale)
    started = time.perf_counter()
    made = citygen.generate_work_orders(args.scale, progress=False)
    print(f"database: {citygen.database_label()}  work orders: {made:,} ({time.perf_counter() - started:.1f} s)")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    # 3. import of N orders into one street (read, map, classify, save)
    street = Region.objects.get(pk=org.street_ids[0])
    corpus = [t for _, t in classifier.read_labelled(classifier.SEED_CORPUS)]
    communities = list(Region.objects.filter(parent=street).values_list("name", flat=True)) or [""]
    lines = ["工单编号,来电人,联系电话,受理时间,诉求内容,诉求地址"]
    for i in range(args.import_rows):
        text = corpus[i % len(corpus)].replace(",", "，")
        lines.append(
            f"IMP-{i:07d},某某,13900000000,2026-03-05 10:{i % 60:02d},{text},{communities[i % len(communities)]}"
        )
    data = ("\n".join(lines) + "\n").encode("utf-8")
    old = list(WorkOrder.objects.filter(region=street, number__startswith="IMP-").values_list("number", flat=True))
    services.orders_delete(actor=SYSTEM, region=street, numbers=old)
    started = time.perf_counter()
    table = importers.read_table(data, "import.csv")
    result = services.import_orders(
        actor=SYSTEM, region=street, table=table, mapping=importers.guess_mapping(table.header)
    )
    seconds = time.perf_counter() - started
    print(
        f"import: {args.import_rows:,} orders in {seconds:.1f} s ({args.import_rows / seconds:,.0f}/s; "
        f"{result.created:,} new, {result.review:,} to review)"
    )
    started = time.perf_counter()
    again = services.import_orders(
        actor=SYSTEM, region=street, table=table, mapping=importers.guess_mapping(table.header)
    )
    print(
        f"re-import of the same file: {time.perf_counter() - started:.1f} s "
        f"({again.updated:,} updated, {again.unchanged:,} unchanged, {again.created} new)"
    )

    # 4. pages beside the baseline
    from pufa.core.models import Domain

    users = {role: User.objects.get(username=name) for role, name in org.usernames.items()}
    dashboard = reverse("demand:dashboard")
    busiest = WorkOrder.objects.values("domain").order_by().annotate(n=Count("id")).order_by("-n").first()
    domain = Domain.objects.get(pk=busiest["domain"]) if busiest else None
    cases = [
        ("baseline: plain page (city office)", "city_office", reverse("notification-list")),
        ("dashboard: city office → districts", "city_office", dashboard),
        ("dashboard: district office → streets", "district_office", dashboard),
        ("dashboard: street office → communities", "street_office", dashboard),
        ("dashboard: city, a domain's trend", "city_office", f"{dashboard}?domain={domain.pk if domain else ''}"),
        ("order list: city, review queue", "city_office", f"{reverse('demand:order-list')}?review=1"),
    ]
    base_p95 = 0.0
    print(f"{'case':<42}{'median ms':>10}{'p95 ms':>9}{'baseline p95':>14}{'p95 ×':>7}{'KB':>7}")
    for label, role, url in cases:
        client = Client()
        client.force_login(users[role])
        timings, size = timed(client, url, args.runs)
        median, p95 = statistics.median(timings), percentile(timings, 0.95)
        base_p95 = base_p95 or p95
        print(f"{label:<42}{median:>10.1f}{p95:>9.1f}{base_p95:>14.1f}{p95 / base_p95:>7.1f}{size / 1024:>7.0f}")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
