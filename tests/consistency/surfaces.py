"""Each figure read from every surface that shows it, and the same figure counted plainly from the rows.

The plain counts walk the records in Python with the rule written out (submitted or confirmed, not deleted,
dated in the period; an activity counts for each of its units, once for a region), so a surface that drifts
from the ledger's rule — or two surfaces that drift together — fail the harness.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter

from docx import Document as Docx
from openpyxl import load_workbook

from pufa.ledger.exports import export_workbook
from pufa.ledger.models import Activity
from pufa.ledger.selectors import ActivityFilter, activity_list
from pufa.org.models import Region, Unit
from pufa.progress.models import ProgressStatus
from pufa.reports import circulars, content
from pufa.reports.documents import render
from pufa.reports.figures import ReportData

COUNTED = ("submitted", "confirmed")


# ---------------------------------------------------------------- plain counts


def _counted_units() -> list[tuple[Activity, set[Unit]]]:
    rows = []
    for a in Activity.all_objects.select_related("unit__region").prefetch_related("participants__unit__region"):
        if a.deleted_at is None and a.status in COUNTED:
            rows.append((a, {a.unit} | {p.unit for p in a.participants.all()}))
    return rows


def plain_region_activities(region: Region, start: dt.date, end: dt.date) -> int:
    return sum(
        1
        for a, units in _counted_units()
        if start <= a.date <= end and any(u.region.path.startswith(region.path) for u in units)
    )


def plain_unit_activities(unit: Unit, start: dt.date, end: dt.date) -> int:
    return sum(1 for a, units in _counted_units() if start <= a.date <= end and unit in units)


def plain_statuses(*, region: Region | None = None, unit: Unit | None = None, start: dt.date, end: dt.date) -> Counter:
    """(task, unit) statuses of plans running at some day of start..end, for living units."""
    counts: Counter = Counter()
    for row in ProgressStatus.objects.filter(target__isnull=True).select_related("unit", "task__plan"):
        plan = row.task.plan
        if row.unit.deleted_at or row.task.deleted_at or plan.deleted_at:
            continue
        if not (plan.period_start <= end and plan.period_end >= start):
            continue
        if region is not None and not row.unit.region.path.startswith(region.path):
            continue
        if unit is not None and row.unit_id != unit.pk:
            continue
        counts[row.status] += 1
    return counts


def closed_rows_are_final(today: dt.date) -> list[ProgressStatus]:
    """Statuses of plans that have ended which still claim something other than a final outcome."""
    return [
        r
        for r in ProgressStatus.objects.select_related("task__plan")
        if r.task.plan.period_end < today and r.status not in ("done", "unfinished")
    ]


# ---------------------------------------------------------------- rendered surfaces

_STATUS = re.compile(r'pufa-status-(\w+)">[^<]*</span> (\d+)')


def page_statuses(html: str, marker: str) -> Counter:
    """Status figures of a rendered list (`<span class="pufa-status pufa-status-x">label</span> n`)."""
    part = html.split(f'data-testid="{marker}"', 1)[1].split("</ul>", 1)[0]
    return Counter({k: int(v) for k, v in _STATUS.findall(part) if int(v)})


def page_total(html: str) -> int:
    part = html.split('data-testid="totals"', 1)[1]
    found = re.search(r'<div class="value">(\d+)</div>', part)
    assert found is not None, "no total on the page"
    return int(found.group(1))


def _cell_int(value: object) -> int:
    """A figure read from an .xlsx cell (openpyxl types a cell's value as anything a cell can hold)."""
    assert isinstance(value, int | float | str), value
    return int(value)


def nonzero(counter: dict) -> Counter:
    return Counter({k: v for k, v in counter.items() if v})


def report_files(data: ReportData) -> tuple[int, int]:
    """The report's 开展普法活动 figure as written in its .xlsx and its .docx."""
    doc = content.report_document(
        title="报告",
        data=data,
        intro="",
        practices="",
        problems="",
        plans="",
        signature="",
        recipient="",
        date=None,
    )
    book = load_workbook(io.BytesIO(render(doc, "xlsx")), read_only=True)
    xlsx = next(
        _cell_int(row[1])
        for ws in book.worksheets
        for row in ws.iter_rows(values_only=True)
        if row and row[0] == "开展普法活动"
    )
    word = Docx(io.BytesIO(render(doc, "docx")))
    docx = next(
        int(r.cells[1].text)
        for t in word.tables
        for r in t.rows
        if r.cells and r.cells[0].text.strip() == "开展普法活动"
    )
    return xlsx, docx


def circular_table(data: dict) -> dict[str, tuple[int, int, int]]:
    """Per unit (任务数, 逾期, 活动场次) as written in the circular's .xlsx."""
    doc = circulars.circular_document(
        title="通报", number="", intro="", requirements="", data=data, signature="", date=dt.date(2026, 1, 1)
    )
    book = load_workbook(io.BytesIO(render(doc, "xlsx")), read_only=True)
    rows: dict[str, tuple[int, int, int]] = {}
    for ws in book.worksheets:
        header = None
        for row in ws.iter_rows(values_only=True):
            if row and row[0] == "单位":
                header = list(row)
                continue
            if header and row and row[0]:
                values = dict(zip(header, row, strict=False))
                if values.get("任务数") is not None:
                    rows[str(row[0])] = (
                        _cell_int(values["任务数"]),
                        _cell_int(values["逾期"]),
                        _cell_int(values["活动场次"]),
                    )
    return rows


def ledger_list(actor, region: Region, start: dt.date, end: dt.date) -> tuple[int, int]:
    """The counted records of a region as the ledger list and its .xlsx export show them."""
    rows = activity_list(actor=actor, filters=ActivityFilter(region=region, start=start, end=end, status="counted"))
    book = load_workbook(export_workbook(activities=rows), read_only=True)
    exported = sum(1 for r in book["工作台账"].iter_rows(min_row=2, values_only=True) if r and r[0])
    return rows.count(), exported
