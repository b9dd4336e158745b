"""The ledger as the .xlsx offices keep (工作台账): one row per activity with Chinese headers and real dates,
and a summary sheet with totals by activity form and by unit. The import reads the same layout back."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from pufa.core.chinese import cn_date
from pufa.core.spreadsheets import safe_row
from pufa.ledger import selectors
from pufa.ledger.models import Activity, ActivityUnit, Evidence

SHEET = "工作台账"
SUMMARY_SHEET = "汇总"
#: Column header → width. The importer accepts the same headers (and ignores 序号, 状态, 佐证材料, 记录编号).
COLUMNS: list[tuple[str, int]] = [
    ("序号", 6),
    ("活动日期", 14),
    ("活动名称", 36),
    ("活动形式", 14),
    ("组织单位", 22),
    ("协办单位", 26),
    ("活动地点", 20),
    ("所在区划", 12),
    ("普法领域", 20),
    ("普法对象", 18),
    ("宣传的法律法规", 22),
    ("现场受众（人次）", 10),
    ("线上受众（人次）", 10),
    ("发放资料（份）", 10),
    ("计入任务", 30),
    ("活动简介", 40),
    ("典型做法", 8),
    ("状态", 8),
    ("佐证材料（件）", 8),
    ("记录编号", 10),
]
HEADERS = [name for name, _ in COLUMNS]
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
MAX_ROWS = 50_000
LIST_SEP = "、"

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="FDECEA")


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _header(sheet: Worksheet, names: list[str]) -> None:
    cells = []
    for name in names:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cells.append(cell)
    sheet.append(cells)


def _rows(activities: QuerySet[Activity]) -> Any:
    detailed = (
        activities.select_related("unit", "kind", "place_region")
        .prefetch_related(
            "domains",
            "audiences",
            "tasks",
            Prefetch(
                "participants",
                queryset=ActivityUnit.objects.filter(is_organiser=False).select_related("unit").order_by("id"),
            ),
        )
        .order_by("date", "id")
    )
    return detailed.iterator(chunk_size=2000)


def export_workbook(*, activities: QuerySet[Activity], title: str = "") -> io.BytesIO:
    """Write the filtered ledger; the caller has already checked it is at most MAX_ROWS long."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET)
    for index, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[_letter(index)].width = width
    sheet.freeze_panes = "C2"
    _header(sheet, HEADERS)
    evidence = dict(
        Evidence.objects.filter(activity__in=activities.order_by().values("pk"))
        .values("activity_id")
        .annotate(n=Count("id"))
        .values_list("activity_id", "n")
    )
    for number, activity in enumerate(_rows(activities), start=1):
        date_cell = WriteOnlyCell(sheet, value=activity.date)
        date_cell.number_format = DATE_FORMAT
        sheet.append(
            safe_row(
                sheet,
                [
                    number,
                    date_cell,
                    activity.title,
                    activity.kind.name,
                    activity.unit.name,
                    LIST_SEP.join(p.unit.name for p in activity.participants.all()),
                    activity.place,
                    activity.place_region.name if activity.place_region else "",
                    LIST_SEP.join(d.name for d in activity.domains.all()),
                    LIST_SEP.join(a.name for a in activity.audiences.all()),
                    activity.laws,
                    activity.people_onsite,
                    activity.people_online,
                    activity.materials,
                    LIST_SEP.join(str(t) for t in activity.tasks.all()),
                    activity.description,
                    "是" if activity.is_highlight else "",
                    activity.get_status_display(),
                    evidence.get(activity.pk, 0),
                    activity.pk,
                ],
            )
        )
    _summary(workbook, activities, title)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def _summary(workbook: Workbook, activities: QuerySet[Activity], title: str) -> None:
    sheet = workbook.create_sheet(SUMMARY_SHEET)
    for letter, width in zip("ABCDEF", (28, 12, 14, 14, 14, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.append(safe_row(sheet, [title or "工作台账汇总"]))
    sheet.append([f"导出时间：{cn_date(timezone.localdate())}{timezone.localtime():%H:%M}"])
    sheet.append([])
    names = ["活动形式", "活动场次", "现场受众（人次）", "线上受众（人次）", "受众合计（人次）", "发放资料（份）"]
    _header(sheet, names)
    by_kind = selectors.totals_by_kind(activities)
    for t in by_kind:
        sheet.append(safe_row(sheet, [t.label, t.activities, t.people_onsite, t.people_online, t.people, t.materials]))
    sheet.append(
        [
            "合计",
            sum(t.activities for t in by_kind),
            sum(t.people_onsite for t in by_kind),
            sum(t.people_online for t in by_kind),
            sum(t.people for t in by_kind),
            sum(t.materials for t in by_kind),
        ]
    )
    sheet.append([])
    sheet.append(["按单位（联合开展的活动计入组织单位和每个协办单位，各单位之和可能大于合计）"])
    _header(sheet, ["单位", *names[1:]])
    for t in selectors.totals_by_unit(activities):
        sheet.append(safe_row(sheet, [t.label, t.activities, t.people_onsite, t.people_online, t.people, t.materials]))


def export_filename(today: dt.date | None = None) -> str:
    today = today or timezone.localdate()
    return f"工作台账_{today:%Y%m%d}.xlsx"
