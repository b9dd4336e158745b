"""The .xlsx writer: every table of a document that names a worksheet, plus the document's extra sheets.

Offices re-use report figures in their own spreadsheets, so figures are written as numbers (not text),
each table has a frozen header row, and a row with the records behind it links to them ("查看记录").
"""

from __future__ import annotations

import io
import unicodedata
from decimal import Decimal, InvalidOperation

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pufa.core.chinese import cn_date
from pufa.core.spreadsheets import safe_row
from pufa.reports.documents.model import Document, Table

FONT = "宋体"
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="F3E5E5")
INVALID_SHEET_CHARS = set("[]:*?/\\")


def _sheet_name(name: str, used: set[str]) -> str:
    clean = "".join(c for c in name if c not in INVALID_SHEET_CHARS)[:31] or "Sheet"
    candidate, n = clean, 1
    while candidate in used:
        n += 1
        candidate = f"{clean[:28]}（{n}）"
    used.add(candidate)
    return candidate


def _number(value: str) -> int | float | str:
    text = str(value).replace(",", "").strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        return value
    return int(number) if number == number.to_integral_value() else float(number)


def _width(text: str) -> float:
    return sum(2.0 if unicodedata.east_asian_width(c) in "WF" else 1.1 for c in str(text))


def _write_table(ws: Worksheet, table: Table, *, title: str, base_url: str) -> None:
    columns = list(table.columns) + (["查看记录"] if table.links else [])
    ws.append(safe_row(ws, [title]))
    ws.cell(row=1, column=1).font = Font(name=FONT, size=14, bold=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(len(columns), 1))
    ws.append(safe_row(ws, columns))
    for cell in ws[2]:
        cell.font = Font(name=FONT, bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    widths = [_width(c) for c in columns]
    # 序号 is a number offices sort and count by, whether or not the table marks it numeric.
    numeric = set(table.numeric) | {i for i, name in enumerate(table.columns) if name == "序号"}
    for r, row in enumerate(table.rows):
        values: list[object] = [
            _number(v) if i in numeric else ILLEGAL_CHARACTERS_RE.sub("", str(v)) for i, v in enumerate(row)
        ]
        link = table.links[r] if r < len(table.links) else ""
        if table.links:
            values.append("查看记录" if link else "")
        ws.append(safe_row(ws, values))
        excel_row = ws.max_row
        for i, cell in enumerate(ws[excel_row]):
            cell.font = Font(name=FONT)
            cell.border = BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if i < len(widths):
                widths[i] = max(widths[i], min(_width(cell.value if cell.value is not None else ""), 60))
        if link:
            cell = ws.cell(row=excel_row, column=len(columns))
            cell.hyperlink = f"{base_url.rstrip('/')}{link}" if link.startswith("/") else link
            cell.font = Font(name=FONT, color="0563C1", underline="single")
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(8, width + 2)
    ws.freeze_panes = "A3"


def render_xlsx(document: Document, *, base_url: str = "") -> bytes:
    """The document's sheet tables as a workbook; `base_url` makes the record links absolute."""
    wb = Workbook()
    cover = wb.active
    cover.title = "说明"
    cover.append(safe_row(cover, [document.title]))
    cover["A1"].font = Font(name=FONT, size=14, bold=True)
    facts = (("报送单位", document.signature), ("主送", document.recipient), ("日期", cn_date(document.date)))
    for label, value in facts:
        if value:
            cover.append(safe_row(cover, [label, value]))
    cover.append([])
    cover.append(["各工作表中的数字均由普法工作平台根据台账记录直接统计；“查看记录”链接到每个数字背后的记录。"])
    cover.column_dimensions["A"].width = 14
    cover.column_dimensions["B"].width = 40
    used = {"说明"}
    tables = [b for b in document.blocks if isinstance(b, Table) and b.sheet] + list(document.sheets.values())
    names = [b.sheet for b in document.blocks if isinstance(b, Table) and b.sheet] + list(document.sheets)
    for name, table in zip(names, tables, strict=True):
        ws = wb.create_sheet(_sheet_name(name, used))
        _write_table(ws, table, title=table.caption or name, base_url=base_url)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
