"""pufa's rq queue (pufa.core.taskqueue): a job whose worker died is found and enqueued again (issue 23).

Against a real redis-server of the test's own (a throwaway one on a free loopback port; skipped without
redis-server, a failure under `make test`). The worker's death is what rq sees of it: the job is in the
started registry and its heartbeat has lapsed. The load run (bench/cluster_load.py) kills a real worker.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis
from rq.executions import Execution
from rq.job import JobStatus

from pufa.core import taskqueue
from tests import system


@pytest.fixture
def redis(tmp_path: Path, settings) -> Iterator[Redis]:
    if shutil.which("redis-server") is None:
        system.missing("redis-server")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--dir", str(tmp_path)],  # noqa: S607
        stdout=subprocess.DEVNULL,
    )
    connection = Redis(host="127.0.0.1", port=port)
    settings.RQ_QUEUES = {"default": {"URL": f"redis://127.0.0.1:{port}/0"}}
    try:
        for _ in range(100):
            try:
                connection.ping()
                break
            except Exception:
                time.sleep(0.05)
        yield connection
    finally:
        server.terminate()
        server.wait(10)


def test_worker_looks_for_dead_workers_jobs_often(redis: Redis) -> None:
    queue = taskqueue.Queue("default", connection=redis)
    worker = taskqueue.Worker([queue], connection=redis, worker_ttl=420)  # `pufa rqworker`'s default ttl
    assert worker.job_monitoring_interval == taskqueue.HEARTBEAT
    assert worker.maintenance_interval == taskqueue.MAINTENANCE
    assert worker.dequeue_timeout <= taskqueue.IDLE_WAKE


def test_a_job_abandoned_by_its_worker_is_enqueued_again(redis: Redis) -> None:
    queue = taskqueue.Queue("default", connection=redis)
    job = queue.enqueue("pufa.progress.tasks.refresh_region", kwargs={"region_path": "0001", "today": "2026-01-01"})
    assert job.retries_left == taskqueue.RETRIES
    # A worker takes it and dies: the job stays "started", its heartbeat not renewed.
    assert queue.pop_job_id() == job.id
    with redis.pipeline() as pipe:
        job.set_status(JobStatus.STARTED, pipeline=pipe)
        Execution.create(job, ttl=1, pipeline=pipe)
        pipe.execute()
    assert queue.count == 0
    time.sleep(1.5)
    survivor = taskqueue.Worker([queue], connection=redis)
    survivor.clean_registries()
    job.refresh()
    assert job.get_status() == JobStatus.QUEUED
    assert job.retries_left == taskqueue.RETRIES - 1
    assert queue.job_ids == [job.id]


def test_a_caller_may_give_its_own_retries(redis: Redis) -> None:
    from rq import Retry

    queue = taskqueue.Queue("default", connection=redis)
    job = queue.enqueue("pufa.progress.tasks.refresh_region", kwargs={}, retry=Retry(max=5))
    assert job.retries_left == 5
