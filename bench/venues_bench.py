"""Benchmark: venues at city scale — the coverage page of one street, the per-street roll-up of a district and of
the whole city, the map data of the whole city, the venue list, the whole city's export and the venue-count
metric for every community — each beside a plain page (the notification list) on the same server in the same
run, with the load average before and after (the machine is shared). Pages go through Django's test Client
against the real views (middleware, session, scoping, templates); median and 95th percentile in ms over RUNS
requests after a warm-up.

The city is citygen's (regions, ~5,000 units) plus `citygen.generate_venues` (~5 venues per community, their
boards' monthly issues and a city outline); no ledger is needed.

    .venv/bin/python bench/venues_bench.py --scale 1                 # SQLite: var/bench.sqlite3
    PUFA_DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/pufa_bench .venv/bin/python bench/venues_bench.py

Targets (issue 16): coverage page p95 ≤ 300 ms; map data for a whole city ≤ 300 ms.
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

RUNS = 30


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def timed(client: object, url: str, runs: int) -> list[float]:
    for _ in range(3):
        response = client.get(url)  # type: ignore[attr-defined]
        assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)  # type: ignore[attr-defined]
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args()
    citygen.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from pufa.org.models import Region, Unit, User
    from pufa.plans import metrics as registry
    from pufa.venues.metrics import COUNT
    from pufa.venues.models import Venue

    settings.ALLOWED_HOSTS = ["*"]  # the test client's "testserver"
    call_command("migrate", verbosity=0, interactive=False)
    org = citygen.generate_org(args.scale)
    started = time.perf_counter()
    made = citygen.generate_venues(args.scale)
    print(f"database: {citygen.database_label()}  venues: {made:,} ({time.perf_counter() - started:.1f} s)")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    users = {role: User.objects.get(username=name) for role, name in org.usernames.items()}
    street = Region.objects.get(pk=org.street_ids[0])
    cases = [
        ("baseline: plain page (city office)", "city_office", reverse("notification-list")),
        ("coverage: one street (street office)", "street_office", f"{reverse('venues:coverage')}?street={street.pk}"),
        ("coverage: one street (city office)", "city_office", f"{reverse('venues:coverage')}?street={street.pk}"),
        ("coverage roll-up: its streets (district)", "district_office", reverse("venues:coverage-rollup")),
        ("coverage roll-up: whole city (city office)", "city_office", reverse("venues:coverage-rollup")),
        ("map data: whole city (city office)", "city_office", reverse("venues:map-data")),
        ("map page: whole city (city office)", "city_office", reverse("venues:map")),
        ("venue list: whole city (city office)", "city_office", reverse("venues:venue-list")),
        ("venue list: stale boards (city office)", "city_office", f"{reverse('venues:venue-list')}?stale=1"),
    ]
    baseline = None
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    print(f"{'case':<44}{'median ms':>11}{'p95 ms':>9}{'× baseline':>12}")
    for label, role, url in cases:
        client = Client()
        client.force_login(users[role])
        timings = timed(client, url, args.runs)
        median, p95 = statistics.median(timings), percentile(timings, 0.95)
        baseline = baseline or median
        print(f"{label:<44}{median:>11.1f}{p95:>9.1f}{median / baseline:>12.1f}")
    committees = list(Unit.objects.filter(pk__in=org.units["community"]).values_list("pk", flat=True))
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        registry.compute(COUNT, unit_ids=committees, start=None, end=dt.date.today(), filters={"kind": "lecture"})
        timings.append((time.perf_counter() - started) * 1000)
    from pufa.venues import exports, importers, selectors

    city_office = users["city_office"]
    started = time.perf_counter()
    exported = exports.export_workbook(venues=selectors.venue_list(actor=city_office, last_update=False)).getvalue()
    print(f"export: whole city as .xlsx {(time.perf_counter() - started) * 1000:.0f} ms ({len(exported):,} bytes)")
    district_office = users["district_office"]
    district_venues = selectors.venue_list(actor=district_office, last_update=False)[:2000]
    sheet = exports.export_workbook(venues=district_venues).getvalue()
    started = time.perf_counter()
    result = importers.venue_import(actor=district_office, file=sheet)
    print(
        f"import: 2,000 exported rows again (district office) {(time.perf_counter() - started) * 1000:.0f} ms "
        f"({result.unchanged:,} recognised unchanged, {result.created} created, {len(result.errors)} errors)"
    )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"metric venues.count for {len(committees):,} committees: median {statistics.median(timings):.1f} ms "
        f"({Venue.objects.count():,} venues)"
    )


if __name__ == "__main__":
    main()
