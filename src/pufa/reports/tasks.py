"""Background generation of many reports (`pufa report-generate-all`), through the django-tasks API.

One task renders a chunk of units, so a worker pays Python's and LibreOffice's start-up once per chunk and
converts the chunk's PDFs in a single soffice run. Files are written to a directory the workers share with
the command (the embedded and single-machine case; a cluster would write to shared storage).
"""

from __future__ import annotations

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
def generate_reports(*, unit_ids: list[int], period: str, year: int, fmt: str, out_dir: str) -> dict[str, float]:
    """Render the reports of these units into `out_dir` as `<unit code>.<fmt>`; returns counts and seconds."""
    started = time.perf_counter()
    target = Path(out_dir)
    target.mkdir(parents=True, exist_ok=True)
    suffix = FORMATS[fmt][1]
    units = list(Unit.objects.filter(pk__in=unit_ids).select_related("region").order_by("pk"))
    documents = {unit.code: selectors.generated_document(unit=unit, period=period, year=year) for unit in units}
    if fmt == "pdf":
        for code, data in render_pdfs(documents).items():
            (target / f"{code}{suffix}").write_bytes(data)
    else:
        for code, document in documents.items():
            (target / f"{code}{suffix}").write_bytes(render(document, fmt))
    return {"written": len(documents), "seconds": round(time.perf_counter() - started, 3)}


def chunks(ids: list[int], size: int = CHUNK) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]
