"""The settings a cluster gets from the environment (issue 23): read by a fresh interpreter, as a server would."""

from __future__ import annotations

import json
import os
import subprocess
import sys

PRINT = (
    "import json; from pufa import settings as s; "
    "print(json.dumps({'session': getattr(s, 'SESSION_ENGINE', ''), 'rq': getattr(s, 'RQ', {}), "
    "'cache': s.CACHES['default']['BACKEND'], 'proxies': s.PUFA_PROXY_COUNT, "
    "'health_checks': s.DATABASES['default']['CONN_HEALTH_CHECKS']}))"
)


def settings_with(**env: str) -> tuple[int, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("PUFA_")}
    base["PUFA_VAR_DIR"] = os.environ.get("PUFA_VAR_DIR", "var")
    done = subprocess.run(
        [sys.executable, "-c", PRINT], env={**base, **env}, capture_output=True, text=True, timeout=60, check=False
    )
    return done.returncode, done.stdout + done.stderr


def test_redis_holds_cache_and_sessions_and_rq_workers_use_the_tasks_job_class() -> None:
    code, out = settings_with(
        PUFA_SECRET_KEY="x" * 50,
        PUFA_REDIS_URL="redis://127.0.0.1:1/0",
        PUFA_TASKS_BACKEND="rq",
        PUFA_PROXY_COUNT="1",
        PUFA_DB_CONN_MAX_AGE="60",
    )
    assert code == 0, out
    values = json.loads(out.strip().splitlines()[-1])
    assert values == {
        "session": "django.contrib.sessions.backends.cached_db",
        # pufa's queue and worker: a task whose worker died is run again (pufa.core.taskqueue)
        "rq": {
            "JOB_CLASS": "django_tasks_rq.Job",
            "QUEUE_CLASS": "pufa.core.taskqueue.Queue",
            "WORKER_CLASS": "pufa.core.taskqueue.Worker",
        },
        "cache": "pufa.core.cache.TolerantRedisCache",
        "proxies": 1,
        "health_checks": True,  # kept connections are checked before reuse (a restarted PostgreSQL)
    }
    code, out = settings_with(PUFA_SECRET_KEY="x" * 50)
    assert code == 0, out
    assert json.loads(out.strip().splitlines()[-1])["health_checks"] is False  # nothing kept, nothing to check


def test_a_cluster_without_a_secret_key_or_with_a_bad_proxy_count_does_not_start() -> None:
    code, out = settings_with(PUFA_REDIS_URL="redis://127.0.0.1:1/0", PUFA_TASKS_BACKEND="rq")
    assert code != 0 and "PUFA_SECRET_KEY is not set" in out
    code, out = settings_with(PUFA_SECRET_KEY="x" * 50, PUFA_PROXY_COUNT="-1")
    assert code != 0 and "PUFA_PROXY_COUNT" in out
    code, out = settings_with(PUFA_SECRET_KEY="x" * 50, PUFA_TASKS_BACKEND="rq")
    assert code != 0 and "needs PUFA_REDIS_URL" in out
