"""Benchmark: the scale-out cluster — throughput through nginx with one and with two app servers, where the CPU
time goes, and what users see when an app server is killed under load (issue 23).

It starts `scripts/cluster.sh up` (nginx, two gunicorn app servers, Redis, an rq worker, on loopback) on a
PostgreSQL database of its own (`pufa_cluster_bench` on the server of scripts/ensure-postgres.sh, or
PUFA_CLUSTER_BENCH_DATABASE_URL), seeds the demo district into it (`pufa seed-demo`, idempotent), logs in as
demo users through nginx, and drives each page kind with `wrk` (10 connections, loopback only, bounded by
--duration) first with both app servers, then with app server 2 killed. Beside req/s, p50/p95 and errors per
page, it prints the CPU each part of the machine used during the run (app servers, PostgreSQL, Redis, nginx,
wrk, everything else), in cores of the machine's, which is the figure that names the bottleneck on a shared
2-core machine. Last, the fault run: the plain page under load through nginx while app server 1 is killed
(SIGKILL) mid-run, with the errors the clients saw. Load average before and after. The cluster is stopped at
the end; its database is kept for the next run (`--drop` removes it).

    PYTHONPATH=src .venv/bin/python bench/cluster_bench.py                 # about 4 minutes
    PYTHONPATH=src .venv/bin/python bench/cluster_bench.py --duration 20   # steadier figures
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import requests  # noqa: E402

from throughput import WRK_SCRIPT, free_port, load_wrk  # noqa: E402 - after the path to bench/ is set

SCRIPT = ROOT / "scripts" / "cluster.sh"
DEMO_PASSWORD = "Pufa@2026demo"  # noqa: S105 - the public demo accounts' password
TICK = os.sysconf("SC_CLK_TCK")
PARTS = ("app servers", "PostgreSQL", "Redis", "nginx", "wrk", "rq worker", "rest of the machine")


def run_cluster(env: dict[str, str], *args: str, timeout: float = 600) -> str:
    done = subprocess.run(  # noqa: S603 - the repository's own script
        ["bash", str(SCRIPT), *args],  # noqa: S607 - bash from PATH
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise SystemExit(f"cluster.sh {' '.join(args[:2])} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def cpu_by_part() -> dict[str, float]:
    """CPU seconds used so far by each part, summed over its live processes (from /proc)."""
    used = dict.fromkeys(PARTS, 0.0)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        seconds = (int(fields[11]) + int(fields[12])) / TICK  # utime + stime
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        if "gunicorn" in cmdline:
            part = "app servers"
        elif comm == "postgres" or cmdline.startswith("postgres"):
            part = "PostgreSQL"
        elif comm.startswith("redis-server"):
            part = "Redis"
        elif comm == "nginx":
            part = "nginx"
        elif comm == "wrk":
            part = "wrk"
        elif "rqworker" in cmdline:
            part = "rq worker"
        else:
            continue
        used[part] += seconds
    with open("/proc/stat") as handle:
        total = [int(x) for x in handle.readline().split()[1:]]
    busy = (sum(total) - total[3] - total[4]) / TICK  # all but idle and iowait
    used["rest of the machine"] = busy - sum(v for k, v in used.items() if k != "rest of the machine")
    return used


def measured(fn, *args):  # type: ignore[no-untyped-def]
    """Run fn, returning its result and the cores each part used meanwhile (CPU seconds / wall seconds)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, started = cpu_by_part(), time.monotonic()
    result = fn(*args)
    after, wall = cpu_by_part(), time.monotonic() - started
    cores = {part: max(0.0, (after[part] - before[part]) / wall) for part in PARTS}
    # wrk has exited by now, so /proc no longer shows it: its CPU time is that of this process's waited-for
    # children, and it is taken out of the rest of the machine, where the total had counted it.
    done = resource.getrusage(resource.RUSAGE_CHILDREN)
    wrk = (done.ru_utime + done.ru_stime - children.ru_utime - children.ru_stime) / wall
    cores["wrk"] = wrk
    cores["rest of the machine"] = max(0.0, cores["rest of the machine"] - wrk)
    return result, cores


def login(base: str, username: str) -> str:
    browser = requests.Session()
    page = browser.get(f"{base}/accounts/login/", timeout=60)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if not token:
        raise SystemExit("no login form")
    answer = browser.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
        timeout=60,
    )
    if answer.status_code != 302:
        raise SystemExit(f"login as {username} refused ({answer.status_code})")
    return f"sessionid={browser.cookies['sessionid']}"


def check(base: str, path: str, cookie: str) -> None:
    answer = requests.get(f"{base}{path}", headers={"Cookie": cookie}, allow_redirects=False, timeout=120)
    if answer.status_code != 200:
        raise SystemExit(f"{path}: HTTP {answer.status_code} (expected 200)")


def fault_run(env: dict[str, str], port: int, path: str, cookie: str, duration: int, script: Path, *fault: str) -> dict:
    """Load the page through nginx; a third of the way in, `scripts/cluster.sh <fault>`."""

    def kill() -> None:
        time.sleep(duration / 3)
        run_cluster(env, *fault)

    killer = threading.Thread(target=kill)
    killer.start()
    result = load_wrk(port, path, cookie, duration, script)
    killer.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page and server count")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of load before each measurement")
    parser.add_argument("--app-workers", type=int, default=1, help="gunicorn workers per app server (default 1)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (default 4)")
    parser.add_argument("--drop", action="store_true", help="drop the bench database at the end")
    parser.add_argument("--no-seed", action="store_true", help="the database holds the demo already")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing (make system)")

    database = os.environ.get("PUFA_CLUSTER_BENCH_DATABASE_URL", "")
    if not database:
        server = subprocess.run(  # noqa: S603 - the repository's own script
            ["bash", str(ROOT / "scripts" / "ensure-postgres.sh")],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        database = server.rsplit("/", 1)[0] + "/pufa_cluster_bench"
    port = free_port()
    while any(_busy(p) for p in range(port, port + 4)):
        port = free_port()
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "PYTHONPATH", "TMPDIR"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        PUFA_BIN=str(Path(sys.executable).parent),
        PUFA_CLUSTER_DIR=str(ROOT / "var" / "cluster-bench"),
        PUFA_CLUSTER_PORT=str(port),
        PUFA_CLUSTER_APPS="2",
        PUFA_CLUSTER_APP_WORKERS=str(args.app_workers),
        PUFA_CLUSTER_THREADS=str(args.threads),
        PUFA_CLUSTER_TASK_WORKERS="1",
        PUFA_CLUSTER_DAILY="0",
        PUFA_DATABASE_URL=database,
        PUFA_API_RATE="100000",
    )
    base = f"http://127.0.0.1:{port}"
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    started = time.monotonic()
    print(run_cluster(env, "up").strip().splitlines()[-1], flush=True)
    try:
        if not args.no_seed:
            seed = time.monotonic()
            run_cluster(env, "pufa", "seed-demo", timeout=1800)
            print(f"demo data seeded in {time.monotonic() - seed:.0f} s", flush=True)
        cookies = {who: login(base, who) for who in ("quxfb", "tuohe_fzb", "tuohe_sq")}
        pages = [
            ("healthz (no session)", "", "/healthz"),
            ("plain logged-in page (baseline)", cookies["quxfb"], "/notifications/"),
            ("home, liaison", cookies["tuohe_sq"], "/"),
            ("dashboard: district office", cookies["quxfb"], "/progress/"),
            ("ledger first page: street office", cookies["tuohe_fzb"], "/ledger/"),
            ("portal home (anonymous)", "", "/public/"),
        ]
        for _, cookie, path in pages:
            check(base, path, cookie)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
            handle.write(WRK_SCRIPT)
            script = Path(handle.name)
        results: dict[tuple[str, int], tuple[dict, dict[str, float]]] = {}
        for servers in (2, 1):
            if servers == 1:
                run_cluster(env, "stop-app", "2")
            print(
                f"-- {servers} app server(s) × {args.app_workers} worker × {args.threads} threads, "
                f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
                flush=True,
            )
            for label, cookie, path in pages:
                if args.warmup:
                    load_wrk(port, path, cookie, args.warmup, script)
                results[(label, servers)] = measured(load_wrk, port, path, cookie, args.duration, script)
                print(f"  {label:<36}{results[(label, servers)][0]['rps']:>9.1f} req/s", flush=True)
        run_cluster(env, "start-app", "2")
        time.sleep(11)  # nginx's fail_timeout: app server 2 is tried again
        fault = fault_run(
            env, port, "/notifications/", cookies["quxfb"], max(args.duration, 9), script, "stop-app", "1"
        )
        run_cluster(env, "start-app", "1")
        time.sleep(11)
        redis_fault = fault_run(
            env, port, "/notifications/", cookies["quxfb"], max(args.duration, 9), script, "restart-redis"
        )
        after_redis = requests.get(
            f"{base}/notifications/", headers={"Cookie": cookies["quxfb"]}, allow_redirects=False, timeout=60
        ).status_code
        script.unlink(missing_ok=True)
        backup_started = time.monotonic()
        try:
            checked = run_cluster(env, "backup", str(ROOT / "var" / "cluster-bench-backup")).strip().splitlines()
            backup = f"{checked[-1]} ({time.monotonic() - backup_started:.0f} s)"
        except SystemExit as exc:
            backup = f"FAILED: {exc}"
    finally:
        run_cluster(env, "down", timeout=300)
        if args.drop:
            name = database.rsplit("/", 1)[1]
            subprocess.run(  # noqa: S603
                ["psql", database.rsplit("/", 1)[0] + "/postgres", "-qc", f"DROP DATABASE IF EXISTS {name}"],  # noqa: S607
                check=False,
            )

    baseline = {s: results[("plain logged-in page (baseline)", s)][0]["rps"] for s in (1, 2)}
    print()
    print(
        f"{'page (10 connections, through nginx)':<36}{'servers':>8}{'req/s':>9}{'p50 ms':>8}{'p95 ms':>8}"
        f"{'errors':>7}{'× plain':>8}{'2 / 1':>7}   cores used: app/PG/Redis/nginx/wrk/rest"
    )
    for label, _, _ in pages:
        for servers in (1, 2):
            r, cores = results[(label, servers)]
            ratio = r["rps"] / results[(label, 1)][0]["rps"] if servers == 2 else 1.0
            used = "/".join(
                f"{cores[p]:.2f}" for p in ("app servers", "PostgreSQL", "Redis", "nginx", "wrk", "rest of the machine")
            )
            print(
                f"{label:<36}{servers:>8}{r['rps']:>9.1f}{r['p50']:>8.1f}{r['p95']:>8.1f}{r['errors']:>7}"
                f"{r['rps'] / baseline[servers]:>8.2f}{ratio:>7.2f}   {used}"
            )
    print(
        f"fault: app server 1 killed (SIGKILL) a third into {max(args.duration, 9)} s of load on the plain page "
        f"through nginx: {fault['errors']} errors seen by clients over {fault['rps'] * max(args.duration, 9):.0f} "
        f"requests ({fault['rps']:.1f} req/s, p95 {fault['p95']:.1f} ms)"
    )
    print(
        f"fault: Redis restarted a third into {max(args.duration, 9)} s of load on the plain page: "
        f"{redis_fault['errors']} errors seen by clients over {redis_fault['rps'] * max(args.duration, 9):.0f} "
        f"requests; the session made before it afterwards: HTTP {after_redis} (200: still logged in)"
    )
    print(f"backup (pg_dump + media, restored into a fresh database): {backup}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {time.monotonic() - started:.0f} s")


def _busy(port: int) -> bool:
    import socket

    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


if __name__ == "__main__":
    main()
