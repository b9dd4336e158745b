"""Benchmark: does the cost of a scope-bound operation stay flat as the city grows? (issue 14)

Two cities are generated (or reused) — by default scale 0.1 (100,000 activities) and scale 1 (1,000,000) —
and the same operations are timed in each, for the same-sized scope (the first street of the first district,
its office and one community liaison; the street sizes are printed beside the figures):

- recording one activity (the ledger services with every listener: rollups, targets, duties, stamps);
- a street's and a district's dashboard recomputed (every stamp changed before each request);
- the ledger's first page for the street office with each filter the page offers, rare ones included;
- a liaison's pages (home, ledger, unit progress, my tasks);
- evaluating one unit's targets (every period of every running task covering it);
- with --all-targets, evaluating every target of the city (city-wide: may grow with the data, not faster;
  printed, but not in the maximum).

Each city is measured in its own process (Django has one default database per process), never both at the
same time, and the two alternate for --rounds rounds so that a change in the machine's load falls on both. It
prints each operation's best CPU and wall time (minimum over every run) and median wall time at both scales,
the growth factors (large ÷ small; on SQLite the CPU time's is judged — the database works inside the
measuring process, so that is the operation's own work whatever the neighbours do —, on PostgreSQL the wall
time's), then a last line `max growth X.XX over N operations` over the scope-bound ones.

    .venv/bin/python bench/growth.py                            # SQLite: var/bench_s0.1.sqlite3 + var/bench.sqlite3
    .venv/bin/python bench/growth.py --quick                    # scales 0.01 and 0.1 (a minute or two)
    PUFA_DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/pufa_bench .venv/bin/python bench/growth.py
        # PostgreSQL: databases pufa_bench_s0_1 and pufa_bench (scale 1 uses the URL as given), created if missing
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

RUNS = 7
ROUNDS = 3
MARK = "GROWTH-RESULT "


def _tag(scale: float) -> str:
    return f"s{scale:g}".replace(".", "_")


def database_url(scale: float) -> str:
    """Scale 1 is the benchmark city every script shares; other scales get a database of their own."""
    base = os.environ.get("PUFA_DATABASE_URL", "")
    if not base:
        name = "bench.sqlite3" if scale == 1 else f"bench_{_tag(scale).replace('_', '.')}.sqlite3"
        return f"sqlite:///{ROOT / 'var' / name}"
    if scale == 1:
        return base
    if base.startswith("sqlite:///"):
        path = Path(base.removeprefix("sqlite:///"))
        return f"sqlite:///{path.with_name(f'{path.stem}_{_tag(scale)}{path.suffix}')}"
    head, _, name = base.rpartition("/")
    return f"{head}/{name}_{_tag(scale)}"


def _create_postgres_database(url: str) -> None:
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import psycopg

    head, _, name = url.rpartition("/")
    with psycopg.connect(f"{head}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


# ---------------------------------------------------------------- one city, in its own process


def _timed_ms(fn: Any, runs: int, before: Any = None, warmup: int = 2) -> dict[str, list[float]]:
    """Each run's wall time and this process's CPU time (user + system), in ms."""
    for _ in range(warmup):
        if before is not None:
            before()
        fn()
    wall, cpu = [], []
    for _ in range(runs):
        if before is not None:
            before()
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return {"wall": wall, "cpu": cpu}


def prepare(scale: float) -> Any:
    """The city at this scale, with its rollups and statuses (computed once, as progress_bench does)."""
    from django.core.management import call_command

    import citygen
    from pufa.progress import rollups, services
    from pufa.progress.models import ProgressStatus, RegionMonthStat

    call_command("migrate", verbosity=0, interactive=False)
    org = citygen.generate_org(scale)
    citygen.generate_plans(scale)
    citygen.generate_activities(scale, progress=False)
    timings = {}
    if not RegionMonthStat.objects.exists():
        started = time.perf_counter()
        rollups.rebuild_all()
        timings["rollups"] = time.perf_counter() - started
    if not ProgressStatus.objects.exists():
        started = time.perf_counter()
        services.refresh()
        timings["all_targets"] = time.perf_counter() - started
    return org, timings


def measure(scale: float, runs: int, all_targets: bool) -> dict[str, Any]:
    import citygen

    citygen.setup()
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from pufa.core.models import ActivityKind, Domain
    from pufa.ledger import services as ledger
    from pufa.ledger.models import Activity, ActivityUnit
    from pufa.org import freshness
    from pufa.org.access import SYSTEM
    from pufa.org.models import Region, Unit, User
    from pufa.progress import services
    from pufa.progress.models import ProgressStatus, TargetCheck

    org, prepared = prepare(scale)
    # The generator's view of the city (a dict per unit, ten times larger in the large city) stays alive in
    # this process; a page served by the app does not have it. Freeze it out of the garbage collector's scans,
    # or every collection during a timed run costs in proportion to the city.
    gc.collect()
    gc.freeze()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as docs/deploy.md asks after bulk loads (and SQLite table rebuilds)
    users = {role: User.objects.get(username=name) for role, name in org.usernames.items()}
    district = Region.objects.get(pk=org.district_ids[0])
    # The sample accounts are named after their units (citygen): the first street of the first district,
    # and a community committee of that street.
    street = Unit.objects.select_related("region").get(pk=int(org.usernames["street_office"][1:])).region
    liaison_unit = Unit.objects.select_related("region").get(pk=int(org.usernames["community_liaison"][1:]))
    task_link = (
        Activity.tasks.through.objects.filter(activity__region_path__startswith=street.path)
        .order_by("activity_id")
        .first()
    )
    year = timezone.localdate().year
    results: dict[str, dict[str, list[float]]] = {}
    clients: dict[str, Client] = {}

    def client(role: str) -> Client:
        if role not in clients:
            clients[role] = Client()
            clients[role].force_login(users[role])
        return clients[role]

    def page(role: str, url: str) -> Any:
        def get() -> None:
            response = client(role).get(url)
            assert response.status_code == 200, (url, response.status_code)

        return get

    # Recording one activity, with every listener, as progress_bench does; removed again afterwards.
    recorded: list[int] = []
    kind = ActivityKind.objects.get(code="jzxc")
    domains = list(Domain.objects.filter(code="minfadian"))

    def record_one() -> None:
        data = ledger.ActivityData(
            unit=liaison_unit,
            title="民法典进社区（增长基准写入）",
            kind=kind,
            date=timezone.localdate(),
            domains=domains,
            people_onsite=30,
            place="社区活动室",
        )
        recorded.append(ledger.activity_create(actor=users["community_liaison"], data=data, submit=True).pk)

    results["record one activity (services + listeners)"] = _timed_ms(record_one, runs)
    for activity in Activity.all_objects.filter(pk__in=recorded):
        ledger.activity_delete(actor=SYSTEM, activity=activity, reason="基准测试清理")
    Activity.all_objects.filter(pk__in=recorded).delete()

    dashboard = reverse("progress:dashboard")
    results["street dashboard, recomputed"] = _timed_ms(
        page("street_office", f"{dashboard}?region={street.pk}"), runs, before=freshness.bump_tree
    )
    results["district dashboard, recomputed"] = _timed_ms(
        page("district_office", f"{dashboard}?region={district.pk}"), runs, before=freshness.bump_tree
    )

    ledger_url = reverse("ledger:activity-list")
    filters = [
        ("", "no filter"),
        (f"year={year - 1}", "last year"),
        ("kind=jzxc", "common kind"),
        ("kind=xfks", "rare kind"),
        ("domain=xianfa", "domain"),
        ("audience=qsn", "audience"),
        ("status=counted", "counted"),
        ("status=returned", "returned"),
        ("kind=xfks&status=returned", "rare kind + returned"),
        ("q=宪法", "title search"),
        ("highlight=1", "typical practice"),
        (f"region={liaison_unit.region_id}", "one community"),
        (f"unit={liaison_unit.pk}", "one unit"),
    ]
    if task_link is not None:
        filters.append((f"task={task_link.task_id}", "one task"))
    for query, label in filters:
        url = f"{ledger_url}?{query}" if query else ledger_url
        results[f"street office ledger: {label}"] = _timed_ms(page("street_office", url), runs)

    results["liaison: home"] = _timed_ms(page("community_liaison", reverse("home")), runs)
    results["liaison: ledger"] = _timed_ms(page("community_liaison", ledger_url), runs)
    results["liaison: unit progress"] = _timed_ms(
        page("community_liaison", reverse("progress:unit", args=[liaison_unit.pk])), runs
    )
    results["liaison: my tasks"] = _timed_ms(page("community_liaison", reverse("progress:my-tasks")), runs)

    today = timezone.localdate()
    unit_tasks = services.affected_tasks(unit_ids=[liaison_unit.pk], dates=[today])
    results["evaluate one unit's targets"] = _timed_ms(
        lambda: services.refresh(tasks=unit_tasks, unit_ids=[liaison_unit.pk], today=today), runs
    )

    city_wide: dict[str, float] = {}
    if all_targets:
        TargetCheck.objects.all().delete()
        ProgressStatus.objects.all().delete()
        started = time.perf_counter()
        services.refresh()
        city_wide["evaluate all targets (s)"] = time.perf_counter() - started
    elif "all_targets" in prepared:
        city_wide["evaluate all targets (s)"] = prepared["all_targets"]

    sizes = {
        "activities": Activity.objects.count(),
        "street participations": ActivityUnit.objects.filter(region_path__startswith=street.path).count(),
        "district participations": ActivityUnit.objects.filter(region_path__startswith=district.path).count(),
        "liaison participations": ActivityUnit.objects.filter(unit=liaison_unit).count(),
    }
    return {
        "scale": scale,
        "database": citygen.database_label(),
        "load": os.getloadavg(),
        "sizes": sizes,
        "results": results,
        "city_wide": city_wide,
    }


# ---------------------------------------------------------------- both cities, side by side


def run_city(scale: float, runs: int, all_targets: bool) -> dict[str, Any]:
    url = database_url(scale)
    _create_postgres_database(url)
    env = {**os.environ, "PUFA_DATABASE_URL": url}
    args = [sys.executable, str(Path(__file__)), "--measure", str(scale), "--runs", str(runs)]
    if all_targets:
        args.append("--all-targets")
    print(f"== scale {scale:g}: {url}", flush=True)
    started = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-8000:])
        raise SystemExit(f"scale {scale:g} failed")
    line = next(x for x in done.stdout.splitlines() if x.startswith(MARK))
    result = json.loads(line.removeprefix(MARK))
    print(f"   measured in {time.perf_counter() - started:.0f} s, load average {result['load'][0]:.2f}", flush=True)
    return result


def merge(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """One city's rounds as one result: every operation's timings of every round together."""
    merged = {**rounds[-1], "results": {}, "loads": [r["load"][0] for r in rounds]}
    merged["city_wide"] = next((r["city_wide"] for r in rounds if r["city_wide"]), {})
    for label in rounds[0]["results"]:
        merged["results"][label] = {
            clock: [t for r in rounds for t in r["results"][label][clock]] for clock in ("wall", "cpu")
        }
    return merged


def report(small: dict[str, Any], large: dict[str, Any]) -> float:
    """Growth is judged on each operation's best time, the minimum over every run of every round: on a shared
    machine the neighbours only ever add time (the reasoning of Python's `timeit`). On SQLite the database
    works inside the measuring process, so its CPU time (user + system: reading cached pages included) is the
    operation's own work whatever the neighbours do, and is the figure judged; on PostgreSQL the server does
    the work, and the wall time is judged. The median wall time is printed beside them to show the noise."""
    clock = "cpu" if large["database"].startswith("sqlite") else "wall"
    print(f"database: {large['database']} (large), {small['database']} (small)")
    for key in small["sizes"]:
        print(f"  {key:<28}{small['sizes'][key]:>12,}{large['sizes'][key]:>12,}")
    loads = small["loads"] + large["loads"]
    print(
        f"load average (1 min) at the end of each round: small {' '.join(f'{x:.2f}' for x in small['loads'])}, "
        f"large {' '.join(f'{x:.2f}' for x in large['loads'])} (max {max(loads):.2f})"
    )
    runs = len(next(iter(small["results"].values()))["wall"])
    s, b = format(small["scale"], "g"), format(large["scale"], "g")
    print(f"judged: best {'CPU' if clock == 'cpu' else 'wall'} time; {runs} runs per operation and city")
    print(
        f"{'operation (ms)':<46}{'s' + s + ' cpu':>10}{'s' + b + ' cpu':>10}{'growth':>8}"
        f"{'s' + s + ' wall':>11}{'s' + b + ' wall':>11}{'growth':>8}{'s' + s + ' med':>10}{'s' + b + ' med':>10}"
    )
    growths = []
    for label, small_runs in small["results"].items():
        large_runs = large["results"][label]
        best = {c: (min(small_runs[c]), min(large_runs[c])) for c in ("cpu", "wall")}
        ratio = {c: best[c][1] / best[c][0] if best[c][0] else float("inf") for c in ("cpu", "wall")}
        growths.append(ratio[clock])
        print(
            f"{label:<46}{best['cpu'][0]:>10.1f}{best['cpu'][1]:>10.1f}{ratio['cpu']:>8.2f}"
            f"{best['wall'][0]:>11.1f}{best['wall'][1]:>11.1f}{ratio['wall']:>8.2f}"
            f"{statistics.median(small_runs['wall']):>10.1f}{statistics.median(large_runs['wall']):>10.1f}"
        )
    for label, small_s in small["city_wide"].items():
        if label in large["city_wide"]:
            data = large["sizes"]["activities"] / small["sizes"]["activities"]
            print(
                f"{label + ' [city-wide]':<46}{small_s:>10.1f}{large['city_wide'][label]:>10.1f}"
                f"{large['city_wide'][label] / small_s:>8.2f}  (data × {data:.1f}; wall seconds, run once)"
            )
    worst = max(growths)
    print(f"max growth {worst:.2f} over {len(growths)} operations")
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=float, default=0.1, help="scale of the small city (default 0.1)")
    parser.add_argument("--large", type=float, default=1.0, help="scale of the large city (default 1)")
    parser.add_argument("--quick", action="store_true", help="a quick pair: scales 0.01 and 0.1")
    parser.add_argument("--runs", type=int, default=RUNS, help="timed runs per operation in each round")
    parser.add_argument(
        "--rounds", type=int, default=ROUNDS, help="measure the two cities alternately this many times each"
    )
    parser.add_argument("--all-targets", action="store_true", help="also time evaluating every target (slow)")
    parser.add_argument("--measure", type=float, help=argparse.SUPPRESS)  # internal: one city, JSON out
    args = parser.parse_args()
    if args.measure is not None:
        print(MARK + json.dumps(measure(args.measure, args.runs, args.all_targets)), flush=True)
        return
    small, large = (0.01, 0.1) if args.quick else (args.small, args.large)
    # Alternately, so a change in the neighbours' load falls on both cities rather than on one.
    rounds: dict[float, list[dict[str, Any]]] = {small: [], large: []}
    for n in range(args.rounds):
        for scale in (small, large):
            rounds[scale].append(run_city(scale, args.runs, args.all_targets and n == 0))
    report(merge(rounds[small]), merge(rounds[large]))


if __name__ == "__main__":
    main()
