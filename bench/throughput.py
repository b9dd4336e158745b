"""Benchmark: throughput under concurrency — the bench city served by gunicorn, each page kind driven at 10
connections on loopback, beside a plain logged-in page measured in the same run (issue 14).

gunicorn (`-w 2` by default, sync workers) serves `pufa.wsgi` with production settings — DEBUG off, database
connections kept (`PUFA_DB_CONN_MAX_AGE=60`, as docs/deploy.md advises), the per-process memory cache — and
only the bench's key (`PUFA_INSECURE_DEV_KEY=1`, on 127.0.0.1). Each page kind is loaded with `wrk`
(Debian's package; scripts/setup-system.sh installs it) for --duration seconds after a short warm-up, or, if
wrk is missing, with a small threaded Python client. Every page is fetched once first and must answer 200
(not a redirect to the login page). Printed per page: requests per second, p50 and p95 latency, errors, and
the ratio of its throughput to the plain logged-in page's (the notification list, same base template).

    .venv/bin/python bench/citygen.py --scale 1          # once: the city
    .venv/bin/python bench/progress_bench.py --skip-daily # once: its rollups and statuses
    .venv/bin/python bench/throughput.py                 # SQLite (var/bench.sqlite3)
    PUFA_DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/pufa_bench .venv/bin/python bench/throughput.py
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import citygen  # noqa: E402 - after the path to bench/ is set

CONNECTIONS = 10
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %.3f %.3f %d\\n", summary.requests, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited before serving")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer /healthz in time")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def check_page(port: int, path: str, cookie: str) -> None:
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie} if cookie else {})
    try:
        with opener.open(request, timeout=120) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    if status != 200:
        raise SystemExit(f"{path}: HTTP {status} (expected 200)")


def load_wrk(port: int, path: str, cookie: str, duration: int, script: Path) -> dict[str, float]:
    args = ["wrk", "-t", "2", "-c", str(CONNECTIONS), "-d", f"{duration}s", "--timeout", "30s", "-s", str(script)]
    if cookie:
        args += ["-H", f"Cookie: {cookie}"]
    done = subprocess.run([*args, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True)  # noqa: S603
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    requests, micros, p50, p95, errors = line.split()[1:]
    return {
        "rps": int(requests) / (int(micros) / 1e6),
        "p50": float(p50),
        "p95": float(p95),
        "errors": int(errors),
    }


def load_python(port: int, path: str, cookie: str, duration: int) -> dict[str, float]:
    """The fallback load tool: CONNECTIONS threads, each a keep-alive-less request loop, for `duration` s."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + duration

    def worker() -> None:
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
                response = conn.getresponse()
                response.read()
                conn.close()
                ok = response.status == 200
            except OSError:
                ok = False
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors[0] += 1

    began = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    ordered = sorted(latencies) or [0.0]
    return {
        "rps": len(latencies) / wall,
        "p50": statistics.median(ordered),
        "p95": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
        "errors": errors[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page kind (default 10)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of load before each measurement")
    parser.add_argument("--python-client", action="store_true", help="use the threaded Python client, not wrk")
    args = parser.parse_args()

    citygen.setup()  # the bench database (PUFA_DATABASE_URL or var/bench.sqlite3), for the sessions below
    from django.test import Client
    from django.urls import reverse

    from pufa.org.models import Region, Unit, User

    if not Region.objects.filter(code=citygen.CITY_CODE).exists():
        raise SystemExit("no bench city in this database: run bench/citygen.py first")
    org = citygen.generate_org()  # finds the generated city
    street = Unit.objects.select_related("region").get(pk=int(org.usernames["street_office"][1:])).region
    district = Region.objects.get(pk=org.district_ids[0])
    liaison_unit = int(org.usernames["community_liaison"][1:])

    cookies: dict[str, str] = {}
    for role, username in org.usernames.items():
        client = Client()
        client.force_login(User.objects.get(username=username))  # a session row the server reads
        cookies[role] = f"sessionid={client.cookies['sessionid'].value}"

    dashboard, ledger = reverse("progress:dashboard"), reverse("ledger:activity-list")
    pages = [
        ("healthz (no session)", "", reverse("healthz")),
        ("plain logged-in page (baseline)", "city_office", reverse("notification-list")),
        ("home, liaison", "community_liaison", reverse("home")),
        ("dashboard: whole city", "city_office", dashboard),
        ("dashboard: district", "district_office", f"{dashboard}?region={district.pk}"),
        ("dashboard: street", "street_office", f"{dashboard}?region={street.pk}"),
        ("ledger first page: district office", "district_office", ledger),
        ("ledger first page: street office", "street_office", ledger),
        ("ledger first page: liaison", "community_liaison", ledger),
        ("unit progress: liaison", "community_liaison", reverse("progress:unit", args=[liaison_unit])),
        ("my tasks: liaison", "community_liaison", reverse("progress:my-tasks")),
    ]

    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
        "PUFA_DEBUG": "0",
        "PUFA_INSECURE_DEV_KEY": "1",  # the bench only, on 127.0.0.1
        "PUFA_DB_CONN_MAX_AGE": "60",
        "PUFA_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PUFA_TASKS_BACKEND": "database",
        "DJANGO_SETTINGS_MODULE": "pufa.settings",
    }
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "pufa.wsgi",
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{port}",
            "--error-logfile",
            "-",
            "--timeout",
            "120",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    use_wrk = shutil.which("wrk") is not None and not args.python_client
    results: list[tuple[str, dict[str, float]]] = []
    try:
        wait_ready(port, server)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
            handle.write(WRK_SCRIPT)
            script = Path(handle.name)
        print(f"database: {citygen.database_label()}")
        print(
            f"server: gunicorn -w {args.workers} (sync), DEBUG off; load: "
            f"{'wrk' if use_wrk else 'Python threads'}, {CONNECTIONS} connections, {args.duration} s per page"
        )
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
        for label, role, path in pages:
            cookie = cookies.get(role, "")
            check_page(port, path, cookie)
            if use_wrk:
                if args.warmup:
                    load_wrk(port, path, cookie, args.warmup, script)
                result = load_wrk(port, path, cookie, args.duration, script)
            else:
                if args.warmup:
                    load_python(port, path, cookie, args.warmup)
                result = load_python(port, path, cookie, args.duration)
            results.append((label, result))
            print(f"  {label:<40}{result['rps']:>9.1f} req/s", flush=True)
        script.unlink(missing_ok=True)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    baseline = next(r["rps"] for label, r in results if label.startswith("plain logged-in page"))
    print(f"{'page (10 connections)':<40}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}{'× plain':>9}")
    for label, r in results:
        print(f"{label:<40}{r['rps']:>9.1f}{r['p50']:>9.1f}{r['p95']:>9.1f}{r['errors']:>8}{r['rps'] / baseline:>9.2f}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
