"""Exporting a roster as .xlsx in the layout the importer reads (COLUMNS). Phones and ID numbers are always
masked in exports: a spreadsheet travels by e-mail and chat, so the full numbers stay in pufa, where each
look at them is an audited action."""

from __future__ import annotations

import datetime as dt
import io

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from pufa.people.models import Person
from pufa.people.xlsx import safe

COLUMNS = [
    "姓名",
    "性别",
    "出生年份",
    "手机号",
    "身份证号",
    "居住社区",
    "管理单位",
    "队伍类别",
    "加入日期",
    "职业/身份",
    "备注",
]
WIDTHS = [10, 6, 10, 14, 22, 14, 20, 24, 12, 16, 30]
MAX_ROWS = 50_000


def _row(person: Person) -> list[object]:
    teams = getattr(person, "teams", [])
    starts = [m.start for m in teams]
    return [
        person.name,
        person.gender_label,
        person.birth_year or "",
        person.masked_phone,
        person.masked_id,
        person.region.name,
        person.unit.name,
        "、".join(m.kind.name for m in teams),
        min(starts).isoformat() if starts else "",
        person.occupation,
        person.notes,
    ]


def export_workbook(*, people: QuerySet[Person], title: str = "队伍名册") -> io.BytesIO:
    """The people (from `selectors.person_list`, teams prefetched) as one sheet, every text cell formula-safe."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    for index, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(65 + index)].width = width
    sheet.append(COLUMNS)
    for person in people.iterator(chunk_size=2000):
        sheet.append([safe(v) for v in _row(person)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def template_workbook() -> io.BytesIO:
    """An empty roster with one example row (which the importer reads like any other row: delete it first)."""
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook has one worksheet
    sheet.title = "队伍名册"
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(65 + index)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def export_filename(today: dt.date | None = None) -> str:
    today = today or timezone.localdate()
    return f"队伍名册_{today:%Y%m%d}.xlsx"
