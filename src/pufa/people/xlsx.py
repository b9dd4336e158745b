"""Reading and writing roster workbooks: the bounded reader and the formula-safe cell.

`read_rows()` reads the first sheet through the project's one bounded reader (`core.spreadsheets.read_xlsx`),
at most MAX_ROWS rows and MAX_COLS columns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import IO, Any

from pufa.core.spreadsheets import SpreadsheetError, read_xlsx

MAX_ROWS = 20_000  # data rows, header excluded
MAX_COLS = 30
FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")


class RosterFileError(ValueError):
    """The upload is not a readable roster workbook (message in Chinese)."""


def read_rows(file: IO[bytes]) -> Iterator[tuple[int, list[Any]]]:
    """(spreadsheet row number, cell values) for each non-empty row of the first sheet, read through the
    project's bounded reader (`pufa.core.spreadsheets.read_xlsx`: zip, size, column and XML bounds checked
    before anything is read); raises RosterFileError, with the bound in Chinese, when the file is unreadable
    or past MAX_ROWS rows or MAX_COLS columns. A dense reader alone allocates rows × columns, so a 2 KB
    sheet with a cell at column ZZZZZ took seconds and gigabytes (issue 13, item 1)."""
    try:
        sheet = read_xlsx(file, max_rows=MAX_ROWS, max_cols=MAX_COLS)
    except SpreadsheetError as exc:
        raise RosterFileError(str(exc)) from exc
    yield from sheet.rows


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
