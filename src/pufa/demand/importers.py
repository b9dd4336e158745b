"""Reading 12345/12348 exports (.xlsx or .csv) into work orders: bounded, mapped by column, checked whole.

1. `read_table` reads the header and rows, within bounds: .xlsx through `pufa.core.spreadsheets.read_xlsx`,
   .csv by the same bounds here (bytes, rows, columns, characters per cell; UTF-8, else GB18030 as the
   hotline systems export).
2. `guess_mapping` maps the usual column names (工单编号, 来电时间/受理时间, 诉求内容, 诉求地址/所属区域,
   诉求类别, 承办单位, 办结情况) to the order's fields; the import page shows it for the user to correct.
3. `parse_rows` checks every row and returns the orders' values or the rows' errors in Chinese; the service
   saves nothing unless every row is right (all-or-nothing).

Personal data: columns such as 来电人/姓名/联系电话 are never mapped, so they are not read at all, and phone
and ID numbers written inside the text or address are masked (`mask_personal`) before anything is kept.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone

from pufa.core.spreadsheets import SpreadsheetError, read_xlsx

#: Bounds of one import (settings may lower or raise them).
MAX_ROWS = int(getattr(settings, "PUFA_DEMAND_MAX_ROWS", 100_000))
MAX_BYTES = int(getattr(settings, "PUFA_DEMAND_MAX_BYTES", 40 * 1024 * 1024))
MAX_COLS = 40
#: Orders one push through the data interface may carry (a larger batch is refused whole).
PUSH_MAX = 500
MAX_CELL = 5000

#: The order's fields, their labels, whether required, and the usual column names exports use.
FIELDS: dict[str, tuple[str, bool, tuple[str, ...]]] = {
    "number": ("工单编号", True, ("工单编号", "工单号", "编号", "受理编号", "工单流水号")),
    "received_at": ("受理时间", True, ("受理时间", "来电时间", "登记时间", "创建时间", "派单时间", "时间")),
    "text": ("诉求内容", True, ("诉求内容", "来电内容", "问题描述", "工单内容", "诉求描述", "内容")),
    "address": ("诉求地址", False, ("诉求地址", "所属区域", "事发地址", "地址", "发生地点", "所在区域")),
    "category": ("诉求类别", False, ("诉求类别", "问题分类", "工单类别", "业务类别", "类别", "诉求类型")),
    "handler": ("承办单位", False, ("承办单位", "办理单位", "责任单位", "处理单位")),
    "status": ("办结情况", False, ("办结情况", "办理状态", "工单状态", "办理结果", "状态")),
}
#: Columns that hold the caller's personal data: never mapped, hence never read.
PERSONAL = ("来电人", "姓名", "联系人", "联系电话", "电话", "手机", "身份证", "来电号码", "主叫号码")

_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})[-－ ]?\d{7,8}(?!\d)")
_ID = re.compile(r"(?<![0-9Xx])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9Xx])")


def mask_personal(text: str) -> str:
    """Phone and ID numbers in free text, masked (138****5678): the text stays readable, the person does not."""
    text = _ID.sub(r"\1********\2", text)
    text = _PHONE.sub(r"\1****\2", text)
    return _LANDLINE.sub(r"\1-********", text)


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list[Any]]]
    epoch: dt.datetime | None = None


def read_table(data: bytes, name: str) -> Table:
    """The header and rows of an .xlsx or .csv export, or SpreadsheetError with a Chinese message."""
    if len(data) > MAX_BYTES:
        raise SpreadsheetError(f"文件超过 {MAX_BYTES // 1024 // 1024} MB，请分成几个文件导入。")
    lower = name.lower()
    if lower.endswith(".xlsx"):
        sheet = read_xlsx(data, max_rows=MAX_ROWS, max_cols=MAX_COLS)
        if not sheet.rows:
            raise SpreadsheetError("文件中没有数据。")
        (_, header), *rows = sheet.rows
        return Table([str(v or "").strip() for v in header], rows, sheet.epoch)
    if lower.endswith(".csv"):
        return _read_csv(data)
    raise SpreadsheetError("请上传 .xlsx 或 .csv 文件。")


def _read_csv(data: bytes) -> Table:
    if b"\x00" in data:
        raise SpreadsheetError("无法读取文件：文件中含有空字符，不是文本格式的 CSV。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise SpreadsheetError("无法识别文件编码，请另存为 UTF-8 编码的 CSV。")
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[Any]]] = []
    header: list[str] = []
    try:
        for values in reader:
            if len(values) > MAX_COLS:
                raise SpreadsheetError(f"第{reader.line_num}行超过 {MAX_COLS} 列。")
            if any(len(v) > MAX_CELL for v in values):
                raise SpreadsheetError(f"第{reader.line_num}行有单元格超过 {MAX_CELL} 个字。")
            if not any(v.strip() for v in values):
                continue
            if not header:
                header = [v.strip() for v in values]
                continue
            if len(rows) >= MAX_ROWS:
                raise SpreadsheetError(f"文件超过 {MAX_ROWS} 行，请分成几个文件导入。")
            rows.append((reader.line_num, values))
    except csv.Error as exc:
        raise SpreadsheetError(f"无法读取 CSV 文件：第{reader.line_num}行格式有误。") from exc
    if not header:
        raise SpreadsheetError("文件中没有数据。")
    return Table(header, rows)


def guess_mapping(header: list[str]) -> dict[str, int | None]:
    """Each field's column (index into the header) by the usual names, exact names first; personal columns
    are never chosen."""
    clean = [h.replace(" ", "").replace("　", "") for h in header]
    mapping: dict[str, int | None] = {}
    used: set[int] = set()
    for key, (_, _, names) in FIELDS.items():
        mapping[key] = None
        for name in names:
            found = next((i for i, h in enumerate(clean) if h == name and i not in used and not is_personal(h)), None)
            if found is None:
                found = next(
                    (i for i, h in enumerate(clean) if name in h and i not in used and not is_personal(h)), None
                )
            if found is not None:
                mapping[key] = found
                used.add(found)
                break
    return mapping


def is_personal(column: str) -> bool:
    return any(word in column for word in PERSONAL)


@dataclass
class Parsed:
    values: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def parse_rows(table: Table, mapping: dict[str, int | None], unit: str = "行") -> Parsed:
    """Every row's values, or every row's errors ("第3行：受理时间“昨天”无法识别"; `unit` "条" for the orders
    of a push). Numbers repeated within the file are errors too, so the file means one thing."""
    parsed = Parsed()
    missing = [FIELDS[k][0] for k, (_, required, _) in FIELDS.items() if required and mapping.get(k) is None]
    if missing:
        parsed.errors.append(f"请为“{'”“'.join(missing)}”选择对应的列。")
        return parsed
    seen: dict[str, int] = {}
    for number, row in table.rows:
        problems: list[str] = []
        values: dict[str, Any] = {"row": number}
        for key, (label, required, _) in FIELDS.items():
            index = mapping.get(key)
            raw = row[index] if index is not None and index < len(row) else None
            if key == "received_at":
                values[key] = _when(raw, table.epoch)
                if values[key] is None:
                    problems.append(f"{label}“{_short(raw)}”无法识别，应如 2026-03-05 10:30")
                continue
            text = _text(raw)
            if "\x00" in text:
                problems.append(f"{label}含有空字符")
                text = text.replace("\x00", "")
            limit = 64 if key == "number" else 5000 if key == "text" else 300 if key == "address" else 200
            if len(text) > limit:
                problems.append(f"{label}超过 {limit} 个字")
            if required and not text:
                problems.append(f"{label}为空")
            values[key] = mask_personal(text) if key in ("text", "address") else text
        if values.get("number"):
            if values["number"] in seen:
                problems.append(f"工单编号“{values['number']}”与第{seen[values['number']]}{unit}重复")
            seen.setdefault(values["number"], number)
        if problems:
            parsed.errors.append(f"第{number}{unit}：{'；'.join(problems)}")
        else:
            parsed.values.append(values)
    if not table.rows:
        parsed.errors.append("文件中只有表头，没有工单。")
    return parsed


def _short(raw: Any) -> str:
    return str(raw if raw is not None else "")[:20]


def _text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


_DATE = re.compile(
    r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]*(\d{1,2})[:：时](\d{1,2})分?(?:[:：]?(\d{1,2})秒?)?)?$"
)


def _when(raw: Any, epoch: dt.datetime | None) -> dt.datetime | None:
    """A received time from a cell: a datetime or date, an Excel serial number, or text like 2026-03-05 10:30,
    2026/3/5, 2026年3月5日 10时30分. Naive times are the server's local time."""
    value: dt.datetime | None = None
    if isinstance(raw, dt.datetime):
        value = raw
    elif isinstance(raw, dt.date):
        value = dt.datetime.combine(raw, dt.time())
    elif isinstance(raw, int | float) and epoch is not None and 1 <= raw < 2958466:
        value = epoch + dt.timedelta(days=float(raw))
    elif raw is not None:
        match = _DATE.match(str(raw).strip())
        if match:
            try:
                parts = [int(p) if p else 0 for p in match.groups()]
                value = dt.datetime(*parts)  # type: ignore[arg-type]
            except ValueError:
                return None
        else:  # ISO 8601 with an offset, as systems send it: 2026-03-05T10:30:00+08:00
            try:
                value = dt.datetime.fromisoformat(str(raw).strip())
            except ValueError:
                return None
    if value is None or not (2000 <= value.year <= 2100):
        return None
    return timezone.make_aware(value) if timezone.is_naive(value) else value
