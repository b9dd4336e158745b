"""Spreadsheets in and out: one bounded .xlsx reader for every import, one safe writer for every export.

Reading. An .xlsx is a zip of XML, so a 2 KB upload can describe gigabytes: a cell at column ``ZZZZZ``
makes any dense reader (python-calamine included) allocate rows × 12 million cells, and 2,000 shared
strings of 1 MB each compress to 2 MB. `read_xlsx` therefore checks, before anything is read, the zip
directory (number of parts, each part's and the total uncompressed size) and then streams the shared
strings and the chosen sheet with lxml (entities off, no network, elements cleared as it goes), refusing
a cell beyond the column or row bound, a cell or shared string longer than Excel's own 32,767 characters,
or broken XML. Only then does python-calamine (Rust) read the values — from a copy of the parts it needs,
rebuilt from the bytes just checked, so a part whose real size differs from its declared one never
reaches it. Every refusal is a `SpreadsheetError` whose Chinese message names the bound.

Writing. A cell whose text starts with ``= + - @``, a tab or a carriage return is a formula to Excel
(or becomes one when edited) — the OWASP "CSV injection" family. `safe_cell` turns such user text into an
explicit string cell with Excel's quote prefix, so it is shown as typed and never evaluated; numbers,
dates and other text pass unchanged. Every export writes user text through `safe_cell`/`safe_row`/
`write_cell`.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from typing import IO, Any

import python_calamine
from lxml import etree
from openpyxl.cell.cell import Cell
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

#: Bounds every import shares (the row and column bounds are the caller's).
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_PARTS = 500
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
MAX_SHARED_STRINGS = 1_000_000

_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_REF = re.compile(r"^\$?([A-Za-z]+)\$?(\d+)$")
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


class SpreadsheetError(ValueError):
    """The upload is not a readable .xlsx within the bounds; `str(error)` is the Chinese message to show."""


@dataclass
class Sheet:
    """One worksheet's values: (Excel row number, values from column A) for each row holding a value."""

    name: str
    rows: list[tuple[int, list[Any]]]
    epoch: dt.datetime  # for Excel serial numbers written without a date format


# ---------------------------------------------------------------- reading


def read_xlsx(file: IO[bytes] | bytes, *, max_rows: int, max_cols: int, sheet: str = "") -> Sheet:
    """Read the sheet named `sheet` (else the first) of an .xlsx, within the bounds, or raise SpreadsheetError.

    `max_rows` counts the rows below a one-row header (the sheet may go down to row max_rows + 1);
    `max_cols` is the last column a value may sit in. Empty rows are left out.
    """
    data = file if isinstance(file, bytes) else file.read()
    archive = _open_zip(data)
    parts = _Parts(archive)
    workbook = _xml(parts.read("xl/workbook.xml"))
    rels = _xml(parts.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels if _local(r.tag) == "Relationship"}
    sheets = [e for e in workbook.iter() if _local(e.tag) == "sheet"]
    if not sheets:
        raise SpreadsheetError("无法读取文件：工作簿中没有工作表。")
    chosen = next((s for s in sheets if s.get("name") == sheet), sheets[0])
    name = chosen.get("name") or ""
    sheet_path = _resolve(targets.get(chosen.get(f"{{{_REL_NS}}}id"), ""))
    shared_path = next((_resolve(t) for t in targets.values() if t.endswith("sharedStrings.xml")), None)
    date1904 = any(_local(e.tag) == "workbookPr" and e.get("date1904") in {"1", "true"} for e in workbook.iter())

    if shared_path and shared_path in parts.names:
        _check_shared_strings(parts.read(shared_path))
    if sheet_path not in parts.names:
        raise SpreadsheetError("无法读取文件：找不到工作表的内容。")
    _check_sheet(parts.read(sheet_path), max_rows=max_rows, max_cols=max_cols)

    keep = ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", sheet_path]
    keep += [p for p in (shared_path, "xl/styles.xml") if p]
    rows = _values(parts.repack(keep), name)
    return Sheet(name=name, rows=rows, epoch=CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900)


def _open_zip(data: bytes) -> zipfile.ZipFile:
    """The zip directory, checked before any part is decompressed."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise SpreadsheetError("无法读取文件：不是有效的 Excel（.xlsx）文件。") from exc
    if len(infos) > MAX_PARTS:
        raise SpreadsheetError(f"无法读取文件：文件包含超过 {MAX_PARTS} 个部件，不像是普通的 Excel 表格。")
    limit = f"文件解压后超过 {MAX_UNPACKED_BYTES // 1024 // 1024} MB"
    if any(i.file_size > MAX_UNPACKED_BYTES for i in infos) or sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
        raise SpreadsheetError(f"无法读取文件：{limit}，请删去无关的工作表、图片后再导入，或分成几个文件。")
    if any(i.flag_bits & 0x1 for i in infos):
        raise SpreadsheetError("无法读取文件：文件已加密，请取消密码保护后再导入。")
    return archive


class _Parts:
    """Parts of the package, each read once through Python's zipfile (which stops at the declared size
    and checks the CRC), so what is checked is exactly what calamine later reads."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.names = set(archive.namelist())
        self.cache: dict[str, bytes] = {}

    def read(self, name: str) -> bytes:
        if name not in self.cache:
            try:
                self.cache[name] = self.archive.read(name)
            except KeyError as exc:
                raise SpreadsheetError("无法读取文件：不是有效的 Excel（.xlsx）文件（缺少工作簿）。") from exc
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
                raise SpreadsheetError("无法读取文件：压缩包已损坏。") from exc
        return self.cache[name]

    def repack(self, names: list[str]) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as copy:
            for name in dict.fromkeys(names):
                if name in self.names:
                    copy.writestr(name, self.read(name))
        return out.getvalue()


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _resolve(target: str) -> str:
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


def _xml(data: bytes) -> Any:
    try:
        return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise SpreadsheetError("无法读取文件：工作簿结构损坏。") from exc


def _stream(data: bytes, tags: tuple[str, ...]) -> Any:
    """(element) for each end of one of `tags`, freeing what was read so memory stays flat."""
    try:
        for _, element in etree.iterparse(
            io.BytesIO(data), events=("end",), tag=tags, resolve_entities=False, no_network=True
        ):
            yield element
            element.clear()
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
    except etree.XMLSyntaxError as exc:
        raise SpreadsheetError("无法读取文件：工作表内容损坏（XML 格式错误）。") from exc


def _text_length(element: Any) -> int:
    return sum(len(text) for text in element.itertext())


def _too_long() -> SpreadsheetError:
    return SpreadsheetError(f"无法读取文件：有单元格超过 {MAX_CELL_CHARS:,} 个字符（Excel 单元格的上限）。")


def _check_shared_strings(data: bytes) -> None:
    for count, item in enumerate(_stream(data, ("{*}si",)), start=1):
        if count > MAX_SHARED_STRINGS:
            raise SpreadsheetError(f"无法读取文件：共享文本超过 {MAX_SHARED_STRINGS:,} 条。")
        if _text_length(item) > MAX_CELL_CHARS:
            raise _too_long()


@functools.lru_cache(maxsize=4096)
def _column(letters: str) -> int:
    index = 0
    for ch in letters.upper():
        index = index * 26 + (ord(ch) - 64)
    return index


def _check_sheet(data: bytes, *, max_rows: int, max_cols: int) -> None:
    """Refuse a dimension, row or valued cell beyond the bounds, an invalid cell reference or an oversized value.

    The loop runs once per cell (200,000 for a full ledger), so it compares exact tags rather than using
    lxml's namespace wildcards, which cost several times more.
    """
    last_row = max_rows + 1
    too_many_rows = SpreadsheetError(f"无法读取文件：工作表超过 {max_rows:,} 行，请分成几个文件导入。")
    too_many_cols = SpreadsheetError(f"无法读取文件：工作表超过 {max_cols} 列，请只保留导入模板中的列。")
    row_number = 0
    for element in _stream(data, ("{*}dimension", "{*}row")):
        ns = element.tag[: element.tag.index("}") + 1] if element.tag.startswith("{") else ""
        if element.tag == f"{ns}dimension":
            end = (element.get("ref") or "").split(":")[-1]
            m = _REF.match(end)
            if m and int(m.group(2)) > last_row:
                raise too_many_rows
            if m and _column(m.group(1)) > max_cols:
                raise too_many_cols
            continue
        c_tag, v_tag, is_tag = f"{ns}c", f"{ns}v", f"{ns}is"
        r = element.get("r")
        row_number = int(r) if r and r.isascii() and r.isdigit() else row_number + 1
        position = 0
        for cell in element:
            if cell.tag != c_tag:
                continue
            ref = cell.get("r")
            if ref:
                letters = ref.rstrip("0123456789")
                digits = ref[len(letters) :]
                if not (letters.isascii() and letters.isalpha() and digits.isdigit() and digits.isascii()):
                    raise SpreadsheetError(f"无法读取文件：单元格位置“{ref[:20]}”无效。")
                if len(letters) > 3:  # beyond Excel's last column, XFD
                    raise too_many_cols
                position, number = _column(letters), int(digits)
            else:
                position, number = position + 1, row_number
            length = -1  # no value: formatting only, which calamine skips
            for child in cell:
                if child.tag == v_tag:
                    length = max(length, len(child.text or ""))
                elif child.tag == is_tag:
                    length = max(length, _text_length(child))
            if length < 0:
                continue
            if position > max_cols:
                raise too_many_cols
            if number > last_row:
                raise too_many_rows
            if length > MAX_CELL_CHARS:
                raise _too_long()


def _value(value: Any) -> Any:
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _values(package: bytes, name: str) -> list[tuple[int, list[Any]]]:
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(package))
        sheet = workbook.get_sheet_by_name(name)
        start, end = sheet.start, sheet.end
        rows = []
        if start is not None and end is not None:
            raw_rows = list(sheet.iter_rows())
            # calamine 0.9 yields rows from the top of the sheet but columns from the first used one.
            top = 0 if len(raw_rows) == end[0] + 1 else start[0]
            for offset, raw in enumerate(raw_rows):
                values = [None] * start[1] + [_value(v) for v in raw]
                while values and values[-1] is None:
                    values.pop()
                if values:
                    rows.append((top + offset + 1, values))
    except python_calamine.CalamineError as exc:
        raise SpreadsheetError("无法读取文件：工作表内容损坏。") from exc
    return rows


# ---------------------------------------------------------------- writing


def is_formula_like(value: object) -> bool:
    """Text Excel would take for a formula (OWASP CSV injection): it starts with = + - @, a tab or a CR."""
    return isinstance(value, str) and value.startswith(_TRIGGERS)


def safe_cell(sheet: Any, value: Any) -> Any:
    """`value` ready for `sheet.append`: formula-like text becomes an explicit, quote-prefixed string cell
    (shown as typed, never evaluated); anything else is returned unchanged, so numbers stay numbers."""
    if not is_formula_like(value):
        return value
    cell = Cell(sheet, row=1, column=1, value=value)  # append() moves it to its place
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def safe_row(sheet: Any, values: list[Any]) -> list[Any]:
    """A row for `sheet.append` with every value passed through `safe_cell`."""
    return [safe_cell(sheet, v) for v in values]


def write_cell(sheet: Any, row: int, column: int, value: Any) -> Any:
    """`sheet.cell(row, column, value)` for user text: formula-like text is stored as a quote-prefixed string."""
    cell = sheet.cell(row=row, column=column, value=value)
    if is_formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell
