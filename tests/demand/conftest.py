from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

HEADER = ["工单编号", "来电人", "联系电话", "受理时间", "诉求内容", "诉求地址", "诉求类别", "承办单位", "办结情况"]


def xlsx(rows: list[list[Any]], header: list[str] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.append(header or HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[Any]], header: list[str] | None = None, encoding: str = "utf-8-sig") -> bytes:
    lines = [",".join(header or HEADER)] + [",".join(str(v) for v in row) for row in rows]
    return ("\n".join(lines) + "\n").encode(encoding)


ROWS = [
    [
        "12345-0001",
        "王小明",
        "13912345678",
        "2026-03-05 10:30",
        "拖欠工资三个月，老板不给，电话13912345678",
        "沱河社区",
        "劳动",
        "人社局",
        "已办结",
    ],
    [
        "12345-0002",
        "李红",
        "13800001111",
        "2026/3/6 9:00",
        "丈夫家暴，想离婚，孩子抚养权怎么判",
        "桃园社区",
        "婚姻",
        "司法所",
        "办理中",
    ],
    [
        "12345-0003",
        "赵四",
        "0557-3021234",
        "2026年3月7日",
        "楼上漏水物业不管",
        "锦绣花园5栋",
        "物业",
        "住建局",
        "已办结",
    ],
]


@pytest.fixture
def rows() -> list[list[Any]]:
    return [list(r) for r in ROWS]
