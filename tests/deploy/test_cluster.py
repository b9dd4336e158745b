"""The scale-out deployment, started for real: `scripts/cluster.sh up` on loopback (issue 23).

Two gunicorn app servers behind nginx, the cluster's own Redis (cache, sessions, the rq queue), an rq task
worker and a PostgreSQL database of its own, with the production settings (a random secret key, DEBUG off,
PUFA_PROXY_COUNT=1). Checked: nginx spreads requests over both servers; a session made on one server is
valid on the other; a write through one server is seen at once through the other; the API's rate limit
counts across servers (it lives in Redis); a task enqueued is run by a worker; with one server killed, nginx
still answers every request.

The cluster runs on PostgreSQL, so this runs in the PostgreSQL pass of `make test` (skipped on SQLite). It
needs nginx and redis-server (scripts/setup-system.sh): skipped without them, a failure under `make test`.
About a minute, most of it `pufa migrate` of the cluster's fresh database.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests import system

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "cluster.sh"
DATABASE_URL = os.environ.get("PUFA_DATABASE_URL", "")
ON_POSTGRES = DATABASE_URL.startswith(("postgres://", "postgresql://"))
PASSWORD = "Cluster-Test-2026!"
API_RATE = 5

pytestmark = pytest.mark.skipif(
    not ON_POSTGRES, reason="the cluster runs on PostgreSQL: checked in the PostgreSQL pass (make test-postgres)"
)


def _free_base(count: int) -> int:
    """A port such that it and the `count` ports after it are free on 127.0.0.1."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = int(probe.getsockname()[1])
        if base + count > 65000:
            continue
        try:
            held = []
            for port in range(base, base + count + 1):
                s = socket.socket()
                held.append(s)
                s.bind(("127.0.0.1", port))
        except OSError:
            continue
        finally:
            for s in held:
                s.close()
        return base
    raise RuntimeError("no run of free ports on 127.0.0.1")


def _psql(sql: str) -> None:
    admin = DATABASE_URL.split("?")[0].rsplit("/", 1)[0] + "/postgres"
    subprocess.run(["psql", admin, "-qc", sql], check=True, capture_output=True, timeout=60)  # noqa: S607


class Cluster:
    def __init__(self, env: dict[str, str], port: int) -> None:
        self.env = env
        self.port = port
        self.proxy = f"http://127.0.0.1:{port}"
        self.apps = [f"http://127.0.0.1:{port + 1}", f"http://127.0.0.1:{port + 2}"]

    def run(self, *args: str, timeout: float = 240) -> str:
        done = subprocess.run(
            ["bash", str(SCRIPT), *args],  # noqa: S607 - bash from PATH, as make runs it
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert done.returncode == 0, f"cluster.sh {' '.join(args)}: {done.stdout}\n{done.stderr}"
        return done.stdout


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    for binary in ("nginx", "redis-server", "psql"):
        if shutil.which(binary) is None and not Path(f"/usr/sbin/{binary}").exists():
            system.missing(binary)
    bin_dir = Path(sys.executable).parent
    if not (bin_dir / "gunicorn").exists():
        pytest.fail(f"{bin_dir}/gunicorn is missing: gunicorn is one of pufa's dependencies")
    base, _, name = DATABASE_URL.split("?")[0].rpartition("/")
    # Its own database, one per xdist worker (pytest-django names the test databases test_<name>_gw0 … alike):
    # with the tests of this module split over two workers, each worker starts a cluster of its own.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    database = f"{name}_cluster_test" + (f"_{worker}" if worker else "")
    port = _free_base(3)  # nginx, two app servers, Redis
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "PYTHONPATH", "TMPDIR"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        PUFA_BIN=str(bin_dir),
        PUFA_CLUSTER_DIR=str(tmp_path_factory.mktemp("cluster")),
        PUFA_CLUSTER_PORT=str(port),
        PUFA_CLUSTER_APPS="2",
        PUFA_CLUSTER_APP_WORKERS="1",
        PUFA_CLUSTER_TASK_WORKERS="1",
        PUFA_CLUSTER_DAILY="0",
        PUFA_DATABASE_URL=f"{base}/{database}",
        PUFA_API_RATE=str(API_RATE),
    )
    _psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    made = Cluster(env, port)
    try:
        made.run("up")
        yield made
    finally:
        made.run("down", timeout=120)
        _psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


@pytest.fixture(scope="module")
def prepared(cluster: Cluster) -> dict[str, Any]:
    """An account, and a task enqueued through django-tasks (the rq backend) and waited for, in one shell."""
    code = f"""
import datetime as dt, json, time
from pufa.org.models import User
from pufa.progress.tasks import refresh_region
User.objects.create_superuser("cluster_admin", "cluster@example.invalid", {PASSWORD!r})
result = refresh_region.enqueue(region_path="0001", today=dt.date.today().isoformat())
for _ in range(300):
    result.refresh()
    if result.is_finished:
        break
    time.sleep(0.2)
print("RESULT " + json.dumps({{"status": str(result.status), "workers": list(result.worker_ids)}}))
"""
    out = cluster.run("pufa", "shell", "-c", code, timeout=180)
    return json.loads(next(line for line in out.splitlines() if line.startswith("RESULT "))[7:])


def _login(base: str) -> requests.Session:
    browser = requests.Session()
    page = browser.get(f"{base}/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, page.text[:500]
    answer = browser.post(
        f"{base}/accounts/login/",
        data={"username": "cluster_admin", "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302, answer.text[:500]
    return browser


def test_nginx_spreads_requests_over_both_servers(cluster: Cluster) -> None:
    seen = set()
    for _ in range(6):
        answer = requests.get(f"{cluster.proxy}/healthz", timeout=30)
        assert answer.status_code == 200
        seen.add(answer.headers["X-Pufa-Upstream"])
    assert seen == {app.removeprefix("http://") for app in cluster.apps}


def test_large_answers_pass_nginx_whole(cluster: Cluster) -> None:
    """A response larger than nginx's memory buffers goes through its temporary files: all of it arrives."""
    path = "/static/vendor/bootstrap-5.3.9/bootstrap.min.css"
    direct = requests.get(f"{cluster.apps[0]}{path}", headers={"Accept-Encoding": "identity"}, timeout=30)
    proxied = requests.get(f"{cluster.proxy}{path}", headers={"Accept-Encoding": "identity"}, timeout=30)
    assert direct.status_code == proxied.status_code == 200
    assert len(direct.content) > 100_000
    assert proxied.content == direct.content


def test_task_is_run_by_a_worker(prepared: dict[str, Any]) -> None:
    assert prepared["status"] == "SUCCESSFUL", prepared
    assert prepared["workers"], prepared


def test_session_and_writes_cross_servers_and_rate_limit_is_shared(cluster: Cluster, prepared: dict[str, Any]) -> None:
    one, other = cluster.apps
    browser = _login(one)
    # The session made on one server is valid on the other (Redis, written through to the database).
    page = browser.get(f"{other}/accounts/tokens/", allow_redirects=False, timeout=30)
    assert page.status_code == 200, page.headers.get("Location")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert csrf
    # A write through one server (a new API token) is on the other's page at once.
    made = browser.post(
        f"{one}/accounts/tokens/",
        data={"name": "集群测试令牌", "days": "30", "read_only": "on", "csrfmiddlewaretoken": csrf.group(1)},
        headers={"Referer": f"{one}/accounts/tokens/"},
        timeout=30,
    )
    assert made.status_code == 200
    key = re.search(r"(pufa_[A-Za-z0-9_\-]+)</code>", made.text)
    assert key, made.text[:800]
    assert "集群测试令牌" in browser.get(f"{other}/accounts/tokens/", timeout=30).text

    # The API's per-token limit counts in Redis: API_RATE requests in all, whichever server answers.
    if time.time() % 60 > 45:  # the limit counts in one-minute windows: start inside one
        time.sleep(61 - time.time() % 60)
    auth = {"Authorization": f"Bearer {key.group(1)}"}
    answers = [requests.get(f"{cluster.apps[n % 2]}/api/kinds/", headers=auth, timeout=30) for n in range(API_RATE)]
    assert [a.status_code for a in answers] == [200] * API_RATE, [a.text[:200] for a in answers]
    beyond = [requests.get(f"{app}/api/kinds/", headers=auth, timeout=30).status_code for app in cluster.apps]
    assert beyond == [429, 429]


def test_requests_still_answered_with_one_server_killed(cluster: Cluster, prepared: dict[str, Any]) -> None:
    browser = _login(cluster.proxy)
    cluster.run("stop-app", "1")
    answers = [browser.get(f"{cluster.proxy}/accounts/tokens/", allow_redirects=False, timeout=30) for _ in range(6)]
    assert [a.status_code for a in answers] == [200] * 6
    assert {a.headers["X-Pufa-Upstream"].split(", ")[-1] for a in answers} == {cluster.apps[1].removeprefix("http://")}
