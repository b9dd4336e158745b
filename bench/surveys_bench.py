"""Benchmark: surveys at city scale (issue 21) — the results page of a survey holding every response, and
the ingestion rate of answers posted to the public page through a real multi-process server — each beside a
baseline measured in the same run (a plain logged-in page; the public page's GET).

1. Results: Django's test Client against the real views (middleware, session, scoping, templates); median
   and p95 in ms over --runs requests after a warm-up, beside the notification list.
2. Ingestion: gunicorn (`-w 2` sync workers, or `--gthread 4` for deploy.md's production server; DEBUG off,
   database connections kept) serves pufa.wsgi; --threads Python clients each act as new phones: GET the
   answering page (a device cookie and the CSRF token), POST a full set of answers and a community drawn
   from the city's 2,500 (`--no-community`: left blank, as before 2026-12-07) with those cookies, on a fresh
   connection each (http.client; the sync workers close every connection). A 3 s warm-up, not counted, lets
   every worker start and build what it keeps. Printed: responses stored per second (counted in the
   database), p95 of the POST, errors, and the GET-only rate of the same page as the baseline; with the load
   average before and after, and the CPU the server processes and the client threads used (cores on
   average, ms per request or response, from /proc): the client shares the machine's cores with the server,
   and on a busy machine the CPU per response says more than the rate. On PostgreSQL, the CPU of the app
   servers' database connections too (its server processes, found in pg_stat_activity when the case starts).
   A response is stored pending and folded into the results' tally in batches (`surveys.tally`): beside the
   server runs its task worker (`pufa db_worker`, as deploy.md's server does), which folds every few seconds
   as the responses ask for it; its CPU counts as the server's. After the load the bench folds what is still
   pending, prints how many and how long that took, and checks the tally's count of the survey's responses
   against the rows.

    .venv/bin/python bench/surveys_bench.py --responses 100000
    PUFA_DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/pufa_bench .venv/bin/python bench/surveys_bench.py

Targets (issue 21): results page p95 ≤ 300 ms at 100,000 responses; ≥ 200 responses/s ingested.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import citygen  # noqa: E402 - after the path to bench/ is set
from throughput import free_port, wait_ready  # noqa: E402

RUNS = 20


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))] if ordered else float("nan")


def timed(client: object, url: str, runs: int) -> list[float]:
    for _ in range(2):
        response = client.get(url)  # type: ignore[attr-defined]
        assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)  # type: ignore[attr-defined]
        timings.append((time.perf_counter() - started) * 1000)
    return timings


CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def _cookies(response: http.client.HTTPResponse) -> str:
    """The Cookie header a browser would send back: each Set-Cookie's name=value (the server sets only
    path=/ cookies on this page, so no path or expiry logic is needed)."""
    return "; ".join(v.split(";", 1)[0] for k, v in response.getheaders() if k.lower() == "set-cookie")


def phone(
    port: int, token: str, answers: dict[str, str], post: bool, communities: Sequence[int] = ()
) -> tuple[float, bool]:
    """One new phone (no cookies): open the page; if `post`, submit the answers — and a community drawn from
    `communities`, as a resident of a city-wide survey names theirs — with the device and CSRF cookies and the
    form's token, as a browser does. Returns (ms of the POST or GET, stored or served). A bare http.client
    connection per request (gunicorn's sync workers close each one), so the client spends little of the
    machine's two cores; its CPU is printed beside the figures."""
    path = f"/public/s/{token}/"
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        html = response.read()
    finally:
        conn.close()
    if response.status != 200:
        return 0.0, False
    if not post:
        return (time.perf_counter() - started) * 1000, True
    csrf = CSRF.search(html)
    place = {"community": str(random.choice(communities))} if communities else {}
    body = urllib.parse.urlencode({**answers, **place, "csrfmiddlewaretoken": csrf.group(1).decode() if csrf else ""})
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": _cookies(response),
        "Referer": f"http://127.0.0.1:{port}{path}",
    }
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("POST", path, body=body, headers=headers)
        done = conn.getresponse().read()
    finally:
        conn.close()
    return (time.perf_counter() - started) * 1000, b'data-testid="survey-done"' in done


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes so far (Linux /proc), in seconds."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of the line)
    return total / os.sysconf("SC_CLK_TCK")


def server_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [master, *(int(p) for p in children.read_text().split())] if children.exists() else [master]


def database_pids() -> list[int]:
    """PostgreSQL: the server processes of the bench database's other connections (the app servers', kept
    open), whose CPU is the database's share of the work; SQLite runs inside the app servers."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [pid for (pid,) in cursor.fetchall()]


def drive(
    port: int,
    token: str,
    answers: dict[str, str],
    seconds: float,
    threads: int,
    post: bool,
    master: int,
    communities: Sequence[int] = (),
    also: Sequence[int] = (),
) -> dict:
    stop = time.monotonic() + seconds
    timings: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def worker() -> None:
        while time.monotonic() < stop:
            try:
                ms, ok = phone(port, token, answers, post, communities)
            except OSError:
                ok, ms = False, 0.0
            with lock:
                if ok:
                    timings.append(ms)
                else:
                    errors[0] += 1

    pids = [*server_pids(master), *also]
    database = database_pids()
    database_before = cpu_seconds(database)
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    server_before, client_before = cpu_seconds(pids), time.process_time()
    started = time.monotonic()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.monotonic() - started
    server_cpu, client_cpu = cpu_seconds(pids) - server_before, time.process_time() - client_before
    database_cpu = cpu_seconds(database) - database_before
    n = len(timings)
    return {
        "rate": n / elapsed,
        "p95": percentile(timings, 0.95),
        "errors": errors[0],
        "n": n,
        # cores busy on average, and CPU ms per request (GET) or per response (GET + POST)
        "server_cores": server_cpu / elapsed,
        "client_cores": client_cpu / elapsed,
        "server_ms": server_cpu * 1000 / n if n else float("nan"),
        "client_ms": client_cpu * 1000 / n if n else float("nan"),
        "database_cores": database_cpu / elapsed if database else None,
        "database_ms": database_cpu * 1000 / n if database and n else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="the city (citygen); 0.01 for a quick run")
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--seconds", type=float, default=20.0, help="ingestion load per case")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--gthread",
        type=int,
        default=0,
        metavar="N",
        help="gunicorn -k gthread --threads N (deploy.md's production server has N=4); default: sync workers",
    )
    parser.add_argument(
        "--no-community", action="store_true", help="phones leave the community question blank (before 2026-12-07)"
    )
    parser.add_argument("--skip-pages", action="store_true", help="measure the ingestion only")
    args = parser.parse_args()
    citygen.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from pufa.org.models import User
    from pufa.surveys import tally
    from pufa.surveys.models import Response, Survey, Tally

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0, interactive=False)
    org = citygen.generate_org(args.scale)
    started = time.perf_counter()
    survey_id, made = citygen.generate_survey_responses(args.scale, responses=args.responses)
    print(f"database: {citygen.database_label()}  responses: {made:,} ({time.perf_counter() - started:.1f} s)")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    survey = Survey.objects.get(pk=survey_id)
    city_office = User.objects.get(username=org.usernames["city_office"])
    client = Client()
    client.force_login(city_office)
    community = org.community_ids[0]
    print(f"{'case':<46}{'median ms':>11}{'p95 ms':>9}{'× baseline':>12}")
    baseline = None
    for label, url in (
        []
        if args.skip_pages
        else [
            ("baseline: plain page (city office)", reverse("notification-list")),
            (f"results: one survey, {made:,} responses", reverse("surveys:results", args=[survey.pk])),
            (
                "results: one community of it",
                f"{reverse('surveys:results', args=[survey.pk])}?community={community}",
            ),
            ("literacy index: the city, this year", f"{reverse('surveys:literacy')}?region={org.city_id}"),
        ]
    ):
        timings = timed(client, url, args.runs)
        median, p95 = statistics.median(timings), percentile(timings, 0.95)
        baseline = baseline or median
        print(f"{label:<46}{median:>11.1f}{p95:>9.1f}{median / baseline:>12.1f}")

    answers = {}
    for q in survey.current_questions():
        answers[f"q{q.pk}"] = str(q.correct[0]) if q.correct else "4"
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
        "PUFA_DEBUG": "0",
        "PUFA_INSECURE_DEV_KEY": "1",  # the bench only, on 127.0.0.1
        "PUFA_DB_CONN_MAX_AGE": "60",
        "PUFA_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PUFA_SURVEY_SUBMIT_LIMIT": "100000000",  # one address drives every phone here
        "DJANGO_SETTINGS_MODULE": "pufa.settings",
        "PUFA_TASKS_BACKEND": "database",  # the folds run in the worker below, as deployed (citygen: immediate)
    }
    kind = ["-k", "gthread", "--threads", str(args.gthread)] if args.gthread else []
    communities = [] if args.no_community else list(org.community_ids)
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "pufa.wsgi", "-w", str(args.workers), *kind, "-b", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "pufa.cli", "db_worker", "--queue-name", "*", "--no-startup-delay", "-v", "0"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_ready(port, server)
        # Warm-up, not counted: /healthz answered means one worker is up, not all; a worker's start (importing
        # the apps) costs seconds of CPU, and the first phones build the page and the questionnaire it keeps.
        drive(port, survey.token, answers, 3, args.threads, post=True, master=server.pid, communities=communities)
        tally.fold()  # the warm-up's responses, and any left from an earlier run
        print(f"load average before the load: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        before = Response.objects.filter(survey=survey).count()
        get = drive(
            port, survey.token, answers, args.seconds, args.threads, post=False, master=server.pid, also=[worker.pid]
        )
        post = drive(
            port,
            survey.token,
            answers,
            args.seconds,
            args.threads,
            post=True,
            master=server.pid,
            communities=communities,
            also=[worker.pid],
        )
        stored = Response.objects.filter(survey=survey).count() - before
        pending = Response.objects.filter(tallied=False).count()
        started = time.perf_counter()
        tally.fold()
        last_fold = (time.perf_counter() - started) * 1000
        counted = Tally.objects.get(
            survey=survey, revision=survey.revision, community=Tally.ALL, audience=Tally.ALL, kind=Tally.Kind.RESPONSES
        ).n
        rows = Response.objects.filter(survey=survey, revision=survey.revision).count()
        workers = f"gthread × {args.gthread}" if args.gthread else "sync"
        place = "blank" if args.no_community else f"one of {len(communities):,} drawn per phone"
        print(
            f"server: gunicorn -w {args.workers} ({workers}); {args.threads} client threads, {args.seconds:.0f} s per "
            f"case; community: {place}"
        )
        print(
            f"baseline: answering page GET            {get['rate']:8.1f} /s  p95 {get['p95']:7.1f} ms  "
            f"errors {get['errors']}"
        )
        print(
            f"ingestion: new phone GET+POST           {post['rate']:8.1f} responses/s  POST p95 {post['p95']:7.1f} ms  "
            f"errors {post['errors']}  stored {stored:,} (= {post['n']:,} answered)"
        )
        print(
            f"tally: {pending:,} responses pending after the load, folded in {last_fold:.0f} ms; "
            f"counted {counted:,} of {rows:,} stored ({'equal' if counted == rows else 'DIFFERENT'})"
        )
        for label, case, per in (("GET", get, "request"), ("GET+POST", post, "response")):
            print(
                f"cpu, {label:<9} server {case['server_cores']:.2f} cores ({case['server_ms']:.1f} ms/{per})  "
                f"client {case['client_cores']:.2f} cores ({case['client_ms']:.1f} ms/{per})"
                + (
                    f"  database {case['database_cores']:.2f} cores ({case['database_ms']:.1f} ms/{per})"
                    if case["database_cores"] is not None
                    else ""
                )
            )
    finally:
        server.terminate()
        worker.terminate()
        server.wait(timeout=30)
        worker.wait(timeout=30)
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
