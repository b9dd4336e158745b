"""Benchmark: a mixed load on the scale-out cluster with faults, and a reconciliation (issue 23, item 3).

It starts a PostgreSQL server of its own (initdb into a temporary directory, on a free loopback port: the
shared server on 5432 carries other people's tests, and this run restarts its database), `scripts/cluster.sh
up` on it (nginx, 2 gunicorn app servers × 1 worker × 4 threads, Redis of the cluster's own, 2 rq task
workers), seeds the demo district (`pufa seed-demo`) — or, with --city, copies the bench city into it
(`pg_dump -Fc` of the shared server's pufa_bench_city made by bench/citygen.py, `pg_restore -j2` into the
run's own server: the copy is what is written to and restarted, the shared database is only read) and acts as
the city's accounts (citygen's password) —, and drives a bounded Locust load through nginx (Locust as a
library, headless, loopback only, bounded by --users, --duration and --max-requests):

- liaisons record an activity with an evidence photo (the form's POST with the file), then submit it;
- offices open the dashboard (/progress/) and the ledger (/ledger/);
- residents read the portal (home, calendar, case library);
- examinees start the demo exam and save answers (the demo district only: the bench city has no exam).

Meanwhile, at fixed fractions of --duration: a city report run (`pufa report-generate-all --wait`, one task
per 2 units) starts, and the task worker running a chunk is killed (SIGKILL, it and its work horse) as soon
as the first report file appears, and started again 3 s later — rq runs the dead worker's task again
(pufa.core.taskqueue); app server 1 is killed (SIGKILL) and started again 15 s later; Redis is restarted;
PostgreSQL is restarted (`pg_ctl restart -m fast`).

It prints requests/s, p50 and p95 per endpoint (Locust's figures, as clients saw them), the errors users saw
in each fault's window (and how many of them were requests in flight when the fault struck), the CPU each
part of the machine used (app servers, PostgreSQL, Redis, nginx, task workers, Locust, the rest), and the
reconciliation:

- every write acknowledged to a client is in the database: each activity whose creation was answered with
  its page is there once, with its photo, submitted if its submission was answered 已提交; each exam answer
  acknowledged (已保存) is stored with the last acknowledged choice, unless a later unacknowledged save of
  the same question may have changed it;
- every uploaded file is readable from every app server (fetched from each one directly, compared with the
  stored bytes); no duplicate records (activities counted by their unique titles);
- a request that meets the database away is answered 503 系统正在维护 (pufa.core.middleware): counted with
  the errors users saw, and shown apart (“503 maintenance”) in each fault's line;
- each report of the report run exactly once: one whole .docx per responsible unit, no temporary files, the
  reports written before the kill left untouched (same inode and time), the killed task run again.

Exits non-zero if the reconciliation finds anything. The cluster and the PostgreSQL server are stopped and
their directories removed at the end (`--keep` keeps them).

    PYTHONPATH=src .venv/bin/python bench/cluster_load.py                  # about 6 minutes
    PYTHONPATH=src .venv/bin/python bench/cluster_load.py --duration 120 --users 8
    PYTHONPATH=src .venv/bin/python bench/cluster_load.py --city --duration 300   # the copy takes minutes

At city scale the report run (a report for each of the city's ~5,000 responsible units) is left out: it alone
would outlast the load; the demo-district run covers the killed task worker.
"""

# Locust patches the standard library for gevent when it is imported: before anything else.
from locust import HttpUser, between, task  # isort: skip
from locust.env import Environment  # isort: skip

import argparse
import contextlib
import hashlib
import io
import json
import os
import random
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gevent
import requests
from PIL import Image

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SCRIPT = ROOT / "scripts" / "cluster.sh"
DEMO_PASSWORD = "Pufa@2026demo"  # noqa: S105 - the public demo accounts' password
CITY_PASSWORD = "Bench-pass-2026!"  # noqa: S105 - bench/citygen.py's PASSWORD (its accounts are benchmark-only)
TICK = os.sysconf("SC_CLK_TCK")
LIAISONS = ["tuohe_sq", "taoyuan_sq", "tuohe_sfs", "tuohe_pcs"]
OFFICES = ["quxfb", "tuohe_fzb"]
# The demo's examinees who may still sit the exam (the others have passed it: 您已通过本次考试).
EXAMINEES = ["kaosheng06", "kaosheng05", "kaosheng03"]
EXAM_TITLE = "2026年度法治带头人、法律明白人学法考试"
PAPER_INPUT = re.compile(r'name="q(\d+)" value="([A-HTF])"')
SUBMITTED = "已提交，等待法宣办确认。"


# ---------------------------------------------------------------- what the clients did


@dataclass
class Journal:
    """Every request (time, name, error) and every write the clients sent, acknowledged or not."""

    requests: list[tuple[float, float, str, str]] = field(default_factory=list)  # start, end, name, error ("" = ok)
    activities: dict[str, dict[str, Any]] = field(default_factory=dict)  # title → user, pk, acked, photo, submit
    answers: dict[tuple[int, int], list[tuple[str, bool]]] = field(default_factory=dict)  # (attempt, q) → saves
    attempts: set[int] = field(default_factory=set)
    sessions: dict[str, str] = field(default_factory=dict)  # username → sessionid


JOURNAL = Journal()
SETUP: dict[str, Any] = {}


def photo() -> bytes:
    """A small JPEG, different every time (so the reconciliation can tell the files apart)."""
    image = Image.new("RGB", (64, 48), tuple(random.randrange(256) for _ in range(3)))
    image.putdata([tuple(random.randrange(256) for _ in range(3)) for _ in range(64 * 48)])
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


class Visitor(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    usernames: list[str] = []

    def on_start(self) -> None:
        if not self.usernames:
            return
        cls = type(self)
        cls.started = getattr(cls, "started", 0) + 1
        self.username = self.usernames[(cls.started - 1) % len(self.usernames)]
        page = self.client.get("/accounts/login/", name="login page")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        answer = self.client.post(
            "/accounts/login/",
            data={
                "username": self.username,
                "password": SETUP.get("password", DEMO_PASSWORD),
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            allow_redirects=False,
            name="login",
        )
        if answer.status_code != 302:
            raise RuntimeError(f"login as {self.username}: HTTP {answer.status_code}")
        JOURNAL.sessions[self.username] = self.client.cookies.get("sessionid", "")

    def post(self, path: str, name: str, data: dict[str, Any], **kwargs: Any) -> requests.Response:
        data = {**data, "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")}
        return self.client.post(path, data=data, name=name, headers={"Referer": f"{self.host}{path}"}, **kwargs)


class Liaison(Visitor):
    weight = 4
    usernames = list(LIAISONS)

    @task
    def record_and_submit(self) -> None:
        title = f"压测活动-{uuid.uuid4().hex[:12]}"
        picture = photo()
        entry = {"user": self.username, "pk": None, "acked": False, "photo": hashlib.sha256(picture).hexdigest()}
        JOURNAL.activities[title] = entry
        setup = SETUP["liaisons"][self.username]
        data = {
            "unit": setup["unit"],
            "title": title,
            "kind": random.choice(SETUP["kinds"]),
            "date": SETUP["today"],
            "people_onsite": random.randint(10, 200),
            "description": "负载测试登记的活动。",
        }
        with self.client.post(
            "/ledger/new/",
            data={**data, "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")},
            files={"files": (f"{title}.jpg", picture, "image/jpeg")},
            headers={"Referer": f"{self.host}/ledger/new/"},
            allow_redirects=False,
            name="ledger: record activity + photo (POST)",
            catch_response=True,
        ) as answer:
            found = re.fullmatch(r"/ledger/(\d+)/", answer.headers.get("Location", "").replace(self.host, ""))
            if answer.status_code != 302 or not found:
                answer.failure(f"HTTP {answer.status_code}")
                return
        entry.update(pk=int(found.group(1)), acked=True)
        with self.client.post(
            f"/ledger/{entry['pk']}/submit/",
            data={"csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")},
            headers={"Referer": f"{self.host}/ledger/{entry['pk']}/"},
            name="ledger: submit activity (POST)",
            catch_response=True,
        ) as answer:
            if answer.status_code != 200 or SUBMITTED not in answer.text:
                answer.failure(f"HTTP {answer.status_code}")
                entry["submit"] = False
                return
        entry["submit"] = True

    @task
    def home(self) -> None:
        self.client.get("/", name="home (liaison)")


class Office(Visitor):
    weight = 2
    usernames = list(OFFICES)

    @task
    def dashboard(self) -> None:
        self.client.get("/progress/", name="dashboard (office)")

    @task
    def ledger(self) -> None:
        self.client.get("/ledger/", name="ledger list (office)")


class Resident(Visitor):
    weight = 3

    @task(3)
    def portal(self) -> None:
        self.client.get("/public/", name="portal home (anonymous)")

    @task
    def calendar(self) -> None:
        self.client.get("/public/calendar/", name="portal calendar (anonymous)")

    @task
    def cases(self) -> None:
        self.client.get("/public/cases/", name="portal case library (anonymous)")


class Examinee(Visitor):
    fixed_count = len(EXAMINEES)  # each its own demo examinee: two clients never share a sitting
    wait_time = between(0.5, 2)
    usernames = EXAMINEES

    def on_start(self) -> None:
        super().on_start()
        self.paper: str = ""
        self.inputs: list[tuple[str, str]] = []

    @task
    def answer(self) -> None:
        if not self.paper:
            exam = SETUP["exam"]
            begun = self.post(f"/exams/{exam}/take/", "exam: start (POST)", {}, allow_redirects=False)
            found = re.search(r"/exams/attempts/(\d+)/$", begun.headers.get("Location", ""))
            if begun.status_code != 302 or not found:
                return
            self.attempt = int(found.group(1))
            page = self.client.get(f"/exams/attempts/{self.attempt}/", name="exam: paper")
            self.inputs = PAPER_INPUT.findall(page.text)
            if page.status_code != 200 or not self.inputs:
                return
            self.paper = f"/exams/attempts/{self.attempt}/"
            JOURNAL.attempts.add(self.attempt)
            return
        qid, letter = random.choice(self.inputs)
        saves = JOURNAL.answers.setdefault((self.attempt, int(qid)), [])
        saves.append((letter, False))
        with self.client.post(
            f"{self.paper}save/",
            data={"question": qid, f"q{qid}": letter, "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")},
            headers={"Referer": f"{self.host}{self.paper}"},
            name="exam: save answer (POST)",
            catch_response=True,
        ) as answer:
            if answer.status_code != 200 or "已保存" not in answer.text:
                answer.failure(f"HTTP {answer.status_code}")
                return
        saves[-1] = (letter, True)


# ---------------------------------------------------------------- the machinery


def free_ports(count: int) -> int:
    """A port p such that p … p+count-1 are free on 127.0.0.1."""
    for _ in range(100):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = int(probe.getsockname()[1])
        if base + count > 65000:
            continue
        held: list[socket.socket] = []
        try:
            for port in range(base, base + count):
                s = socket.socket()
                held.append(s)
                s.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for s in held:
                s.close()
    raise SystemExit("no run of free ports on 127.0.0.1")


def as_postgres(*command: str) -> list[str]:
    """PostgreSQL refuses to run as root: then as the postgres user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


class Postgres:
    """A PostgreSQL server of the run's own, in a temporary directory, on loopback, trust authentication."""

    def __init__(self, port: int) -> None:
        versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parts[-3]))
        if not versions:
            raise SystemExit("PostgreSQL's server binaries are missing (make system)")
        self.bin = versions[-1].parent
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="pufa-load-pg."))
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self.data = self.dir / "data"
        self.url = f"postgres://postgres@127.0.0.1:{port}/pufa_load"

    def pg_ctl(self, *args: str) -> None:
        subprocess.run(  # noqa: S603 - PostgreSQL's own tool
            as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "log"), *args),
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self) -> None:
        subprocess.run(  # noqa: S603
            as_postgres(
                str(self.bin / "initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ),
            check=True,
            capture_output=True,
            timeout=120,
        )
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.dir}"
        self.pg_ctl("-o", options, "-w", "start")

    def restart(self) -> None:
        self.pg_ctl("-m", "fast", "-w", "restart")

    def postmaster(self) -> int:
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return 0

    def stop(self, keep: bool) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.pg_ctl("-m", "fast", "-w", "stop")
        if not keep:
            shutil.rmtree(self.dir, ignore_errors=True)


def copy_city(postgres: Postgres, source: str, dump: Path) -> None:
    """The bench city into the run's own server: pg_dump -Fc of the source (unless the file is there),
    pg_restore -j2 (schema, data, then indexes and constraints on two cores), ANALYZE."""
    began = time.monotonic()
    if not dump.exists():
        subprocess.run(["pg_dump", "-Fc", "-Z1", "-f", str(dump), source], check=True, timeout=3600)  # noqa: S603,S607
        print(f"city dumped in {time.monotonic() - began:.0f} s ({dump.stat().st_size / 1e6:.0f} MB)", flush=True)
    else:
        print(f"city dump reused: {dump} ({dump.stat().st_size / 1e6:.0f} MB)", flush=True)
    restored = time.monotonic()
    admin = postgres.url.rsplit("/", 1)[0] + "/postgres"
    subprocess.run(["psql", "-q", admin, "-c", "CREATE DATABASE pufa_load"], check=True, timeout=60)  # noqa: S603,S607
    subprocess.run(  # noqa: S603
        ["pg_restore", "-j2", "--no-owner", "--no-privileges", "-d", postgres.url, str(dump)],  # noqa: S607
        check=True,
        timeout=3600,
    )
    subprocess.run(["psql", "-q", postgres.url, "-c", "ANALYZE"], check=True, timeout=1800)  # noqa: S603,S607
    print(f"city restored and analysed in {time.monotonic() - restored:.0f} s", flush=True)


class Cluster:
    def __init__(self, env: dict[str, str], directory: Path, port: int) -> None:
        self.env, self.dir, self.port = env, directory, port

    def run(self, *args: str, timeout: float = 600) -> str:
        done = subprocess.run(  # noqa: S603 - the repository's own script
            ["bash", str(SCRIPT), *args],  # noqa: S607
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise RuntimeError(f"cluster.sh {' '.join(args[:2])} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
        return done.stdout

    def shell(self, code: str, timeout: float = 600) -> Any:
        """Run Python in `pufa shell` with the cluster's settings; it prints one line `RESULT <json>`."""
        out = self.run("pufa", "shell", "-c", code, timeout=timeout)
        return json.loads(next(line for line in out.splitlines() if line.startswith("RESULT "))[7:])

    def pid(self, name: str) -> int:
        try:
            return int((self.dir / f"{name}.pid").read_text().strip())
        except (OSError, ValueError):
            return 0


def processes() -> dict[int, tuple[int, float]]:
    """pid → (parent pid, CPU seconds used), for every live process."""
    seen: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        seen[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK)
    return seen


PARTS = ("app servers", "PostgreSQL", "Redis", "nginx", "task workers", "Locust (this process)", "rest of the machine")


class CpuMeter:
    """CPU seconds by part of the cluster, sampled every second from /proc. A process that exits takes its time
    with it, so each process's last sample is kept: what a killed app server used before it died counts."""

    def __init__(self, cluster: Cluster, postgres: Postgres) -> None:
        self.cluster, self.postgres = cluster, postgres
        self.baseline = {pid: seconds for pid, (_, seconds) in processes().items()}
        self.last: dict[int, tuple[str, float]] = {}
        self.machine0 = self.machine()
        self.self0 = self.own()
        self.started = time.monotonic()

    @staticmethod
    def machine() -> float:
        with open("/proc/stat") as handle:
            total = [int(x) for x in handle.readline().split()[1:]]
        return (sum(total) - total[3] - total[4]) / TICK

    @staticmethod
    def own() -> float:
        used = resource.getrusage(resource.RUSAGE_SELF)
        return used.ru_utime + used.ru_stime

    def roots(self) -> dict[int, str]:
        roots = {self.postgres.postmaster(): "PostgreSQL", self.cluster.pid("redis"): "Redis"}
        roots[self.cluster.pid("nginx")] = "nginx"
        for path in self.cluster.dir.glob("app*.pid"):
            roots[self.cluster.pid(path.stem)] = "app servers"
        for path in self.cluster.dir.glob("worker*.pid"):
            roots[self.cluster.pid(path.stem)] = "task workers"
        roots.pop(0, None)
        return roots

    def sample(self) -> None:
        table = processes()
        roots = self.roots()
        for pid, (parent, seconds) in table.items():
            part = roots.get(pid) or roots.get(parent) or roots.get(table.get(parent, (0, 0.0))[0])
            if part:
                self.last[pid] = (part, seconds)

    def run(self) -> None:
        while True:
            self.sample()
            gevent.sleep(1)

    def cores(self) -> dict[str, float]:
        self.sample()
        wall = time.monotonic() - self.started
        used = dict.fromkeys(PARTS, 0.0)
        for pid, (part, seconds) in self.last.items():
            used[part] += seconds - self.baseline.get(pid, 0.0)
        used["Locust (this process)"] = self.own() - self.self0
        used["rest of the machine"] = max(0.0, self.machine() - self.machine0 - sum(used.values()))
        return {part: seconds / wall for part, seconds in used.items()}


@dataclass
class Fault:
    name: str
    start: float = 0.0  # the fault's command began
    struck: float = 0.0  # a kill's command had returned: a request sent before this may have been on the victim
    back: float = 0.0  # what it broke was there again (restarted, answering)
    end: float = 0.0  # the end of its window: `back` and a grace (nginx's fail_timeout, reconnecting)
    note: str = ""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))] if ordered else float("nan")


# ---------------------------------------------------------------- setup and reconciliation in `pufa shell`

SETUP_CODE = """
import datetime as dt, json
from django.utils import timezone
from pufa.core.models import ActivityKind
from pufa.exams.models import Exam
from pufa.org.models import Membership, Unit
liaisons = {}
for m in Membership.objects.filter(user__username__in=%(liaisons)r, role="liaison").select_related("user"):
    liaisons.setdefault(m.user.username, {"unit": m.unit_id})
print("RESULT " + json.dumps({
    "liaisons": liaisons,
    "kinds": list(ActivityKind.objects.order_by("pk").values_list("pk", flat=True)[:5]),
    "exam": Exam.objects.get(title=%(exam)r).pk,
    "today": timezone.localdate().isoformat(),
    "units": list(Unit.objects.filter(is_responsible_subject=True).values_list("code", flat=True)),
}))
"""

# The bench city's accounts (bench/citygen.py: u<unit id>, one per unit): liaisons of community committees in
# four districts, the office of a district and of a street.
CITY_SETUP_CODE = """
import json
from django.utils import timezone
from pufa.core.models import ActivityKind
from pufa.org.models import Membership
liaisons, districts = {}, set()
for m in Membership.objects.filter(role="liaison", unit__kind="community_committee").select_related(
    "user", "unit__region__parent").order_by("unit_id")[:3000]:
    district = m.unit.region.parent.parent_id
    if district not in districts and len(liaisons) < 4:
        districts.add(district)
        liaisons[m.user.username] = {"unit": m.unit_id}
offices = [
    Membership.objects.filter(role="office", unit__region__level=level).order_by("unit_id")
    .values_list("user__username", flat=True).first()
    for level in ("district", "street")
]
print("RESULT " + json.dumps({
    "liaisons": liaisons,
    "offices": offices,
    "kinds": list(ActivityKind.objects.order_by("pk").values_list("pk", flat=True)[:5]),
    "exam": None,
    "today": timezone.localdate().isoformat(),
}))
"""

RECONCILE_CODE = """
import hashlib, json
from django.core.files.storage import default_storage
from pufa.exams.models import Answer
from pufa.ledger.models import Activity, Evidence
sent = json.load(open(%(path)r))
activities = {}
for a in Activity.all_objects.filter(title__in=sent["titles"]).values("pk", "title", "status"):
    activities.setdefault(a["title"], []).append(a)
evidence = {}
for e in Evidence.all_objects.filter(activity__title__in=sent["titles"]).values("pk", "activity_id", "file"):
    with default_storage.open(e["file"], "rb") as handle:
        e["sha256"] = hashlib.sha256(handle.read()).hexdigest()
    evidence.setdefault(e["activity_id"], []).append(e)
answers = {
    f"{a}:{q}": c
    for a, q, c in Answer.objects.filter(attempt_id__in=sent["attempts"]).values_list(
        "attempt_id", "question_id", "chosen"
    )
}
print("RESULT " + json.dumps({"activities": activities, "evidence": evidence, "answers": answers}))
"""


def reconcile(cluster: Cluster, app_ports: list[int]) -> tuple[list[str], list[str]]:
    """(findings, facts): what is wrong, and what was checked."""
    sent = cluster.dir / "sent.json"
    sent.write_text(json.dumps({"titles": list(JOURNAL.activities), "attempts": sorted(JOURNAL.attempts)}))
    stored = cluster.shell(RECONCILE_CODE % {"path": str(sent)})
    findings: list[str] = []
    acked = [t for t, e in JOURNAL.activities.items() if e["acked"]]
    submitted = [t for t in acked if JOURNAL.activities[t].get("submit")]
    duplicates = [t for t, rows in stored["activities"].items() if len(rows) > 1]
    missing = [t for t in acked if t not in stored["activities"]]
    not_submitted = [
        t for t in submitted if t in stored["activities"] and stored["activities"][t][0]["status"] != "submitted"
    ]
    unacked_present = [t for t, e in JOURNAL.activities.items() if not e["acked"] and t in stored["activities"]]
    findings += [f"activity acknowledged but not in the database: {t}" for t in missing]
    findings += [f"activity stored {len(stored['activities'][t])} times: {t}" for t in duplicates]
    findings += [f"activity's submission acknowledged but its status is not submitted: {t}" for t in not_submitted]
    # The photo: once per activity, the bytes readable from every app server directly.
    files_checked = reads = 0
    for title in acked:
        rows = stored["activities"].get(title)
        if not rows:
            continue
        files = stored["evidence"].get(str(rows[0]["pk"]), [])
        if len(files) != 1:
            findings.append(f"activity {title}: {len(files)} evidence files (1 uploaded)")
            continue
        files_checked += 1
        cookie = {"sessionid": JOURNAL.sessions[JOURNAL.activities[title]["user"]]}
        for port in app_ports:
            got = requests.get(
                f"http://127.0.0.1:{port}/ledger/evidence/{files[0]['pk']}/file/", cookies=cookie, timeout=60
            )
            reads += 1
            if got.status_code != 200 or hashlib.sha256(got.content).hexdigest() != files[0]["sha256"]:
                findings.append(
                    f"evidence {files[0]['pk']} not readable from app server :{port} (HTTP {got.status_code})"
                )
    # Exam answers: the last acknowledged choice, unless a later unacknowledged save may have changed it.
    answers_checked = 0
    for (attempt, question), saves in JOURNAL.answers.items():
        last = max((i for i, (_, ok) in enumerate(saves) if ok), default=None)
        if last is None:
            continue
        answers_checked += 1
        allowed = {saves[last][0]} | {letter for letter, ok in saves[last + 1 :] if not ok}
        kept = stored["answers"].get(f"{attempt}:{question}")
        if kept not in allowed:
            findings.append(f"answer {attempt}/{question}: stored {kept!r}, acknowledged {saves[last][0]!r}")
    facts = [
        f"activities: {len(JOURNAL.activities)} sent, {len(acked)} acknowledged, all in the database: "
        f"{len(acked) - len(missing)}/{len(acked)}; duplicates {len(duplicates)}; submissions acknowledged "
        f"{len(submitted)}, stored as submitted {len(submitted) - len(not_submitted)}; not acknowledged but "
        f"stored (the answer was lost on its way back) {len(unacked_present)}",
        f"evidence photos: {files_checked} checked, {reads} reads from {len(app_ports)} app servers directly",
        f"exam answers: {sum(len(s) for s in JOURNAL.answers.values())} saves sent, {answers_checked} questions "
        f"with an acknowledged save checked against the database",
    ]
    return findings, facts


def check_reports(out: Path, units: list[str], before_kill: dict[str, tuple[int, int]]) -> tuple[list[str], str]:
    findings = []
    files = sorted(p.name for p in out.iterdir())
    expected = sorted(f"{code}.docx" for code in units)
    extra = [f for f in files if f not in expected]
    absent = [f for f in expected if f not in files]
    findings += [f"report run: unexpected file {f}" for f in extra] + [f"report run: no {f}" for f in absent]
    broken = []
    for name in files:
        if name in expected:
            try:
                with zipfile.ZipFile(out / name) as archive:
                    archive.read("word/document.xml")
            except (zipfile.BadZipFile, KeyError):
                broken.append(name)
    findings += [f"report run: {f} is not a whole .docx" for f in broken]
    remade = [
        name
        for name, (ino, mtime) in before_kill.items()
        if (out / name).exists() and ((out / name).stat().st_ino, (out / name).stat().st_mtime_ns) != (ino, mtime)
    ]
    findings += [f"report run: {f}, written before the kill, was made again" for f in remade]
    return findings, (
        f"reports: {len(expected)} units, {len(files)} files, {len(absent)} missing, {len(extra)} extra "
        f"(temporary or duplicate), {len(broken)} not whole; {len(before_kill)} written before the kill, "
        f"{len(remade)} of them made again"
    )


# ---------------------------------------------------------------- the run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=12, help="simulated users (default 12)")
    parser.add_argument("--duration", type=int, default=180, help="seconds of load (default 180)")
    parser.add_argument("--max-requests", type=int, default=20000, help="stop the load after this many requests")
    parser.add_argument("--app-workers", type=int, default=1, help="gunicorn workers per app server (default 1)")
    parser.add_argument("--keep", action="store_true", help="keep the cluster's and PostgreSQL's directories")
    parser.add_argument("--city", action="store_true", help="load the bench city (a copy) instead of the demo")
    parser.add_argument(
        "--city-source",
        default="postgres://postgres:postgres@127.0.0.1:5432/pufa_bench_city",
        help="the bench city to copy (only read: pg_dump)",
    )
    parser.add_argument("--city-dump", help="the pg_dump -Fc file: reused when it exists, else written there")
    args = parser.parse_args()
    if not 1 <= args.users <= 200 or not 30 <= args.duration <= 1800:
        raise SystemExit("--users 1–200 and --duration 30–1800 s")

    began = time.monotonic()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    base = free_ports(5)  # nginx, 2 app servers, Redis, PostgreSQL
    postgres = Postgres(base + 4)
    directory = Path(tempfile.mkdtemp(prefix="pufa-load-cluster."))
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "PYTHONPATH", "TMPDIR"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    # The cluster's processes do not need Locust: a directory that holds it (a --target install) stays off their
    # path, so they import exactly what a deployment would.
    paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and not (Path(p) / "locust").is_dir()]
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env.update(
        PUFA_BIN=str(Path(sys.executable).parent),
        PUFA_CLUSTER_DIR=str(directory),
        PUFA_CLUSTER_PORT=str(base),
        PUFA_CLUSTER_APPS="2",
        PUFA_CLUSTER_APP_WORKERS=str(args.app_workers),
        PUFA_CLUSTER_THREADS="4",
        PUFA_CLUSTER_TASK_WORKERS="2",
        PUFA_CLUSTER_DAILY="0",
        PUFA_DATABASE_URL=postgres.url,
        PUFA_API_RATE="100000",
    )
    # Locust's own CPU must not crowd the app servers out of a 2-core machine: this process sleeps between
    # requests (gevent) and each simulated user waits 1–3 s between tasks.
    cluster = Cluster(env, directory, base)
    host = f"http://127.0.0.1:{base}"
    app_ports = [base + 1, base + 2]
    reports_out = directory / "media" / "report-run"
    faults: list[Fault] = []
    findings: list[str] = []
    facts: list[str] = []
    report_state: dict[str, Any] = {"before_kill": {}, "process": None}
    try:
        postgres.start()
        print(f"PostgreSQL of the run's own on 127.0.0.1:{postgres.port} ({postgres.dir})", flush=True)
        if args.city:
            copy_city(postgres, args.city_source, Path(args.city_dump) if args.city_dump else directory / "city.dump")
        print(cluster.run("up").strip().splitlines()[-1], flush=True)
        seeded = time.monotonic()
        if args.city:
            SETUP.update(cluster.shell(CITY_SETUP_CODE), password=CITY_PASSWORD)
            Liaison.usernames[:] = list(SETUP["liaisons"])
            Office.usernames[:] = [name for name in SETUP["offices"] if name]
            print(
                f"city accounts: liaisons {', '.join(Liaison.usernames)}; offices {', '.join(Office.usernames)} "
                f"(setup so far {time.monotonic() - began:.0f} s)",
                flush=True,
            )
        else:
            cluster.run("pufa", "seed-demo", timeout=1800)
            print(
                f"demo district seeded in {time.monotonic() - seeded:.0f} s "
                f"(setup so far {time.monotonic() - began:.0f} s)",
                flush=True,
            )
            SETUP.update(cluster.shell(SETUP_CODE % {"liaisons": LIAISONS, "exam": EXAM_TITLE}))
        for name in Liaison.usernames:
            if name not in SETUP["liaisons"]:
                raise SystemExit(f"liaison {name} has no unit")

        kinds = [Liaison, Office, Resident] + ([] if args.city else [Examinee])
        env_locust = Environment(user_classes=kinds, host=host)
        counted = {"n": 0}

        def on_request(request_type, name, response_time, response_length, exception=None, **kw):  # type: ignore[no-untyped-def]
            end = time.monotonic()
            error = ""
            if exception is not None:
                error = type(exception).__name__
                response = kw.get("response")
                if response is not None and getattr(response, "status_code", 0):
                    error = f"HTTP {response.status_code}"
            JOURNAL.requests.append((end - response_time / 1000, end, name, error))
            counted["n"] += 1
            if counted["n"] == args.max_requests and env_locust.runner is not None:
                gevent.spawn(env_locust.runner.quit)

        env_locust.events.request.add_listener(on_request)
        meter = CpuMeter(cluster, postgres)
        sampler = gevent.spawn(meter.run)
        runner = env_locust.create_local_runner()
        t0 = time.monotonic()

        def at(fraction: float) -> None:
            gevent.sleep(max(0.0, t0 + fraction * args.duration - time.monotonic()))

        def report_run() -> None:
            at(0.05)
            fault = Fault("task worker killed mid report run")
            faults.append(fault)
            if args.city:
                fault.note = "not run at city scale (a report per responsible unit outlasts the load)"
                return
            command = [
                "bash",
                str(SCRIPT),
                "pufa",
                "report-generate-all",
                "--period",
                SETUP["today"][:4],
                "--format",
                "docx",
                "-o",
                str(reports_out),
                "--chunk",
                "2",
                "--wait",
            ]
            report_state["started"] = time.monotonic()
            report_state["process"] = subprocess.Popen(  # noqa: S603
                command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
            # Kill the worker that is running a chunk, as soon as the run has written its first report.
            deadline = time.monotonic() + 120
            victim = 0
            while time.monotonic() < deadline and report_state["process"].poll() is None:
                written = list(reports_out.glob("*.docx")) if reports_out.exists() else []
                if written:
                    table = processes()
                    for i in (1, 2):
                        pid = cluster.pid(f"worker{i}")
                        if pid and any(parent == pid for parent, _ in table.values()):
                            victim = i
                            break
                    if victim:
                        break
                gevent.sleep(0.05)
            if not victim:
                fault.note = "missed: no worker was running a chunk"
                return
            report_state["before_kill"] = {
                p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in reports_out.glob("*.docx")
            }
            fault.start = time.monotonic()
            cluster.run("stop-worker", str(victim))
            fault.struck = time.monotonic()
            gevent.sleep(3)
            cluster.run("start-worker", str(victim))
            fault.back = time.monotonic()
            gevent.sleep(2)
            if not cluster.pid(f"worker{victim}") or not Path(f"/proc/{cluster.pid(f'worker{victim}')}").exists():
                findings.append(f"task worker {victim} did not start again (log: worker{victim}.log)")
            fault.end = time.monotonic()
            fault.note = f"worker {victim} killed with {len(report_state['before_kill'])} reports written"

        def app_fault() -> None:
            at(0.25)
            fault = Fault("app server 1 killed (SIGKILL), started again 15 s later")
            faults.append(fault)
            fault.start = time.monotonic()
            cluster.run("stop-app", "1")
            fault.struck = time.monotonic()
            gevent.sleep(15)
            cluster.run("start-app", "1")
            fault.back = time.monotonic()
            fault.end = fault.back + 10  # nginx tries it again after fail_timeout
            fault.note = f"down {time.monotonic() - fault.start:.0f} s"

        def redis_fault() -> None:
            at(0.7)
            fault = Fault("Redis restarted")
            faults.append(fault)
            fault.start = time.monotonic()
            cluster.run("restart-redis")
            fault.back = time.monotonic()
            fault.end = fault.back + 5
            fault.note = f"away {fault.back - fault.start:.1f} s"

        def postgres_fault() -> None:
            at(0.85)
            fault = Fault("PostgreSQL restarted (pg_ctl restart -m fast)")
            faults.append(fault)
            fault.start = time.monotonic()
            postgres.restart()
            fault.back = time.monotonic()
            fault.end = fault.back + 5
            fault.note = f"away {fault.back - fault.start:.1f} s"

        chaos = [gevent.spawn(f) for f in (report_run, app_fault, redis_fault, postgres_fault)]
        spawn_rate = max(1, args.users // 4)
        runner.start(args.users, spawn_rate=spawn_rate)
        print(
            f"load: {args.users} users through nginx for {args.duration} s (at most {args.max_requests} requests)",
            flush=True,
        )
        gevent.spawn_later(args.duration, runner.quit)
        runner.greenlet.join()
        load_seconds = time.monotonic() - t0
        gevent.joinall(chaos, timeout=60)
        for greenlet in chaos:
            if greenlet.exception is not None:
                findings.append(f"fault injection failed: {greenlet.exception}")
        cores = meter.cores()
        sampler.kill()
        stats = env_locust.stats

        # The report run: wait for it, then check every report is there once.
        process = report_state["process"]
        report_output = ""
        if process is not None:
            try:
                report_output, _ = process.communicate(timeout=300)
            except subprocess.TimeoutExpired:
                process.kill()
                report_output, _ = process.communicate()
                findings.append("report run did not finish within 300 s after the load")
            if process.returncode != 0:
                findings.append(f"report run failed: {report_output.strip()[-500:]}")
            found, fact = check_reports(reports_out, SETUP["units"], report_state["before_kill"])
            findings += found
            said = report_output.strip().splitlines()[-1] if report_output.strip() else ""
            facts.append(f"{fact}; the command said: {said}")
        found, checked = reconcile(cluster, app_ports)
        findings += found
        facts += checked
        try:
            backup = cluster.run("backup", str(directory / "backup"), timeout=900).strip().splitlines()[-1]
        except RuntimeError as exc:
            backup = "FAILED"
            findings.append(f"backup: {exc}")
    finally:
        try:
            cluster.run("down", timeout=300)
        except Exception as exc:
            print(f"cluster down: {exc}", file=sys.stderr)
        postgres.stop(args.keep)
        if not args.keep:
            shutil.rmtree(directory, ignore_errors=True)

    # ------------------------------------------------------------ the figures
    print()
    print(f"{'endpoint (through nginx)':<44}{'requests':>9}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'errors':>7}")
    for entry in sorted(stats.entries.values(), key=lambda e: e.name):
        print(
            f"{entry.name[:43]:<44}{entry.num_requests:>9}{entry.num_requests / load_seconds:>8.2f}"
            f"{entry.get_response_time_percentile(0.5):>8.0f}{entry.get_response_time_percentile(0.95):>8.0f}"
            f"{entry.num_failures:>7}"
        )
    total = stats.total
    print(
        f"{'all':<44}{total.num_requests:>9}{total.num_requests / load_seconds:>8.2f}"
        f"{total.get_response_time_percentile(0.5):>8.0f}{total.get_response_time_percentile(0.95):>8.0f}"
        f"{total.num_failures:>7}"
    )
    print()
    print(
        "errors users saw, per fault (window: from the fault until it was over; in flight = sent before it struck,"
        " for a kill: before the kill command returned)"
    )
    inside: set[int] = set()
    for fault in faults:
        if not fault.start:
            print(f"  {fault.name}: {fault.note}")
            continue
        window = [(i, r) for i, r in enumerate(JOURNAL.requests) if r[1] >= fault.start and r[0] <= fault.end]
        inside.update(i for i, _ in window)
        errors = [r for _, r in window if r[3]]
        in_flight = [r for r in errors if r[0] < (fault.struck or fault.start)]
        after = [r for r in errors if r[0] >= fault.back]
        maintenance = sum(1 for r in errors if r[3] == "HTTP 503")
        kinds: dict[str, int] = {}
        for r in errors:
            kinds[f"{r[3]} on {r[2]}"] = kinds.get(f"{r[3]} on {r[2]}", 0) + 1
        print(
            f"  {fault.name} ({fault.note}; window {fault.end - fault.start:.0f} s): {len(errors)} errors over "
            f"{len(window)} requests: {len(in_flight)} in flight when it struck, "
            f"{len(errors) - len(in_flight) - len(after)} sent while it was away, {len(after)} sent after it was back; "
            f"{maintenance} of them 503 maintenance"
        )
        for kind, count in sorted(kinds.items(), key=lambda kv: -kv[1])[:6]:
            print(f"      {count:>4} × {kind}")
    outside = [r for i, r in enumerate(JOURNAL.requests) if i not in inside]
    print(f"  no fault: {sum(1 for r in outside if r[3])} errors over {len(outside)} requests")
    print()
    print("where the time went (cores of the machine used on average during the load):")
    print("  " + ", ".join(f"{part} {value:.2f}" for part, value in cores.items()))
    app = cores["app servers"]
    if app:
        print(f"  requests per app-server core: {total.num_requests / load_seconds / app:.1f}")
    print()
    print("reconciliation:")
    for fact in facts:
        print(f"  {fact}")
    print(f"  backup after the run: {backup}")
    for finding in findings:
        print(f"  FAIL {finding}")
    print(f"  {'OK' if not findings else f'{len(findings)} findings'}")
    print(
        f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {time.monotonic() - began:.0f} s in all"
    )
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
