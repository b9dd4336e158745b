"""Benchmark: progress at city scale — the office dashboard (whole city and one street), the evaluation of
all targets, and the liaison's page — each beside a plain Django view on the same server in the same run.

Pages are requested through Django's test Client against the real views (middleware, session, scoping,
templates), timed over RUNS requests after a warm-up, and printed as median and 95th percentile with the
ratio to the baseline (the notification list: a plain logged-in page with the same base template).
The dashboard is measured as offices meet it (figures cached until the next write bumps the version) and
"recomputed" (every stamp changed before each request, as after a write under the region).

    .venv/bin/python bench/citygen.py --scale 1 --fresh          # once: the city, 1,000,000 activities
    .venv/bin/python bench/progress_bench.py                     # SQLite (var/bench.sqlite3)
    PUFA_DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/pufa_bench .venv/bin/python bench/progress_bench.py

The first run after generating computes the rollups and the statuses (bulk loads bypass the services that
keep them in step) and prints how long that took: that is the figure for "evaluation of all targets".
"""

from __future__ import annotations

import argparse
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


def timed(client: object, url: str, runs: int, before: object = None) -> list[float]:
    for _ in range(3):
        response = client.get(url)  # type: ignore[attr-defined]
        assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(runs):
        if before is not None:
            before()  # type: ignore[operator]
        started = time.perf_counter()
        client.get(url)  # type: ignore[attr-defined]
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--recompute", action="store_true", help="recompute rollups and statuses even if present")
    parser.add_argument("--skip-daily", action="store_true", help="do not time the daily status pass")
    args = parser.parse_args()
    citygen.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from pufa.ledger.models import Activity
    from pufa.org.models import Region, Unit, User
    from pufa.progress import rollups, services
    from pufa.progress.models import ProgressStatus, RegionMonthStat, TargetCheck

    call_command("migrate", verbosity=0, interactive=False)
    org = citygen.generate_org(args.scale)
    citygen.generate_plans(args.scale)
    citygen.generate_activities(args.scale, progress=False)
    print(f"database: {citygen.database_label()}")
    print(
        f"city: {Region.objects.filter(path__startswith=Region.objects.get(pk=org.city_id).path).count()} regions, "
        f"{Unit.objects.count():,} units, {Activity.objects.count():,} activities, "
        f"{TargetCheck.objects.values('target_id').distinct().count() or '?'} targets evaluated"
    )

    if args.recompute or not RegionMonthStat.objects.exists():
        started = time.perf_counter()
        rows = rollups.rebuild_all()
        print(f"rollups rebuilt: {rows:,} rows in {time.perf_counter() - started:.1f} s")
    if args.recompute or not ProgressStatus.objects.exists():
        TargetCheck.objects.all().delete()
        ProgressStatus.objects.all().delete()
        started = time.perf_counter()
        checks = services.refresh()
        print(
            f"evaluation of all targets: {checks:,} period checks, "
            f"{ProgressStatus.objects.count():,} statuses in {time.perf_counter() - started:.1f} s"
        )
    if not args.skip_daily:
        started = time.perf_counter()
        services.refresh_statuses()
        print(f"daily status pass (from stored values): {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        # Statistics for the planners, as docs/deploy.md asks after bulk loads (the figures just derived, and on
        # SQLite a migration that rebuilt a table drops its statistics).
        cursor.execute("ANALYZE")

    users = {role: User.objects.get(username=name) for role, name in org.usernames.items()}
    street = Region.objects.get(pk=org.street_ids[0])
    liaison_unit = Unit.objects.get(pk=int(org.usernames["community_liaison"][1:]))
    from pufa.org.freshness import bump_tree as bump

    writes: list[float] = []
    recorded: list[int] = []

    def record_one() -> None:
        """A liaison records and submits one activity through the ledger services, with every listener on
        (rollups, statuses, duties matching, the cache version): the dashboard must then show it."""
        from django.utils import timezone

        from pufa.core.models import ActivityKind, Domain
        from pufa.ledger import services as ledger

        data = ledger.ActivityData(
            unit=liaison_unit,
            title="民法典进社区（基准写入）",
            kind=ActivityKind.objects.get(code="jzxc"),
            date=timezone.localdate(),
            domains=list(Domain.objects.filter(code="minfadian")),
            people_onsite=30,
            place="社区活动室",
        )
        started = time.perf_counter()
        activity = ledger.activity_create(actor=users["community_liaison"], data=data, submit=True)
        writes.append((time.perf_counter() - started) * 1000)
        recorded.append(activity.pk)

    cases = [
        ("baseline: plain page (city office)", "city_office", reverse("notification-list"), None),
        ("dashboard: whole city", "city_office", reverse("progress:dashboard"), None),
        ("dashboard: whole city, recomputed", "city_office", reverse("progress:dashboard"), bump),
        ("dashboard: whole city, after each write", "city_office", reverse("progress:dashboard"), record_one),
        ("dashboard: one street", "street_office", f"{reverse('progress:dashboard')}?region={street.pk}", None),
        (
            "dashboard: one street, recomputed",
            "street_office",
            f"{reverse('progress:dashboard')}?region={street.pk}",
            bump,
        ),
        ("liaison: unit progress", "community_liaison", reverse("progress:unit", args=[liaison_unit.pk]), None),
        ("liaison: my tasks", "community_liaison", reverse("progress:my-tasks"), None),
    ]
    baseline = None
    print(f"{'case':<40}{'median ms':>11}{'p95 ms':>9}{'× baseline':>12}")
    for label, role, url, before in cases:
        client = Client()
        client.force_login(users[role])
        timings = timed(client, url, args.runs, before)
        median, p95 = statistics.median(timings), percentile(timings, 0.95)
        if baseline is None:
            baseline = median
        print(f"{label:<40}{median:>11.1f}{p95:>9.1f}{median / baseline:>12.1f}")
    if writes:
        print(
            f"recording one activity (services + listeners): median {statistics.median(writes):.1f} ms, "
            f"p95 {percentile(writes, 0.95):.1f} ms over {len(writes)} writes"
        )
        from pufa.ledger import services as ledger
        from pufa.org.access import SYSTEM

        # Remove what the benchmark recorded — deleted through the services, so rollups and statuses follow —
        # then for good, so reruns start from the same city.
        for activity in Activity.all_objects.filter(pk__in=recorded):
            ledger.activity_delete(actor=SYSTEM, activity=activity, reason="基准测试清理")
        Activity.all_objects.filter(pk__in=recorded).delete()


if __name__ == "__main__":
    main()
