"""Read an uploaded plan (.docx or .txt) into cleaned lines, or fail with a message a user can act on.

.docx: body paragraphs and tables in document order. A paragraph numbered by Word's automatic numbering
gets its number written in front of it ("1." or "（一）", computed from numbering.xml), so auto-numbered
tasks are found like typed ones. A table with two or more columns becomes one line per row with the
cells separated by tabs (merged cells: a horizontal span keeps its text in its first column, a vertical
merge repeats the text of the cell above), which the table stage reads; a one-column table is a layout
box and its paragraphs become ordinary lines.
.txt: UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030 (what Chinese Windows Notepad writes).

Bounds. A .docx is a zip of XML: 36 KB can unpack to megabytes of paragraphs that then take the parser
many seconds. Before python-docx sees a package, its zip directory is checked (number of parts, each part's
and the total unpacked size, and the XML it would parse); then the paragraph and table count; and every
source (.docx, .txt or pasted) is held to MAX_TEXT_CHARS of text and MAX_LINES lines. Each refusal is a
`PlanReadError` naming the bound.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .model import PlanReadError
from .text import clean_line, int_to_cn, split_lines

EMPTY = "文件为空，没有可导入的内容"
NOT_DOCX = "无法读取文件：不是有效的 Word 文档"
NOT_TEXT = "无法读取文件：不是有效的文本文件"
BAD_ENCODING = "无法读取文件：文本编码无法识别，请另存为 UTF-8 或 GB18030 编码的 .txt"
UNSUPPORTED = "不支持的文件类型：仅支持 .docx、.txt"

MAX_PARTS = 1_000
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # everything, images included
MAX_XML_BYTES = 8 * 1024 * 1024  # the XML python-docx parses; a long plan's is well under 2 MB
MAX_BLOCKS = 20_000  # paragraphs and table rows
MAX_TEXT_CHARS = 300_000  # a five-year plan runs to some 30,000 characters
MAX_LINES = 20_000
OLD_WORD = "不支持的文件类型：旧版 Word（.doc）文件请在 Word 中另存为 .docx 后再导入"

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_TEXT_EXTENSIONS = {".txt", ".text", ""}
# Not part of the paragraph's running text: text boxes, deletions, properties, field codes, and the
# fallback copy Word keeps of alternate content (it would duplicate the text).
_SKIP = {
    f"{_W}txbxContent",
    f"{_W}del",
    f"{_W}pPr",
    f"{_W}rPr",
    f"{_W}instrText",
    f"{_W}delText",
    "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback",
}


def read_document(source: str | os.PathLike[str] | bytes | IO[bytes], filename: str | None = None) -> list[str]:
    """Return the non-empty lines of a plan document.

    `source` is a path, the file's bytes, or a binary file object (an uploaded file); `filename` gives the
    extension when `source` has none. Raises `PlanReadError` with a Chinese message for unsupported,
    unreadable or empty files, so the upload page can show it as it is.
    """
    data, name = _load(source, filename)
    ext = Path(name).suffix.lower()
    if not data.strip(b" \t\r\n\x00"):
        raise PlanReadError(EMPTY)
    if data.startswith(_OLE_MAGIC) or ext in (".doc", ".wps"):
        raise PlanReadError(OLD_WORD if ext != ".wps" else UNSUPPORTED)
    if ext == ".docx" or (ext in _TEXT_EXTENSIONS and data.startswith(_ZIP_MAGIC)):
        lines = _read_docx(data)
    elif ext in _TEXT_EXTENSIONS:
        lines = split_lines(_decode(data))
    else:
        raise PlanReadError(UNSUPPORTED)
    if not lines:
        raise PlanReadError(EMPTY)
    if len(lines) > MAX_LINES:
        raise PlanReadError(f"文件超过 {MAX_LINES:,} 行，不像是一份规划计划；请只导入规划正文")
    if sum(len(line) for line in lines) > MAX_TEXT_CHARS:
        raise PlanReadError(f"文件文字超过 {MAX_TEXT_CHARS:,} 字，不像是一份规划计划；请只导入规划正文")
    return lines


def _load(source: str | os.PathLike[str] | bytes | IO[bytes], filename: str | None) -> tuple[bytes, str]:
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source), filename or ""
    if hasattr(source, "read"):
        data = source.read()  # type: ignore[union-attr]
        return (data if isinstance(data, bytes) else str(data).encode("utf-8")), filename or getattr(
            source, "name", ""
        ) or ""
    path = Path(source)  # type: ignore[arg-type]
    try:
        return path.read_bytes(), filename or path.name
    except OSError as error:
        raise PlanReadError(f"无法读取文件：{error.strerror or error}") from error


def _decode(data: bytes) -> str:
    """Decode a .txt: BOMs first, then strict UTF-8, then GB18030; NUL bytes mean it is not text."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise PlanReadError(BAD_ENCODING) from error
    if b"\x00" in data:
        raise PlanReadError(NOT_TEXT)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as error:
        raise PlanReadError(BAD_ENCODING) from error


def _check_package(data: bytes) -> None:
    """The zip directory of a .docx within the bounds, read before anything is unpacked."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            infos = package.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as error:
        raise PlanReadError(NOT_DOCX) from error
    if len(infos) > MAX_PARTS:
        raise PlanReadError(f"{NOT_DOCX}：文件包含超过 {MAX_PARTS:,} 个部件")
    if sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
        raise PlanReadError(f"文件解压后超过 {MAX_UNPACKED_BYTES // 1024 // 1024} MB，请删去图片等无关内容后再导入")
    xml = sum(i.file_size for i in infos if i.filename.endswith((".xml", ".rels")))
    if xml > MAX_XML_BYTES:
        raise PlanReadError(
            f"文档内容解压后超过 {MAX_XML_BYTES // 1024 // 1024} MB，不像是一份规划计划；请只导入规划正文"
        )


def _read_docx(data: bytes) -> list[str]:
    from docx import Document  # python-docx is only needed for .docx; keep `import` of the package cheap

    _check_package(data)
    try:
        document: Any = Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError) as error:
        raise PlanReadError(NOT_DOCX) from error
    except Exception as error:  # lxml parse errors and python-docx package errors have no common base
        raise PlanReadError(NOT_DOCX) from error
    body = document.element.body
    blocks = sum(1 for _ in body.iter(f"{_W}p", f"{_W}tr"))
    if blocks > MAX_BLOCKS:
        raise PlanReadError(f"文档超过 {MAX_BLOCKS:,} 个段落或表格行，不像是一份规划计划；请只导入规划正文")
    numbering = _Numbering(document)
    lines: list[str] = []
    for element in _block_children(document.element.body):
        if element.tag == f"{_W}p":
            lines.append(clean_line(_paragraph_text(element, numbering)))
        elif element.tag == f"{_W}tbl":
            lines.extend(clean_line(line) for line in _table_lines(element, numbering))
    return [line for line in lines if line]


def _block_children(parent: Any) -> Iterator[Any]:
    """Paragraphs and tables under `parent`, looking through content controls (w:sdt)."""
    for child in parent.iterchildren():
        if child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _block_children(content)
        elif child.tag in (f"{_W}p", f"{_W}tbl"):
            yield child


def _run_text(element: Any) -> Iterator[str]:
    for child in element.iterchildren():
        tag = child.tag
        if tag in _SKIP:
            continue
        if tag == f"{_W}t":
            yield child.text or ""
        elif tag in (f"{_W}tab", f"{_W}br", f"{_W}cr"):
            yield " "
        else:
            yield from _run_text(child)


def _paragraph_text(p: Any, numbering: _Numbering) -> str:
    text = "".join(_run_text(p)).replace("\t", " ")
    label = numbering.label(p)
    return label + text if label and text.strip() else text


def _cells(row: Any) -> Iterator[Any]:
    for child in row.iterchildren():
        if child.tag == f"{_W}tc":
            yield child
        elif child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _cells(content)


def _rows(table: Any) -> Iterator[Any]:
    for child in table.iterchildren():
        if child.tag == f"{_W}tr":
            yield child
        elif child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _rows(content)


def _val(element: Any, path: str) -> str | None:
    found = element.find(path)
    return None if found is None else found.get(f"{_W}val")


def _cell_paragraphs(cell: Any, numbering: _Numbering) -> list[str]:
    out: list[str] = []
    for element in _block_children(cell):
        if element.tag == f"{_W}p":
            out.append(_paragraph_text(element, numbering).strip())
        else:
            out.extend(line.replace("\t", " ") for line in _table_lines(element, numbering))
    return [text for text in out if text]


def _table_lines(table: Any, numbering: _Numbering) -> list[str]:
    grid: list[list[tuple[int, Any, bool]]] = []
    width = 0
    for row in _rows(table):
        column = int(_val(row, f"{_W}trPr/{_W}gridBefore") or 0)
        cells: list[tuple[int, Any, bool]] = []
        for cell in _cells(row):
            span = int(_val(cell, f"{_W}tcPr/{_W}gridSpan") or 1)
            merge = cell.find(f"{_W}tcPr/{_W}vMerge")
            continued = merge is not None and merge.get(f"{_W}val") in (None, "continue")
            cells.append((column, cell, continued))
            column += span
        width = max(width, column)
        grid.append(cells)
    if width <= 1:
        return [text for cells in grid for _, cell, _ in cells for text in _cell_paragraphs(cell, numbering)]
    lines: list[str] = []
    above: dict[int, str] = {}
    for cells in grid:
        values = [""] * width
        for column, cell, continued in cells:
            text = above.get(column, "") if continued else " ".join(_cell_paragraphs(cell, numbering))
            values[column] = text.replace("\t", " ")
            above[column] = values[column]
        if any(value.strip() for value in values):
            lines.append("\t".join(values))
    return lines


@dataclass
class _Level:
    start: int
    fmt: str
    text: str


class _Numbering:
    """Word automatic numbering: computes the label Word would show in front of a paragraph.

    Counters run per abstract numbering definition (as Word does for lists sharing one), restart when a
    numbering instance overrides its start, and reset deeper levels when a level advances.
    """

    def __init__(self, document: Any) -> None:
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[str] = set()
        self.style_numbering: dict[str, tuple[str, int] | None] = {}
        self.styles: dict[str, Any] = {}
        try:
            root = document.part.numbering_part.element
        except Exception:  # a document without numbering.xml, or a broken one: no auto-numbers
            root = None
        if root is not None:
            self._load(root)
        try:
            for style in document.styles.element.iterchildren(f"{_W}style"):
                self.styles[style.get(f"{_W}styleId")] = style
        except Exception:  # no styles part: paragraphs only carry direct numbering
            self.styles = {}

    def _load(self, root: Any) -> None:
        for abstract in root.iterchildren(f"{_W}abstractNum"):
            levels: dict[int, _Level] = {}
            for lvl in abstract.iterchildren(f"{_W}lvl"):
                ilvl = int(lvl.get(f"{_W}ilvl") or 0)
                levels[ilvl] = _Level(
                    start=int(_val(lvl, f"{_W}start") or 1),
                    fmt=_val(lvl, f"{_W}numFmt") or "decimal",
                    text=_val(lvl, f"{_W}lvlText") or "",
                )
            self.abstract[abstract.get(f"{_W}abstractNumId")] = levels
        for num in root.iterchildren(f"{_W}num"):
            overrides: dict[int, int] = {}
            for override in num.iterchildren(f"{_W}lvlOverride"):
                start = _val(override, f"{_W}startOverride")
                if start is not None:
                    overrides[int(override.get(f"{_W}ilvl") or 0)] = int(start)
            self.nums[num.get(f"{_W}numId")] = (_val(num, f"{_W}abstractNumId") or "", overrides)

    def _style_numpr(self, style_id: str | None) -> tuple[str, int] | None:
        seen: set[str] = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            if style_id in self.style_numbering:
                return self.style_numbering[style_id]
            style = self.styles.get(style_id)
            if style is None:
                return None
            num_id = _val(style, f"{_W}pPr/{_W}numPr/{_W}numId")
            if num_id is not None:
                found = (num_id, int(_val(style, f"{_W}pPr/{_W}numPr/{_W}ilvl") or 0))
                self.style_numbering[style_id] = found
                return found
            style_id = _val(style, f"{_W}basedOn")
        return None

    def label(self, p: Any) -> str:
        if not self.nums:
            return ""
        num_id = _val(p, f"{_W}pPr/{_W}numPr/{_W}numId")
        ilvl_text = _val(p, f"{_W}pPr/{_W}numPr/{_W}ilvl")
        if num_id is None:
            found = self._style_numpr(_val(p, f"{_W}pPr/{_W}pStyle"))
            if found is None:
                return ""
            num_id, style_ilvl = found
            ilvl = int(ilvl_text) if ilvl_text is not None else style_ilvl
        else:
            ilvl = int(ilvl_text or 0)
        if num_id == "0" or num_id not in self.nums:
            return ""
        abstract_id, overrides = self.nums[num_id]
        levels = self.abstract.get(abstract_id, {})
        level = levels.get(ilvl)
        if level is None or level.fmt in ("bullet", "none"):
            return ""
        counters = self.counters.setdefault(abstract_id, {})
        if num_id not in self.started:
            self.started.add(num_id)
            for lvl, start in overrides.items():
                counters[lvl] = start - 1
        counters[ilvl] = counters.get(ilvl, level.start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]

        def render(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            lvl = levels.get(k, level)
            return _format(counters.get(k, lvl.start), lvl.fmt)

        label = re.sub(r"%([1-9])", render, level.text)
        if label and (label[-1].isdigit() or label[-1] in "一二三四五六七八九十"):
            label += "." if label[-1].isdigit() else "、"
        return label


def _format(value: int, fmt: str) -> str:
    if fmt in (
        "chineseCounting",
        "chineseCountingThousand",
        "chineseLegalSimplified",
        "taiwaneseCounting",
        "taiwaneseCountingThousand",
        "japaneseCounting",
        "ideographDigital",
    ):
        return int_to_cn(value)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= value <= 20:
        return chr(0x2460 + value - 1)
    if fmt == "decimalEnclosedParen":
        return f"({value})"
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return str(value).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (value - 1) % 26)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman"):
        roman = _roman(value)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt == "ideographTraditional" and 1 <= value <= 10:
        return "甲乙丙丁戊己庚辛壬癸"[value - 1]
    return str(value)


def _roman(value: int) -> str:
    numerals = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for amount, letters in numerals:
        while value >= amount:
            out += letters
            value -= amount
    return out
