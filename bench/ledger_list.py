"""Benchmark: the ledger list at city scale, and importing a 10,000-row ledger .xlsx.

The list is requested through Django's test Client against the real view (middleware, session, scoping,
keyset paging, capped count, template), as a city office, a district office, a street office and a
community liaison, with and without filters; each case is timed over RUNS requests after a warm-up and
printed as median and 95th percentile. Every timed request follows a change of every region's freshness stamp
(as after a write), so it reads its keys, count and filter options from the database: the list kept between
writes (`ledger.selectors._kept`) would otherwise time only the page's rows. The import builds a 10,000-row
sheet for the first district's units and times `activity_import` end to end (read, resolve, validate, bulk
write, audit, the progress listeners), then removes what it imported.

    .venv/bin/python bench/citygen.py --scale 1                  # once: the city, 1,000,000 activities
    .venv/bin/python bench/ledger_list.py                        # SQLite (var/bench.sqlite3)
    PUFA_DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/pufa_bench .venv/bin/python bench/ledger_list.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import citygen

RUNS = 25
IMPORT_ROWS = 10_000


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _time_get(client: object, url: str, runs: int) -> tuple[list[float], int, str]:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from pufa.org import freshness

    for _ in range(2):
        response = client.get(url)  # type: ignore[attr-defined]
        assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(runs):
        with transaction.atomic():
            freshness.bump_tree()  # as after a write: the page's kept keys, count and options are not reused
        started = time.perf_counter()
        response = client.get(url)  # type: ignore[attr-defined]
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)  # type: ignore[attr-defined]
    html = response.content.decode()
    marker = 'data-testid="activity-count">'
    count = html[html.index(marker) + len(marker) :].split("<", 1)[0] if marker in html else "?"
    return timings, len(queries), count


def list_cases(org: citygen.CityOrg) -> list[tuple[str, str, str]]:
    from pufa.org.models import Unit

    year = dt.date.today().year
    street = next(s for s in org.street_ids if org.parent_of.get(s) == org.district_ids[0])
    street_office = org.office_of_region[street]
    department = Unit.objects.filter(region_id=org.district_ids[0], kind="department").order_by("pk").first()
    return [
        ("city office", "city_office", ""),
        ("city office, year + kind", "city_office", f"year={year - 1}&kind=ztjz"),
        ("district office", "district_office", ""),
        ("district office, year + kind", "district_office", f"year={year - 1}&kind=ztjz"),
        ("district office, domain + confirmed", "district_office", "domain=xianfa&status=confirmed"),
        ("district office, audience + year", "district_office", f"audience=qsn&year={year - 2}"),
        ("district office, one street's units", "district_office", f"unit={street_office}"),
        ("district office, one department", "district_office", f"unit={department.pk if department else ''}"),
        ("district office, title search", "district_office", "q=宪法"),
        ("district office, typical practice", "district_office", "highlight=1"),
        ("district office, one street (region)", "district_office", f"region={street}"),
        ("street office", "street_office", ""),
        ("street office, counted + kind", "street_office", "status=counted&kind=jzxc"),
        ("street office, rare kind", "street_office", "kind=xfks"),
        ("street office, rare kind + returned", "street_office", "kind=xfks&status=returned"),
        ("district office, rare kind + returned", "district_office", "kind=xfks&status=returned"),
        ("community liaison", "community_liaison", ""),
        ("community liaison, year", "community_liaison", f"year={year - 1}"),
    ]


def bench_list(org: citygen.CityOrg, runs: int) -> list[tuple[str, float, float, int, str]]:
    from django.test import Client
    from django.urls import reverse

    from pufa.org.models import User

    base = reverse("ledger:activity-list")
    results = []
    clients: dict[str, Client] = {}
    for label, who, query in list_cases(org):
        if who not in clients:
            clients[who] = Client()
            clients[who].force_login(User.objects.get(username=org.usernames[who]))
        url = f"{base}?{query}" if query else base
        timings, queries, count = _time_get(clients[who], url, runs)
        results.append((label, statistics.median(timings), _percentile(timings, 0.95), queries, count))
        print(f"  {label:<40} median {results[-1][1]:7.1f} ms   p95 {results[-1][2]:7.1f} ms", flush=True)
    # Deep paging: the tenth page through the keyset cursor, as the district office.
    client = clients["district_office"]
    url = base
    for _ in range(9):
        html = client.get(url).content.decode()
        marker = 'data-testid="next-page">'
        if marker not in html:
            break
        href = html[: html.index(marker)].rsplit('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
        url = f"{base}{href}"
    timings, queries, count = _time_get(client, url, runs)
    results.append(
        ("district office, 10th page", statistics.median(timings), _percentile(timings, 0.95), queries, count)
    )
    print(f"  {'district office, 10th page':<40} median {results[-1][1]:7.1f} ms   p95 {results[-1][2]:7.1f} ms")
    return results


def build_import_sheet(org: citygen.CityOrg, rows: int = IMPORT_ROWS) -> bytes:
    """A ledger sheet as an office would fill it: organisers of the first district, some co-organisers,
    real dates in the past year, several domains and audiences, head counts and copies."""
    import random

    from openpyxl import Workbook

    from pufa.core.models import ActivityKind, Audience, Domain
    from pufa.ledger.exports import DATE_FORMAT, HEADERS, SHEET
    from pufa.org.models import Region, Unit

    rng = random.Random(7)
    district = Region.objects.get(pk=org.district_ids[0])
    units = list(Unit.objects.filter(region__path__startswith=district.path).values_list("name", flat=True))
    kinds = list(ActivityKind.objects.values_list("name", flat=True))
    domains = list(Domain.objects.values_list("name", flat=True))
    audiences = list(Audience.objects.values_list("name", flat=True))
    today = dt.date.today()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET)
    sheet.append(HEADERS[:17])
    from openpyxl.cell import WriteOnlyCell

    for n in range(1, rows + 1):
        organiser = rng.choice(units)
        co = rng.choice(units) if rng.random() < 0.15 else ""
        date_cell = WriteOnlyCell(sheet, value=today - dt.timedelta(days=rng.randrange(1, 365)))
        date_cell.number_format = DATE_FORMAT
        sheet.append(
            [
                n,
                date_cell,
                f"导入测试活动第{n}场",
                rng.choice(kinds),
                organiser,
                co if co != organiser else "",
                "党群服务中心",
                "",
                "、".join(rng.sample(domains, 2)),
                rng.choice(audiences),
                "《宪法》",
                rng.choice((20, 40, 60, 120)),
                0,
                rng.choice((0, 50, 100)),
                "",
                "",
                "",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _run_import(org: citygen.CityOrg, content: bytes, imported: object = None) -> tuple[float, float]:
    """Import once, then remove what was imported; returns (seconds to import, seconds to remove)."""
    from pufa.ledger.importers import activity_import
    from pufa.ledger.models import Activity
    from pufa.org.models import User

    actor = User.objects.get(username=org.usernames["district_office"])
    started = time.perf_counter()
    result = activity_import(actor=actor, file=io.BytesIO(content), status="submitted")
    elapsed = time.perf_counter() - started
    assert result.ok, result.errors[:5]
    assert result.created == IMPORT_ROWS
    if imported is not None:
        imported()  # type: ignore[operator]
    ids = [a.pk for a in result.activities]
    cleanup = time.perf_counter()
    # Deleted as the services would (marked, announced to every listener, so figures kept above follow),
    # then removed for good, so the next run meets the same city.
    from django.db import transaction
    from django.utils import timezone

    from pufa.core.events import ActivitiesChanged
    from pufa.ledger import services
    from pufa.ledger.models import ActivityUnit
    from pufa.org.access import SYSTEM

    with transaction.atomic():
        now = timezone.now()
        for i in range(0, len(ids), 2000):
            Activity.all_objects.filter(pk__in=ids[i : i + 2000]).update(deleted_at=now)
            ActivityUnit.objects.filter(activity_id__in=ids[i : i + 2000]).update(is_deleted=True)
        deleted = list(Activity.all_objects.filter(pk__in=ids))
        services.announce(
            ActivitiesChanged.DELETED,
            activities=deleted,
            actor=SYSTEM,
            unit_ids=set(ActivityUnit.objects.filter(activity_id__in=ids).values_list("unit_id", flat=True)),
            dates={a.date for a in deleted},
        )
    for i in range(0, len(ids), 2000):
        Activity.all_objects.filter(pk__in=ids[i : i + 2000]).delete()
    return elapsed, time.perf_counter() - cleanup


def bench_import(org: citygen.CityOrg, with_listeners: bool) -> dict[str, object]:
    """The ledger's own import (listeners of other apps switched off), and optionally the same import with
    the listeners that duties and progress registered, each one timed."""
    from contextlib import ExitStack

    from pufa.core import events

    announced = (events.ActivitiesChanged, events.RecordsChanged)
    content = build_import_sheet(org)
    figures: dict[str, object] = {"sheet_kb": len(content) / 1024}
    with ExitStack() as stack:
        for event_type in announced:
            stack.enter_context(events.replaced(event_type, []))
        figures["alone_s"], figures["cleanup_s"] = _run_import(org, content)
    if not with_listeners:
        return figures
    spent: dict[str, float] = {}

    def timed(callback):  # type: ignore[no-untyped-def]
        name = f"{callback.__module__}.{callback.__name__}"

        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            try:
                return callback(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - started

        return wrapper

    with ExitStack() as stack:
        for event_type in announced:
            stack.enter_context(events.replaced(event_type, [timed(c) for c in events.listeners(event_type)]))
        figures["with_listeners_s"], figures["cleanup_with_listeners_s"] = _run_import(
            org, content, imported=lambda: figures.update(listeners=dict(spent))
        )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description="Ledger list latency and the 10,000-row import.")
    parser.add_argument("--scale", type=float, default=1.0, help="the citygen scale to use (generated if missing)")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--skip-list", action="store_true")
    parser.add_argument(
        "--with-listeners", action="store_true", help="also time the import with the duties/progress listeners"
    )
    args = parser.parse_args()
    citygen.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    settings.ALLOWED_HOSTS = ["*"]
    from pufa.ledger.models import Activity

    org = citygen.generate_org(args.scale)
    citygen.generate_plans(args.scale)
    total = citygen.generate_activities(args.scale)
    print(f"database: {citygen.database_label()}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(
        f"ledger: {Activity.all_objects.count():,} activities ({total:,} in the benchmark city), {org.unit_count} units"
    )
    if not args.skip_list:
        print(f"list, first page of 30 (median / p95 of {args.runs} requests after warm-up):")
        results = bench_list(org, args.runs)
        print()
        print(f"{'case':<40} {'median ms':>10} {'p95 ms':>8} {'queries':>8}  shown")
        for label, median, p95, queries, count in results:
            print(f"{label:<40} {median:>10.1f} {p95:>8.1f} {queries:>8}  {count}")
    print(f"load average after the list: {os.getloadavg()[0]:.1f}")
    if not args.skip_import:
        print()
        figures = bench_import(org, args.with_listeners)
        print(
            f"import {IMPORT_ROWS:,} rows ({figures['sheet_kb']:.0f} KB .xlsx), ledger alone (read, resolve, validate, "
            f"bulk write, audit): {figures['alone_s']:.1f} s; removed again in {figures['cleanup_s']:.1f} s"
        )
        if "with_listeners_s" in figures:
            print(f"the same import with the listeners of other apps: {figures['with_listeners_s']:.1f} s")
            for name, seconds in sorted(figures["listeners"].items(), key=lambda kv: -kv[1]):  # type: ignore[union-attr]
                print(f"  {name}: {seconds:.1f} s")


if __name__ == "__main__":
    main()
