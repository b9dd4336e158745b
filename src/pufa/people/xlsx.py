"""Reading and writing roster workbooks: the bounded reader and the formula-safe cell.

`read_rows()` is deliberately small and self-contained (python-calamine, first sheet, at most MAX_ROWS rows
and MAX_COLS columns) so it can be swapped for the project's shared bounded reader in one place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import IO, Any

from python_calamine import CalamineWorkbook

MAX_ROWS = 20_000  # data rows, header excluded
MAX_COLS = 30
FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")


class RosterFileError(ValueError):
    """The upload is not a readable roster workbook (message in Chinese)."""


def read_rows(file: IO[bytes]) -> Iterator[tuple[int, list[Any]]]:
    """(spreadsheet row number, cell values) for each row of the first sheet; raises RosterFileError when
    the file is unreadable or larger than MAX_ROWS rows. Columns past MAX_COLS are ignored."""
    try:
        workbook = CalamineWorkbook.from_filelike(file)
        if not workbook.sheet_names:
            raise RosterFileError("工作簿中没有工作表。")
        sheet = workbook.get_sheet_by_index(0)
    except RosterFileError:
        raise
    except Exception as exc:  # calamine raises its own errors for anything not a workbook
        raise RosterFileError("无法读取该文件，请上传由 Excel 或 WPS 保存的 .xlsx 名册。") from exc
    if sheet.total_height > MAX_ROWS + 1:
        raise RosterFileError(f"名册超过 {MAX_ROWS} 行，请分批导入。")
    start_row = (sheet.start or (0, 0))[0]
    for offset, row in enumerate(sheet.iter_rows()):
        if offset > MAX_ROWS:
            raise RosterFileError(f"名册超过 {MAX_ROWS} 行，请分批导入。")
        yield start_row + offset + 1, list(row[:MAX_COLS])


def text(value: Any) -> str:
    """A cell as text: whole numbers without ".0" (phones typed as numbers), dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def safe(value: Any) -> Any:
    """A value for an exported cell: text a spreadsheet would run as a formula (= + - @) gets a leading
    apostrophe, so an exported name like "=HYPERLINK(…)" stays text (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_LEAD):
        return "'" + value
    return value
