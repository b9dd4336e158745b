"""Exporting venues as .xlsx in the layout the importer reads (COLUMNS), so an exported file edited in Excel
and imported again updates the same venues (matched by 编号) instead of adding copies. Every text cell goes
through the formula-safe writer: a venue's name or address typed as ``=…`` stays text in Excel."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from pufa.core.spreadsheets import safe_row
from pufa.venues.metrics import last_updates
from pufa.venues.models import Venue

COLUMNS = [
    "编号",
    "阵地名称",
    "阵地类型",
    "级别",
    "所在区划",
    "管理单位",
    "地址",
    "面积（平方米）",
    "状态",
    "开放日期",
    "停用日期",
    "开放时间",
    "经度",
    "纬度",
    "简介/特色",
]
#: Shown after the importable columns; the importer ignores them.
EXTRA = ["最近更新"]
WIDTHS = [8, 24, 16, 8, 14, 20, 28, 12, 8, 12, 12, 18, 12, 12, 30, 12]
MAX_ROWS = 20_000
SHEET = "法治文化阵地"


def _number(value: Any) -> Any:
    return float(value) if value is not None else ""


def _row(venue: Venue) -> list[Any]:
    last = getattr(venue, "last_update", None) if venue.kind.is_board else None
    return [
        venue.pk,
        venue.name,
        venue.kind.name,
        venue.get_level_display(),
        venue.region.name,
        venue.unit.name,
        venue.address,
        _number(venue.area_m2),
        venue.get_status_display(),
        venue.opened_on.isoformat() if venue.opened_on else "",
        venue.closed_on.isoformat() if venue.closed_on else "",
        venue.opening_hours,
        _number(venue.longitude),
        _number(venue.latitude),
        venue.description,
        last.isoformat() if isinstance(last, dt.date) else "",
    ]


def _sheet(workbook: Workbook) -> Any:
    sheet = workbook.create_sheet(SHEET)
    for index, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(65 + index)].width = width
    return sheet


BATCH = 2000


def _write(sheet: Any, batch: list[Venue]) -> None:
    """Append a batch of venues; boards read without the `last_update` annotation get theirs in one query."""
    missing = [v.pk for v in batch if v.kind.is_board and not hasattr(v, "last_update")]
    found = last_updates(missing, timezone.localdate()) if missing else {}
    for venue in batch:
        if venue.kind.is_board and not hasattr(venue, "last_update"):
            venue.last_update = found.get(venue.pk, venue.opened_on)  # type: ignore[attr-defined]
        sheet.append(safe_row(sheet, _row(venue)))


def export_workbook(*, venues: QuerySet[Venue]) -> io.BytesIO:
    """The venues (from `selectors.venue_list`: scoped, filtered) as one formula-safe sheet."""
    workbook = Workbook(write_only=True)
    sheet = _sheet(workbook)
    sheet.append(COLUMNS + EXTRA)
    batch: list[Venue] = []
    for venue in venues.iterator(chunk_size=BATCH):
        batch.append(venue)
        if len(batch) == BATCH:
            _write(sheet, batch)
            batch = []
    _write(sheet, batch)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def template_workbook() -> io.BytesIO:
    """An empty sheet with the importer's header (编号 left empty adds a venue)."""
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook has one worksheet
    sheet.title = SHEET
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, width in enumerate(WIDTHS[: len(COLUMNS)]):
        sheet.column_dimensions[chr(65 + index)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def export_filename(today: dt.date | None = None) -> str:
    return f"法治文化阵地_{(today or timezone.localdate()):%Y%m%d}.xlsx"
