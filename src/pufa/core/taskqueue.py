"""The rq task queue of a cluster (PUFA_TASKS_BACKEND=rq): a job whose worker dies is run again.

A worker killed in the middle of a task (a crash, an OOM kill, a machine lost) leaves its job "started" in
Redis. rq notices it once the job's heartbeat has lapsed — the worker renews it every
`job_monitoring_interval` seconds, rq adds a margin of 60 s — when a surviving worker next cleans its
registries, and then enqueues the job again if it has retries left, else marks it failed. django-tasks-rq
creates its jobs without retries, and rq's workers clean their registries every ten minutes and, when idle,
wait up to `worker_ttl - 15` seconds for a job before looking again; so by default a killed task was simply
lost (failed about ten minutes later, never run again). Here:

- `Queue` gives every job `RETRIES` retries (rq retries a job that raised, too). Every pufa task must
  therefore be idempotent — run twice, it leaves what running it once leaves: `progress.tasks.refresh_region`
  recomputes, `reports.tasks.generate_reports` publishes each report file once (an existing one is kept).
- `Worker` renews the heartbeat every 10 s and cleans the registries every 15 s (the cleaning takes a lock in
  Redis, so several workers do it once), and wakes from an idle wait at least every 30 s: a killed task runs
  again about 60–100 s after its worker died.

Both are named in settings.RQ, so `pufa rqworker default` uses them without options.
"""

from __future__ import annotations

from typing import Any

from django_rq.queues import DjangoRQ
from rq import Retry
from rq import Worker as RQWorker

RETRIES = 2
HEARTBEAT = 10  # seconds between a busy worker's heartbeats (rq's default: 30)
MAINTENANCE = 15  # seconds between registry cleanings (rq's default: 600)
IDLE_WAKE = 30  # an idle worker looks at the registries at least this often (rq's default: 405)


class Queue(DjangoRQ):
    """django-rq's queue, creating every job with `RETRIES` retries (unless the caller gives its own)."""

    def create_job(self, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("retry") is None:
            kwargs["retry"] = Retry(max=RETRIES)
        return super().create_job(*args, **kwargs)


class Worker(RQWorker):
    """rq's worker, finding a dead worker's job within a minute or two instead of ten."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("job_monitoring_interval", HEARTBEAT)
        kwargs.setdefault("maintenance_interval", MAINTENANCE)
        # `pufa rqworker` passes worker_ttl=420 by default; the idle wait is worker_ttl - 15.
        kwargs["worker_ttl"] = min(kwargs.get("worker_ttl") or 420, IDLE_WAKE + 15)
        super().__init__(*args, **kwargs)
