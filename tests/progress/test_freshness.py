"""Figures stay fresh across processes (issue 14): a dashboard and a ledger list served by one process, with
its own in-memory cache, show at once what another process recorded — the stamps live in the database, not in
the cache."""

from __future__ import annotations

import importlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

HELPER = Path(__file__).with_name("figures_process.py")
SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture
def shared_database(django_db_serialized_rollback, transactional_db, tmp_path) -> str:
    """A database URL another process can open with what this test wrote: the test database itself on
    PostgreSQL; on SQLite (an in-memory test database) a file copy the processes then share."""
    from django.apps import apps

    # Transactional tests empty the tables between tests: put back the taxonomies the data migrations installed.
    importlib.import_module("pufa.core.migrations.0004_default_taxonomies").forwards(apps, None)
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        auth = f"{quote(s['USER'])}:{quote(s['PASSWORD'])}@" if s["USER"] else ""
        return f"postgres://{auth}{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"
    return f"sqlite:///{tmp_path / 'shared.sqlite3'}"


def _publish(url: str) -> None:
    """On SQLite, copy what the test wrote into the shared file (PostgreSQL: it is committed already)."""
    if url.startswith("sqlite:///"):
        connection.ensure_connection()
        target = sqlite3.connect(url.removeprefix("sqlite:///"))
        connection.connection.backup(target)
        target.close()


def _env(url: str, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUFA_")}
    env.update(
        PYTHONPATH=f"{SRC}{os.pathsep}{env.get('PYTHONPATH', '')}",
        PUFA_DATABASE_URL=url,
        PUFA_VAR_DIR=str(tmp_path / "var"),
        PUFA_TASKS_BACKEND="database",
        PUFA_INSECURE_DEV_KEY="1",  # settings fail closed without a key; these processes are local tests
        DJANGO_SETTINGS_MODULE="pufa.settings",
    )
    return env


def test_a_figure_recorded_by_one_process_is_served_fresh_by_another(
    shared_database, tmp_path, world, office_user, liaison
):
    _publish(shared_database)
    env = _env(shared_database, tmp_path)
    server = subprocess.Popen(
        [sys.executable, str(HELPER), "serve", office_user.username, str(world.street_a.pk)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:

        def served() -> dict[str, int]:
            assert server.stdin and server.stdout
            server.stdin.write("get\n")
            server.stdin.flush()
            line = server.stdout.readline()
            assert line, server.stderr.read() if server.stderr else "the serving process died"
            return json.loads(line)

        first, again = served(), served()
        assert first["activities"] == again["activities"] == 0
        assert again["queries"] < first["queries"]  # the second request was served from process A's cache
        assert first["listed"] == again["listed"] == 0
        assert again["list_queries"] < first["list_queries"]  # the list's keys and options were kept too
        subprocess.run(
            [sys.executable, str(HELPER), "record", liaison.username, str(world.committee_a.pk)],
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
        fresh = served()
        assert fresh["activities"] == 1  # at once: no timeout, no bump in process A
        assert fresh["listed"] == 1  # the office's list too
        assert served()["activities"] == 1
    finally:
        if server.stdin:
            server.stdin.close()
        server.wait(timeout=60)
