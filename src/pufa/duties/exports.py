"""Responsibility lists as .xlsx and .docx in the 四清单 table layout offices file and post (内容清单 / 责任清单 /
措施清单 / 标准清单), one unit's list or a region's whole set.

These are internal (filing) documents: they name the responsible leader and person, but never carry a phone
number or an internal note, so a copy that ends up on a website leaks nothing personal beyond a name.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.http import FileResponse, Http404
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from pufa.core.chinese import cn_date
from pufa.core.spreadsheets import write_cell
from pufa.duties.models import DutyItem, DutyList, Law, PlannedActivity

#: The 四清单 header: (group, [(column, width in characters)]).
GROUPS: list[tuple[str, list[tuple[str, int]]]] = [
    ("内容清单", [("法律法规", 24), ("普法内容", 36)]),
    ("责任清单", [("责任领导", 10), ("责任科室", 12), ("责任人", 10)]),
    ("措施清单", [("普法对象", 16), ("载体与措施", 30)]),
    ("标准清单", [("工作标准", 26), ("时间节点", 14)]),
]
PLANNED_COLUMNS = [("普法内容", 32), ("普法对象", 18), ("活动方式", 12), ("实施时间", 22), ("地点", 18)]


@dataclass
class ListSheet:
    duty_list: DutyList
    laws: Sequence[Law]
    items: Sequence[DutyItem]
    planned: Sequence[PlannedActivity]


def _names(rows: Any) -> str:
    return "、".join(str(r) for r in rows)


def item_cells(item: DutyItem) -> list[str]:
    laws = "、".join(f"《{law.name}》" for law in item.laws.all())
    return [
        laws,
        item.content,
        item.responsible_leader,
        item.responsible_section,
        item.responsible_person,
        _names(item.audiences.all()),
        item.measures,
        item.standards,
        item.time_nodes,
    ]


def planned_time(planned: PlannedActivity) -> str:
    span = (
        cn_date(planned.start) if planned.start == planned.end else f"{cn_date(planned.start)}至{cn_date(planned.end)}"
    )
    return f"{span}（{planned.time_text}）" if planned.time_text else span


def planned_cells(planned: PlannedActivity) -> list[str]:
    return [planned.content, _names(planned.audiences.all()), str(planned.kind), planned_time(planned), planned.place]


# ---------------------------------------------------------------- xlsx

THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="F2DCDB")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _xlsx_cell(sheet: Any, row: int, col: int, value: Any, head: bool = False) -> None:
    cell = write_cell(sheet, row, col, value)
    cell.border = BORDER
    cell.alignment = CENTER if head else WRAP
    if head:
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL


def _four_list_sheet(sheet: Any, title: str, lead: list[tuple[str, int]], rows: list[list[Any]]) -> None:
    """Title row, a two-row 四清单 header with merged group cells, then one row per item."""
    ncols = len(lead) + sum(len(cols) for _, cols in GROUPS)
    write_cell(sheet, 1, 1, title).font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    sheet.cell(row=1, column=1).alignment = CENTER
    col = 1
    for name, width in lead:
        _xlsx_cell(sheet, 2, col, name, head=True)
        _xlsx_cell(sheet, 3, col, None, head=True)
        sheet.merge_cells(start_row=2, start_column=col, end_row=3, end_column=col)
        sheet.column_dimensions[get_column_letter(col)].width = width
        col += 1
    for group, columns in GROUPS:
        _xlsx_cell(sheet, 2, col, group, head=True)
        for offset, (name, width) in enumerate(columns):
            if offset:
                _xlsx_cell(sheet, 2, col + offset, None, head=True)
            _xlsx_cell(sheet, 3, col + offset, name, head=True)
            sheet.column_dimensions[get_column_letter(col + offset)].width = width
        sheet.merge_cells(start_row=2, start_column=col, end_row=2, end_column=col + len(columns) - 1)
        col += len(columns)
    for r, values in enumerate(rows, start=4):
        for c, value in enumerate(values, start=1):
            _xlsx_cell(sheet, r, c, value)
    sheet.freeze_panes = "A4"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4


def _simple_sheet(sheet: Any, columns: list[tuple[str, int]], rows: list[list[Any]]) -> None:
    for c, (name, width) in enumerate(columns, start=1):
        _xlsx_cell(sheet, 1, c, name, head=True)
        sheet.column_dimensions[get_column_letter(c)].width = width
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            _xlsx_cell(sheet, r, c, value)
    sheet.freeze_panes = "A2"


def xlsx(sheets: Sequence[ListSheet], *, title: str, report: Any = None) -> bytes:
    """One list: its 四清单 table, its announced activities and its laws, a sheet each. Several lists: the same
    three sheets with a 单位 column (one row per item, not one sheet per unit — a city has thousands), plus the
    submission report when given."""
    many = len(sheets) != 1 or report is not None
    workbook = Workbook()
    lead = [("序号", 6)] + ([("单位", 22), ("状态", 8)] if many else [])
    rows: list[list[Any]] = []
    planned_rows: list[list[Any]] = []
    law_rows: list[list[Any]] = []
    for sheet in sheets:
        unit_cells = [sheet.duty_list.unit.name, sheet.duty_list.get_status_display()] if many else []
        for item in sheet.items:
            rows.append([len(rows) + 1, *unit_cells, *item_cells(item)])
        for planned in sheet.planned:
            planned_rows.append([len(planned_rows) + 1, *unit_cells[:1], *planned_cells(planned)])
        for law in sheet.laws:
            law_rows.append(
                [
                    len(law_rows) + 1,
                    *unit_cells[:1],
                    law.name,
                    law.get_level_display(),
                    law.issuer,
                    cn_date(law.effective_on),
                ]
            )
    main = workbook.active
    main.title = "责任清单"
    _four_list_sheet(main, title, lead, rows)
    unit_col = [("单位", 22)] if many else []
    _simple_sheet(workbook.create_sheet("普法活动公告"), [("序号", 6), *unit_col, *PLANNED_COLUMNS], planned_rows)
    _simple_sheet(
        workbook.create_sheet("负责执行的法律法规"),
        [("序号", 6), *unit_col, ("名称", 36), ("效力层级", 12), ("制定机关", 20), ("施行日期", 16)],
        law_rows,
    )
    if report is not None:
        report_rows = [
            [
                n,
                row.unit.name,
                row.unit.region.name,
                row.state,
                cn_date(row.submitted_on),
                "是" if row.was_late or row.is_overdue else "",
            ]
            for n, row in enumerate(report.rows, start=1)
        ]
        _simple_sheet(
            workbook.create_sheet("报送情况"),
            [("序号", 6), ("单位", 24), ("区划", 12), ("状态", 16), ("报送日期", 16), ("逾期", 8)],
            report_rows,
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- docx

BODY_FONT, TITLE_FONT = "仿宋", "黑体"


def _font(run: Any, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _para(
    doc: Any, text: str, *, size: float = 12, bold: bool = False, center: bool = False, font: str = BODY_FONT
) -> Any:
    paragraph = doc.add_paragraph()
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(paragraph.add_run(text), font, size, bold)
    return paragraph


def _cell(cell: Any, text: str, *, bold: bool = False, size: float = 10.5) -> None:
    cell.text = ""
    paragraph = cell.paragraphs[0]
    if bold:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(paragraph.add_run(text or ""), TITLE_FONT if bold else BODY_FONT, size, bold)


def _landscape(doc: Any) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Mm(18))
    section.top_margin = section.bottom_margin = Mm(20)


def _docx_four_lists(doc: Any, sheet: ListSheet) -> None:
    ncols = 1 + sum(len(cols) for _, cols in GROUPS)
    table = doc.add_table(rows=2, cols=ncols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _cell(table.cell(0, 0), "序号", bold=True)
    table.cell(0, 0).merge(table.cell(1, 0))
    col = 1
    for group, columns in GROUPS:
        _cell(table.cell(0, col), group, bold=True)
        if len(columns) > 1:
            table.cell(0, col).merge(table.cell(0, col + len(columns) - 1))
        for offset, (name, _width) in enumerate(columns):
            _cell(table.cell(1, col + offset), name, bold=True)
        col += len(columns)
    for n, item in enumerate(sheet.items, start=1):
        cells = table.add_row().cells
        for c, value in enumerate([str(n), *item_cells(item)]):
            _cell(cells[c], value)
    for row in table.rows[:2]:  # repeat the two header rows on every page (python-docx has no API for it)
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(tr_pr.makeelement(qn("w:tblHeader"), {}))


def _docx_list(doc: Any, sheet: ListSheet) -> None:
    dl = sheet.duty_list
    _para(doc, dl.title, size=18, bold=True, center=True, font=TITLE_FONT)
    status = f"状态：{dl.get_status_display()}"
    if dl.filed_at:
        status += f"　备案日期：{cn_date(dl.filed_at)}"
    if dl.published_at:
        status += f"　公告日期：{cn_date(dl.published_at)}"
    _para(doc, status, size=10.5, center=True)
    if dl.summary:
        _para(doc, dl.summary)
    _para(doc, "一、普法责任清单", size=14, bold=True, font=TITLE_FONT)
    _docx_four_lists(doc, sheet)
    _para(doc, "二、拟开展的普法活动（普法公告）", size=14, bold=True, font=TITLE_FONT)
    table = doc.add_table(rows=1, cols=1 + len(PLANNED_COLUMNS))
    table.style = "Table Grid"
    for c, (name, _w) in enumerate([("序号", 6), *PLANNED_COLUMNS]):
        _cell(table.rows[0].cells[c], name, bold=True)
    for n, planned in enumerate(sheet.planned, start=1):
        cells = table.add_row().cells
        for c, value in enumerate([str(n), *planned_cells(planned)]):
            _cell(cells[c], value)
    _para(doc, "三、本单位负责执行的法律法规", size=14, bold=True, font=TITLE_FONT)
    for n, law in enumerate(sheet.laws, start=1):
        extra = f"（{law.get_level_display()}，{cn_date(law.effective_on)}施行）" if law.effective_on else ""
        _para(doc, f"{n}. 《{law.name}》{extra}")


def docx(sheets: Sequence[ListSheet], *, title: str, report: Any = None) -> bytes:
    doc = Document()
    _landscape(doc)
    if report is not None:
        _para(doc, title, size=18, bold=True, center=True, font=TITLE_FONT)
        counts = report.counts
        _para(
            doc,
            f"报送截止日期：{cn_date(report.due)}。应报送单位{counts['units']}个，已报送{counts['submitted']}个，"
            f"未报送{counts['missing']}个，逾期报送{counts['late']}个，已公告{counts['published']}个。",
        )
        missing = [row.unit.name for row in report.rows if not row.has_submitted]
        if missing:
            _para(doc, "未报送单位：" + "、".join(missing))
    for n, sheet in enumerate(sheets):
        if n or report is not None:
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _docx_list(doc, sheet)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def response(sheets: Sequence[ListSheet], *, fmt: str, filename: str, report: Any = None) -> FileResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404("不支持的导出格式")
    build = xlsx if fmt == "xlsx" else docx
    data = build(sheets, title=filename, report=report)
    return FileResponse(
        io.BytesIO(data), as_attachment=True, filename=f"{filename}.{fmt}", content_type=CONTENT_TYPES[fmt]
    )
