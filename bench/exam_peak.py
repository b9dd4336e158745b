"""Benchmark: the last-day peak of a 学法考试 against a real multi-process server on loopback.

Nearly everybody sits a national-style exam on its last day, and platforms fail at the *start* step. This
drives gunicorn (the pinned 27.0.1, gthread workers, the production settings: DEBUG off, a real secret key,
PostgreSQL, persistent connections) with simulated examinees, bounded in count and in time:

1. setup (not timed): a fresh PostgreSQL database, migrated; one street office, 20 communities, N member
   accounts with signed-in sessions made directly in the session store (logging 2,000 people in through the
   password hasher would measure PBKDF2, not the exam); a bank of 120 questions; one published exam of 50
   questions (30 single, 10 multiple, 10 true/false) that all of them must sit;
2. bare view: W clients request `/healthz` (the whole middleware stack and one query) for T seconds without
   pause — the server's ceiling for the smallest view, in requests per second;
3. save ceiling: W clients save answers without pause for T seconds (on their own attempts) — saves/s, to
   compare with (2);
4. the peak: N examinees arrive (a fraction `--early` spread over the first third of the window, the rest in
   the last two thirds: "most of them on the last day"), each starts a paper (POST take → the attempt),
   loads it (GET, parsing the question ids and option letters from the HTML as a browser would), saves
   `--saves` answers with random think time (exponential, mean `--think` s) and submits. A probe requests
   `/healthz` every 100 ms meanwhile, so the bare view is also measured under the same load;
5. check: every save the server acknowledged (HTTP 200) is in the database with the acknowledged choice, and
   every submitted attempt is scored — lost answers and errors are counted and printed.

    PUFA_DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/pufa_exams_bench \\
        .venv/bin/python bench/exam_peak.py --examinees 2000 --window 600 --think 8

The defaults are the issue's peak: 2,000 examinees arriving within the last 10 minutes (a fifth of them in its
first third), answering 50 questions at a mean 8 s each (a paper in about 7 minutes, quicker than people read).
A shorter think time tests overload instead: at `--think 3` with `--window 300` the examinees ask for about
660 saves/s, twice the 2-core server's save ceiling, and every queue grows until they stop.

Prints throughput and p50/p95 of start, paper, save, submit and the bare view, and exits non-zero if an
answer was lost or a request failed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres:postgres@127.0.0.1:5432/pufa_exams_bench"
HOST = "127.0.0.1"
ACCESS_LOG = ROOT / "var" / "exam_peak_access.log"
CSRF = "b" * 32  # a CSRF secret (32 characters), sent as cookie and header, as the page's JavaScript does


# ---------------------------------------------------------------- setup


def _environment(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "PUFA_DATABASE_URL": args.database,
            "PUFA_SECRET_KEY": args.secret,
            "PUFA_DEBUG": "0",
            "PUFA_DB_CONN_MAX_AGE": "600",
            "PUFA_ALLOWED_HOSTS": HOST,
            "PUFA_LOG_LEVEL": "ERROR",
            "PUFA_VAR_DIR": str(ROOT / "var"),
            "DJANGO_SETTINGS_MODULE": "pufa.settings",
            "PYTHONPATH": str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", ""),
        }
    )
    return env


def _fresh_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"pufa_[a-z0-9_]*bench[a-z0-9_]*", name):
        raise SystemExit(f"refusing to recreate {name!r}: the benchmark database's name must look like pufa_*bench*")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


@dataclass
class World:
    exam_id: int
    sessions: list[str]  # one signed-in session key per examinee
    spare: list[str]  # sessions for the save-ceiling phase


def setup(args: argparse.Namespace) -> World:
    """Migrate and fill the database (in this process, before the server starts)."""
    os.environ.update(_environment(args))
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    import datetime as dt

    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone

    from pufa.exams import services
    from pufa.exams.models import Kind
    from pufa.org import services as org_services
    from pufa.org.access import SYSTEM
    from pufa.org.models import Membership, Region, Unit, User

    call_command("migrate", verbosity=0)
    district = org_services.region_create(actor=SYSTEM, name="基准区", level=Region.Level.DISTRICT, parent=None)
    street = org_services.region_create(actor=SYSTEM, name="考试街道", level=Region.Level.STREET, parent=district)
    office = org_services.unit_create(
        actor=SYSTEM,
        data=org_services.UnitData(name="考试街道法治办", kind=Unit.Kind.OFFICE, region=street, code="bench-office"),
    )
    units = []
    for i in range(20):
        community = org_services.region_create(
            actor=SYSTEM, name=f"第{i + 1}社区", level=Region.Level.COMMUNITY, parent=street
        )
        data = org_services.UnitData(
            name=f"第{i + 1}社区居委会", kind=Unit.Kind.COMMUNITY_COMMITTEE, region=community, code=f"bench-c{i}"
        )
        units.append(org_services.unit_create(actor=SYSTEM, data=data))
    password = make_password("Bench-pass-2026!")
    total = args.examinees + args.workers
    users = User.objects.bulk_create(
        [User(username=f"ks{i:05d}", full_name=f"考生{i:05d}", password=password) for i in range(total)]
    )
    Membership.objects.bulk_create(
        [Membership(user=u, unit=units[i % len(units)], role=Membership.Role.MEMBER) for i, u in enumerate(users)]
    )
    bank = services.bank_create(actor=SYSTEM, unit=office, name="基准题库")
    for i in range(120):
        kind = Kind.SINGLE if i < 70 else Kind.MULTIPLE if i < 95 else Kind.JUDGE
        services.question_create(
            actor=SYSTEM,
            bank=bank,
            data=services.QuestionData(
                kind=kind,
                stem=f"第{i + 1}题：根据有关法律规定，下列说法正确的是（ ）",
                options=[] if kind == Kind.JUDGE else [f"选项{j}：某项法律规定的表述" for j in "甲乙丙丁"],
                answer={"single": "B", "multiple": "AC", "judge": "正确"}[kind],
                law="宪法" if i % 4 == 0 else "民法典",
            ),
        )
    now = timezone.now()
    exam = services.exam_create(
        actor=SYSTEM,
        data=services.ExamData(
            unit=office,
            title="基准考试",
            bank=bank,
            starts_at=now - dt.timedelta(days=6),
            ends_at=now + dt.timedelta(hours=3),
            rules={
                "single": {"count": 30, "points": 2},
                "multiple": {"count": 10, "points": 2},
                "judge": {"count": 10, "points": 2},
                "quotas": [{"field": "law", "value": "宪法", "count": 5}],
            },
            time_limit=120,
            pass_mark=60,
            max_attempts=3,
            required_units=units,
            required_roles=[Membership.Role.MEMBER],
        ),
    )
    services.exam_publish(actor=SYSTEM, exam=exam)
    keys = []
    for user in users:
        store = SessionStore()
        store["_auth_user_id"] = str(user.pk)
        store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        store["_auth_user_hash"] = user.get_session_auth_hash()
        store.create()
        keys.append(store.session_key)
    from django.db import connections

    connections.close_all()
    return World(exam.pk, keys[: args.examinees], keys[args.examinees :])


# ---------------------------------------------------------------- the server


def start_server(args: argparse.Namespace) -> subprocess.Popen[bytes]:
    ACCESS_LOG.parent.mkdir(parents=True, exist_ok=True)
    ACCESS_LOG.write_text("")
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "pufa.wsgi:application",
        "--bind",
        f"{HOST}:{args.port}",
        "--workers",
        str(args.server_workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(args.server_threads),
        "--backlog",
        "4096",
        "--keep-alive",
        "30",
        "--log-level",
        "warning",
        "--access-logfile",
        str(ACCESS_LOG),
        "--access-logformat",
        "%(m)s %(U)s %(s)s %(D)s",
    ]
    server = subprocess.Popen(command, env=_environment(args), cwd=ROOT, start_new_session=True)  # noqa: S603
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, args.port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


# ---------------------------------------------------------------- clients


@dataclass
class Stats:
    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    acknowledged: dict[tuple[int, int], str] = field(default_factory=dict)
    attempts: set[int] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str, ms: float) -> None:
        with self.lock:
            self.timings[name].append(ms)

    def error(self, name: str) -> None:
        with self.lock:
            self.errors[name] += 1


class Client:
    """One browser: a keep-alive connection, the session and CSRF cookies, the CSRF header on POSTs."""

    def __init__(self, port: int, session: str) -> None:
        self.port = port
        self.cookie = f"sessionid={session}; csrftoken={CSRF}"
        self.conn = http.client.HTTPConnection(HOST, port, timeout=60)

    def request(self, method: str, path: str, body: dict[str, str] | None = None) -> tuple[int, str, str]:
        headers = {"Cookie": self.cookie, "Host": HOST}
        data = None
        if method == "POST":
            data = urlencode(body or {}, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = CSRF
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                return response.status, response.getheader("Location", ""), text
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # the server closed an idle keep-alive connection: a browser reconnects and resends
                self.conn.close()
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def timed(self, stats: Stats, name: str, method: str, path: str, body: dict[str, str] | None = None):
        started = time.perf_counter()
        try:
            result = self.request(method, path, body)
        except (OSError, http.client.HTTPException):
            # A timeout leaves http.client mid-request: a browser opens a new connection for the next one.
            self.conn.close()
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
            stats.error(name)
            return None
        stats.add(name, (time.perf_counter() - started) * 1000)
        return result

    def close(self) -> None:
        self.conn.close()


PAPER_INPUT = re.compile(r'name="q(\d+)" value="([A-HTF])"')


def sit(client: Client, stats: Stats, exam_id: int, saves: int, think: float, rng: random.Random) -> None:
    result = client.timed(stats, "start", "POST", f"/exams/{exam_id}/take/")
    if result is None or result[0] != 302 or "/exams/attempts/" not in result[1]:
        stats.error("start")
        return
    attempt_path = urlparse(result[1]).path
    attempt_id = int(attempt_path.rstrip("/").split("/")[-1])
    with stats.lock:
        stats.attempts.add(attempt_id)
    page = client.timed(stats, "paper", "GET", attempt_path)
    if page is None or page[0] != 200:
        stats.error("paper")
        return
    options: dict[int, list[str]] = defaultdict(list)
    for qid, letter in PAPER_INPUT.findall(page[2]):
        options[int(qid)].append(letter)
    questions = list(options)
    for n in range(saves):
        time.sleep(rng.expovariate(1 / think) if think > 0 else 0)
        qid = questions[n % len(questions)]
        letter = rng.choice(options[qid])
        saved = client.timed(stats, "save", "POST", f"{attempt_path}save/", {"question": str(qid), f"q{qid}": letter})
        if saved is None or saved[0] != 200:
            stats.error("save")
            continue
        with stats.lock:
            stats.acknowledged[(attempt_id, qid)] = letter
    time.sleep(rng.expovariate(1 / think) if think > 0 else 0)
    done = client.timed(stats, "submit", "POST", f"{attempt_path}submit/")
    if done is None or done[0] != 302:
        stats.error("submit")


def hammer(port: int, sessions: list[str], seconds: float, work) -> tuple[int, list[float], int]:
    """`len(sessions)` clients doing `work(client)` without pause for `seconds`: (count, timings, errors)."""
    timings: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def loop(session: str) -> None:
        nonlocal errors
        client = Client(port, session)
        state: dict[str, object] = {}
        while time.perf_counter() < stop:
            started = time.perf_counter()
            try:
                ok = work(client, state)
            except (OSError, http.client.HTTPException):
                client.conn.close()
                client.conn = http.client.HTTPConnection(HOST, port, timeout=60)
                ok = False
            with lock:
                if ok:
                    timings.append((time.perf_counter() - started) * 1000)
                else:
                    errors += 1
        client.close()

    threads = [threading.Thread(target=loop, args=(s,)) for s in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(timings), timings, errors


def bare(client: Client, state: dict[str, object]) -> bool:
    return client.request("GET", "/healthz")[0] == 200


def save_loop(exam_id: int):
    def work(client: Client, state: dict[str, object]) -> bool:
        if "path" not in state:
            status, location, _ = client.request("POST", f"/exams/{exam_id}/take/")
            if status != 302:
                return False
            state["path"] = urlparse(location).path
            _, _, html = client.request("GET", str(state["path"]))
            state["inputs"] = PAPER_INPUT.findall(html)
            return True
        qid, letter = random.choice(state["inputs"])  # type: ignore[arg-type]
        status, _, _ = client.request("POST", f"{state['path']}save/", {"question": qid, f"q{qid}": letter})
        return status == 200

    return work


# ---------------------------------------------------------------- the run


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))] if ordered else float("nan")


def server_times(offset: int) -> dict[str, list[float]]:
    """Time spent inside the server per step (gunicorn's request time), from the access log after `offset`:
    the client's own timings also hold its queueing and, with hundreds of client threads in one Python
    process, its own scheduling — the server's show what the application costs."""
    steps: dict[str, list[float]] = defaultdict(list)
    with ACCESS_LOG.open(encoding="utf-8") as log:
        log.seek(offset)
        for line in log:
            parts = line.split()
            if len(parts) != 4:
                continue
            method, path, _status, micros = parts
            if path == "/healthz":
                name = "bare"
            elif path.endswith("/take/"):
                name = "start"
            elif path.endswith("/save/"):
                name = "save"
            elif path.endswith("/submit/"):
                name = "submit"
            elif "/exams/attempts/" in path and method == "GET":
                name = "paper"
            else:
                continue
            steps[name].append(int(micros) / 1000)
    return steps


def verify(stats: Stats) -> tuple[int, int, int]:
    """(acknowledged saves, lost ones, unscored submitted attempts) — read from the database."""
    from django.db import connections

    from pufa.exams.models import Answer, Attempt

    connections.close_all()
    stored = {
        (a, q): c
        for a, q, c in Answer.objects.filter(attempt_id__in=stats.attempts).values_list(
            "attempt_id", "question_id", "chosen"
        )
    }
    lost = sum(1 for key, letter in stats.acknowledged.items() if stored.get(key) != letter)
    unscored = Attempt.objects.filter(
        pk__in=stats.attempts, status=Attempt.Status.SUBMITTED, score__isnull=True
    ).count()
    return len(stats.acknowledged), lost, unscored


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database", default=os.environ.get("PUFA_DATABASE_URL") or DEFAULT_DB)
    parser.add_argument("--examinees", type=int, default=2000)
    parser.add_argument("--saves", type=int, default=50)
    parser.add_argument("--window", type=float, default=600, help="seconds over which examinees arrive")
    parser.add_argument("--early", type=float, default=0.2, help="share arriving in the first third of the window")
    parser.add_argument("--think", type=float, default=8.0, help="mean seconds between two answers")
    parser.add_argument("--concurrency", type=int, default=1200, help="examinees sitting at once, at most")
    parser.add_argument("--workers", type=int, default=32, help="clients in the ceiling phases")
    parser.add_argument("--ceiling-seconds", type=float, default=15)
    parser.add_argument("--server-workers", type=int, default=3)
    parser.add_argument("--server-threads", type=int, default=8)
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    args.secret = secrets.token_urlsafe(50)

    began = time.time()
    load_before = os.getloadavg()
    _fresh_database(args.database)
    world = setup(args)
    print(f"setup: {args.examinees:,} examinees, exam {world.exam_id} ({time.time() - began:.0f} s)", flush=True)
    server = start_server(args)
    try:
        bare_offset = ACCESS_LOG.stat().st_size
        count, bare_t, bare_err = hammer(args.port, world.spare, args.ceiling_seconds, bare)
        bare_rps = count / args.ceiling_seconds
        print(
            f"bare view ceiling: {bare_rps:.0f}/s p50 {pct(bare_t, 0.5):.1f} ms p95 {pct(bare_t, 0.95):.1f} ms",
            flush=True,
        )
        time.sleep(0.5)
        bare_inside = server_times(bare_offset).get("bare", [])
        save_offset = ACCESS_LOG.stat().st_size
        count, save_t, save_err = hammer(args.port, world.spare, args.ceiling_seconds, save_loop(world.exam_id))
        save_rps = count / args.ceiling_seconds
        time.sleep(0.5)
        save_inside = server_times(save_offset).get("save", [])
        print(
            f"save ceiling: {save_rps:.0f}/s p50 {pct(save_t, 0.5):.1f} ms p95 {pct(save_t, 0.95):.1f} ms", flush=True
        )
        print(
            f"  in the server: bare p50 {pct(bare_inside, 0.5):.1f} ms p95 {pct(bare_inside, 0.95):.1f} ms; "
            f"save p50 {pct(save_inside, 0.5):.1f} ms p95 {pct(save_inside, 0.95):.1f} ms",
            flush=True,
        )

        stats = Stats()
        rng = random.Random(20261206)
        third = args.window / 3
        arrivals = sorted(
            rng.uniform(0, third) if rng.random() < args.early else rng.uniform(third, args.window)
            for _ in range(args.examinees)
        )
        probing = threading.Event()

        def probe() -> None:
            client = Client(args.port, world.spare[0])
            while not probing.is_set():
                client.timed(stats, "bare", "GET", "/healthz")
                time.sleep(0.1)
            client.close()

        prober = threading.Thread(target=probe)
        log_offset = ACCESS_LOG.stat().st_size
        prober.start()
        peak_began = time.perf_counter()
        delays: list[float] = []

        def one(index: int, due: float) -> None:
            delays.append(max(0.0, time.perf_counter() - peak_began - due))
            client = Client(args.port, world.sessions[index])
            try:
                sit(client, stats, world.exam_id, args.saves, args.think, random.Random(index))
            finally:
                client.close()

        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            for index, due in enumerate(arrivals):
                wait = due - (time.perf_counter() - peak_began)
                if wait > 0:
                    time.sleep(wait)
                pool.submit(one, index, due)
        probing.set()
        prober.join()
        peak_seconds = time.perf_counter() - peak_began
    finally:
        stop_server(server)

    load_after = os.getloadavg()
    time.sleep(1)
    inside = server_times(log_offset)
    acknowledged, lost, unscored = verify(stats)
    errors = dict(stats.errors)
    rows = {}
    for name in ("start", "paper", "save", "submit", "bare"):
        values = stats.timings.get(name, [])
        server = inside.get(name, [])
        rows[name] = {
            "count": len(values),
            "p50_ms": round(pct(values, 0.5), 1),
            "p95_ms": round(pct(values, 0.95), 1),
            "server_p50_ms": round(pct(server, 0.5), 1),
            "server_p95_ms": round(pct(server, 0.95), 1),
        }
    saves = len(stats.timings.get("save", []))
    report = {
        "examinees": args.examinees,
        "saves_each": args.saves,
        "window_s": args.window,
        "think_s": args.think,
        "peak_seconds": round(peak_seconds, 1),
        "requests_per_s": round(sum(len(v) for k, v in stats.timings.items() if k != "bare") / peak_seconds, 1),
        "saves_per_s": round(saves / peak_seconds, 1),
        "steps": rows,
        "ceiling": {
            "bare_per_s": round(bare_rps, 1),
            "save_per_s": round(save_rps, 1),
            "save_share_of_bare": round(save_rps / bare_rps, 2) if bare_rps else None,
            "server_bare_p50_ms": round(pct(bare_inside, 0.5), 1),
            "server_bare_p95_ms": round(pct(bare_inside, 0.95), 1),
            "server_save_p50_ms": round(pct(save_inside, 0.5), 1),
            "server_save_p95_ms": round(pct(save_inside, 0.95), 1),
            "errors": bare_err + save_err,
        },
        "arrival_delay_p95_s": round(pct(delays, 0.95), 2),
        "acknowledged_saves": acknowledged,
        "lost_answers": lost,
        "unscored_attempts": unscored,
        "errors": errors,
        "server": f"gunicorn 27.0.1, {args.server_workers} workers × {args.server_threads} threads (gthread)",
        "load_average": {"before": [round(x, 2) for x in load_before], "after": [round(x, 2) for x in load_after]},
        "cpus": os.cpu_count(),
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(
            f"\npeak: {args.examinees:,} examinees × {args.saves} answers in {peak_seconds:.0f} s "
            f"({report['requests_per_s']}/s requests, {report['saves_per_s']}/s saves)"
        )
        for name, row in rows.items():
            print(
                f"  {name:<7} {row['count']:>7,}  p50 {row['p50_ms']:>7} ms  p95 {row['p95_ms']:>7} ms"
                f"   (in the server: p50 {row['server_p50_ms']} ms, p95 {row['server_p95_ms']} ms)"
            )
        share = report["ceiling"]["save_share_of_bare"]
        print(f"  ceilings: bare {bare_rps:.0f}/s, save {save_rps:.0f}/s ({share} of bare)")
        print(f"  acknowledged saves {acknowledged:,}, lost {lost}, unscored attempts {unscored}, errors {errors or 0}")
        inside_share = (
            round(pct(inside.get("bare", []), 0.5) / pct(inside.get("save", []), 0.5), 2)
            if inside.get("save")
            else None
        )
        print(
            f"  in-server p50 bare/save {inside_share}; load average 1/5/15 min: before "
            f"{' '.join(f'{x:.2f}' for x in load_before)}, after {' '.join(f'{x:.2f}' for x in load_after)} "
            f"on {os.cpu_count()} CPUs"
        )
    return 1 if lost or unscored or errors or bare_err or save_err else 0


if __name__ == "__main__":
    sys.exit(main())
