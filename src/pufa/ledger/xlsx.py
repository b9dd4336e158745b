"""A lean reader for the cell values of one .xlsx sheet (entities are not resolved: no XXE).

openpyxl (even read-only) builds a cell object with styles for every value and takes about half a
millisecond a row, which alone would spend most of the import's time budget on 10,000 rows. An import
only needs values, so this reads the sheet XML with lxml's iterparse: shared strings, inline strings,
numbers, booleans and cached formula results. Dates arrive as Excel serial numbers (their format lives in
the styles, which we do not need): the importer converts a number in a date column, using `epoch`.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from lxml import etree
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


class XlsxError(ValueError):
    """The file is not a readable .xlsx workbook."""


@dataclass
class Sheet:
    epoch: dt.datetime
    rows: Iterator[tuple[int, list[Any]]]


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _column(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def _text_of(element: Any) -> str:
    """The text of a string item: every <t> run, leaving out phonetic guides (<rPh>)."""
    parts = []
    for node in element.iter():
        if _local(node.tag) == "t":
            parent = node.getparent()
            if parent is not None and _local(parent.tag) == "rPh":
                continue
            parts.append(node.text or "")
    return "".join(parts)


def _shared_strings(archive: zipfile.ZipFile, path: str | None) -> list[str]:
    if not path or path not in archive.namelist():
        return []
    strings = []
    with archive.open(path) as stream:
        for _, element in etree.iterparse(
            stream, events=("end",), tag="{*}si", resolve_entities=False, no_network=True
        ):
            strings.append(_text_of(element))
            element.clear()
    return strings


def _workbook_parts(archive: zipfile.ZipFile, prefer: str) -> tuple[str, str | None, bool]:
    """(sheet path, shared strings path, uses the 1904 calendar) — the sheet named `prefer`, else the first."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    workbook = etree.fromstring(archive.read("xl/workbook.xml"), parser)
    rels = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"), parser)
    targets = {r.get("Id"): r.get("Target") for r in rels if _local(r.tag) == "Relationship"}
    shared = next(
        (
            t
            for r in rels
            if _local(r.tag) == "Relationship" and (t := r.get("Target", "")).endswith("sharedStrings.xml")
        ),
        None,
    )
    date1904 = any(_local(e.tag) == "workbookPr" and e.get("date1904") in {"1", "true"} for e in workbook.iter())
    sheets = [e for e in workbook.iter() if _local(e.tag) == "sheet"]
    if not sheets:
        raise XlsxError("工作簿中没有工作表")
    chosen = next((s for s in sheets if s.get("name") == prefer), sheets[0])
    target = targets[chosen.get(f"{{{_REL_NS}}}id")]

    def resolve(t: str) -> str:
        return t.lstrip("/") if t.startswith("/") else posixpath.normpath(posixpath.join("xl", t))

    return resolve(target), resolve(shared) if shared else None, date1904


def _value(cell: Any, shared: list[str]) -> Any:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find("{*}is")
        return _text_of(inline) if inline is not None else ""
    raw = cell.findtext("{*}v")
    if raw is None or raw == "":
        return None
    if kind == "s":
        return shared[int(raw)]
    if kind == "b":
        return raw == "1"
    if kind in ("str", "e", "d"):
        return raw
    try:
        number = float(raw)
    except ValueError:
        return raw
    return int(number) if number.is_integer() else number


def read_sheet(file: IO[bytes], prefer: str = "") -> Sheet:
    """Open a workbook and stream (row number, values) of one sheet; raises XlsxError if it cannot."""
    try:
        archive = zipfile.ZipFile(file)
        sheet_path, shared_path, date1904 = _workbook_parts(archive, prefer)
        shared = _shared_strings(archive, shared_path)
        stream = archive.open(sheet_path)
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, OSError) as exc:
        raise XlsxError(type(exc).__name__) from exc

    def rows() -> Iterator[tuple[int, list[Any]]]:
        number = 0
        with stream:
            for _, element in etree.iterparse(
                stream, events=("end",), tag="{*}row", resolve_entities=False, no_network=True
            ):
                number = int(element.get("r") or number + 1)
                values: list[Any] = []
                for position, cell in enumerate(element.iterchildren("{*}c")):
                    ref = cell.get("r")
                    index = _column(ref.rstrip("0123456789")) if ref else position
                    while len(values) < index:
                        values.append(None)
                    values.append(_value(cell, shared))
                element.clear()
                yield number, values

    return Sheet(epoch=CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900, rows=rows())
