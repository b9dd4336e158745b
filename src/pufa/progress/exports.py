"""The dashboard as an .xlsx workbook: everything the office sees, one sheet per block."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from pufa.core.spreadsheets import safe_row
from pufa.progress.selectors import Dashboard


def _sheet(workbook: Workbook, title: str, header: list[str], rows: list[list[object]]) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(safe_row(sheet, row))
    for index, _ in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = 18 if index > 1 else 28


def dashboard_xlsx(dashboard: Dashboard) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    d = dashboard
    _sheet(
        workbook,
        "概况",
        ["项目", "数值"],
        [["区划", d.region.name], ["年度", d.year]]
        + [[f.label, int(f.value)] for f in d.totals]
        + [[f"任务状态：{f.label}", int(f.value)] for f in d.statuses],
    )
    _sheet(
        workbook,
        "月度活动",
        ["月份", "活动场次", "受众人次"],
        [[f.label, int(f.value), int(f.extra or 0)] for f in d.by_month],
    )
    _sheet(
        workbook,
        "活动形式",
        ["活动形式", "活动场次", "受众人次"],
        [[f.label, int(f.value), int(f.extra or 0)] for f in d.by_kind],
    )
    _sheet(
        workbook,
        "普法领域",
        ["普法领域", "活动场次", "受众人次"],
        [[f.label, int(f.value), int(f.extra or 0)] for f in d.by_domain],
    )
    _sheet(
        workbook,
        "普法对象",
        ["普法对象", "活动场次", "受众人次"],
        [[f.label, int(f.value), int(f.extra or 0)] for f in d.by_audience],
    )
    _sheet(
        workbook,
        "下级区划",
        ["区划", "活动场次", "受众人次", "滞后任务", "逾期任务"],
        [[c.region.name, c.activities, c.people, c.lagging, c.overdue] for c in d.children],
    )
    _sheet(
        workbook,
        "本级单位",
        ["单位", "活动场次", "受众人次", "滞后任务", "逾期任务", "最近活动"],
        [[u.unit.name, u.activities, u.people, u.lagging, u.overdue, u.last_date] for u in d.units],
    )
    _sheet(
        workbook,
        "指标滞后单位",
        ["单位", "滞后指标", "逾期指标"],
        [[u.unit.name, u.lagging, u.overdue] for u in d.lagging_units],
    )
    _sheet(workbook, "60天无活动单位", ["单位", "所属区划"], [[u.name, u.region_name] for u in d.silent_units])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
