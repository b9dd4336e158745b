"""Background generation of many reports (`pufa report-generate-all`), through the django-tasks API.

One task renders a chunk of units, so a worker pays Python's and LibreOffice's start-up once per chunk and
converts the chunk's PDFs in a single soffice run. Files are written to a directory the workers share with
the command (the embedded and single-machine case; a cluster writes to storage every worker sees).

A task may run more than once: the rq queue runs a task again when its worker died in the middle
(pufa.core.taskqueue), or after it raised. So each report is produced once per run: it is written under a
temporary name and renamed into place (a killed worker never leaves half a report under the final name), and
a run passes its start time (`since`): a report file written since then is kept, not made again — the task
run again renders only the reports its first execution had not finished.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from django_tasks import task

from pufa.org.models import Unit
from pufa.reports import selectors
from pufa.reports.documents import FORMATS, render, render_pdfs

CHUNK = 50


def _name(unit: Unit, suffix: str) -> str:
    return f"{unit.code}{suffix}"


@task()
def generate_reports(
    *, unit_ids: list[int], period: str, year: int, fmt: str, out_dir: str, since: float | None = None
) -> dict[str, float]:
    """Render the reports of these units into `out_dir` as `<unit code>.<fmt>`; returns counts and seconds.

    With `since` (a time.time() value), a report file written at or after it is kept as it is."""
    started = time.perf_counter()
    target = Path(out_dir)
    target.mkdir(parents=True, exist_ok=True)
    suffix = FORMATS[fmt][1]
    units = list(Unit.objects.filter(pk__in=unit_ids).select_related("region").order_by("pk"))
    todo = [unit for unit in units if not _written_since(target / _name(unit, suffix), since)]
    documents = {unit.code: selectors.generated_document(unit=unit, period=period, year=year) for unit in todo}
    if fmt == "pdf":
        for code, data in render_pdfs(documents).items():
            _publish(target, f"{code}{suffix}", data)
    else:
        for code, document in documents.items():
            _publish(target, f"{code}{suffix}", render(document, fmt))
    return {
        "written": len(documents),
        "kept": len(units) - len(todo),
        "seconds": round(time.perf_counter() - started, 3),
    }


def _written_since(path: Path, since: float | None) -> bool:
    if since is None:
        return False
    try:
        return path.stat().st_mtime >= since
    except FileNotFoundError:
        return False


def _publish(target: Path, name: str, data: bytes) -> None:
    """Write under a temporary name, then rename into place (atomic): the file is whole or absent."""
    for stale in target.glob(f".{name}.*.part"):  # left by a worker killed while writing this report
        stale.unlink(missing_ok=True)
    part = target / f".{name}.{os.getpid()}-{secrets.token_hex(4)}.part"
    try:
        part.write_bytes(data)
        os.replace(part, target / name)
    finally:
        part.unlink(missing_ok=True)


def chunks(ids: list[int], size: int = CHUNK) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]
