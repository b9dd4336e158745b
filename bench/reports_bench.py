"""Benchmark: work reports at city scale — one unit's report (.docx and .pdf), and every unit of the city.

1. One unit: a community committee with a typical year of activities; its report drafted from the ledger and
   progress and rendered, timed as the median of 5 runs (after a warm-up), as .docx and as .pdf.
2. The whole city: `report-generate-all`'s work — one background task per chunk of units — run by
   `pufa db_worker --batch` processes (default 2, one per core of the reference machine) on the database
   backend, timed from the first enqueue until the last worker has exited; every file is then checked to
   exist. `--inline` runs the same tasks in this process instead (the immediate backend).

    .venv/bin/python bench/citygen.py --scale 1                  # once: the city (≈5,000 units, 1,000,000 activities)
    .venv/bin/python bench/reports_bench.py                      # SQLite (var/bench.sqlite3)
    .venv/bin/python bench/reports_bench.py --format pdf         # the city as PDF (LibreOffice)

Progress statuses are computed first if the database has none (bulk-generated data bypasses the services).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import citygen

ROOT = Path(__file__).resolve().parent.parent


def timed(fn: object, runs: int) -> tuple[float, list[float]]:
    """The first (cold) call's time, and the times of `runs` calls after it."""
    started = time.perf_counter()
    fn()  # type: ignore[operator]
    first = time.perf_counter() - started
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()  # type: ignore[operator]
        timings.append(time.perf_counter() - started)
    return first, timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--period", default="", help="2025 or 2025H1; default: last year")
    parser.add_argument("--format", default="docx", choices=["docx", "xlsx", "pdf"], help="format of the city run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--inline", action="store_true", help="run the city's tasks in this process")
    parser.add_argument("--skip-city", action="store_true", help="only time one unit")
    args = parser.parse_args()
    os.environ["PUFA_TASKS_BACKEND"] = "immediate" if args.inline else "database"
    citygen.setup()

    from django.db.models import Count
    from django.utils import timezone

    from pufa.ledger.models import ActivityUnit
    from pufa.org.models import Unit
    from pufa.progress import services as progress_services
    from pufa.progress.models import TargetCheck
    from pufa.reports import charts, selectors
    from pufa.reports.documents import pdf, render
    from pufa.reports.models import parse_period
    from pufa.reports.tasks import chunks, generate_reports

    citygen.generate_org(args.scale)
    citygen.generate_plans(args.scale)
    citygen.generate_activities(args.scale, progress=False)
    period, year = parse_period(args.period or str(timezone.localdate().year - 1))
    print(f"database: {citygen.database_label()}  period: {year} {period}  cpus: {os.cpu_count()}")
    if not TargetCheck.objects.exists():
        started = time.perf_counter()
        progress_services.refresh()
        print(f"progress statuses computed first: {time.perf_counter() - started:.1f}s")

    # 1. One unit: the community committee with the median number of activities in the period.
    start, end = (f"{year}-01-01", f"{year}-06-30" if period == "h1" else f"{year}-12-31")
    counts = list(
        ActivityUnit.objects.filter(unit__kind="community_committee", date__gte=start, date__lte=end)
        .values("unit_id")
        .annotate(n=Count("id"))
        .order_by("n", "unit_id")
    )
    median = counts[len(counts) // 2]
    unit = Unit.objects.select_related("region").get(pk=median["unit_id"])
    print(f"one unit: {unit.name} ({unit.code}), {median['n']} activities in the period")

    def one(fmt: str) -> object:
        def run() -> bytes:
            charts._cached_png.cache_clear()  # draw the chart every time, as for a unit not seen before
            return render(selectors.generated_document(unit=unit, period=period, year=year), fmt)

        return run

    for fmt in ("docx", "pdf"):
        if fmt == "pdf" and not pdf.available():
            print("  .pdf   skipped: LibreOffice is not installed")
            continue
        first, times = timed(one(fmt), args.runs)
        print(
            f"  .{fmt:<5} median {statistics.median(times):.3f}s of {args.runs} (min {min(times):.3f}, "
            f"max {max(times):.3f}); first call in the process {first:.3f}s"
        )
    if pdf.available():
        print(f"  (PDF through {'the resident LibreOffice' if pdf.uno_available() else 'soffice --convert-to'})")
    if args.skip_city:
        return

    # 2. The whole city.
    ids = list(Unit.objects.filter(is_responsible_subject=True).order_by("pk").values_list("pk", flat=True))
    out_dir = Path(tempfile.mkdtemp(prefix="pufa-reports-bench-"))
    mode = "in this process" if args.inline else f"{args.workers} × pufa db_worker"
    print(f"city: {len(ids)} units, {args.format}, chunks of {args.chunk}, {mode}")
    load_before = os.getloadavg()[0]
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN if not args.inline else resource.RUSAGE_SELF)
    started = time.perf_counter()
    results = [
        generate_reports.enqueue(unit_ids=chunk, period=period, year=year, fmt=args.format, out_dir=str(out_dir))
        for chunk in chunks(ids, args.chunk)
    ]
    enqueued = time.perf_counter() - started
    if not args.inline:
        env = dict(os.environ)
        worker = [sys.executable, "-m", "pufa.cli", "db_worker", "--batch", "--no-startup-delay"]
        procs = [
            subprocess.Popen([*worker, "--worker-id", f"bench-{i}", "-v", "0"], env=env, cwd=ROOT)  # noqa: S603
            for i in range(args.workers)
        ]
        for proc in procs:
            proc.wait()
    total = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN if not args.inline else resource.RUSAGE_SELF)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    failed = 0
    for result in results:
        if not result.is_finished:
            result.refresh()
        failed += result.status != "SUCCESSFUL"
    files = list(out_dir.iterdir())
    print(f"  enqueued {len(results)} tasks in {enqueued:.1f}s; failed tasks: {failed}")
    print(f"  TOTAL {total:.1f}s for {len(files)} files ({total / max(len(files), 1) * 1000:.0f} ms a report)")
    # Other work on the machine stretches the wall time; the workers' own CPU time does not depend on it.
    print(
        f"  workers' CPU {cpu:.1f}s ({cpu / max(len(files), 1) * 1000:.0f} ms a report); "
        f"load average {load_before:.1f} → {os.getloadavg()[0]:.1f}; "
        f"CPU ÷ {args.workers} workers = {cpu / max(args.workers, 1):.0f}s"
    )
    shutil.rmtree(out_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
