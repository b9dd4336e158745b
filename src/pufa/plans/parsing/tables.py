"""Task tables (任务分工表): rows of tab-separated cells from a .docx table or a tab-separated .txt.

A block of tab-separated lines is a task table when one of its first rows is a header naming a task column
(工作任务/重点任务/具体内容/具体措施…) and at least one of 序号, a unit column (牵头单位/配合单位/责任单位…) or a
deadline column (完成时限/时间节点…). Every data row is then a task:
- number from 序号, else from a marker at the start of the task cell ("1.开展…"), else the row's position;
- title from the task column, text from the task and detail columns;
- a row with a single filled cell ("一、学习宣传习近平法治思想" spanning the table) is a section heading that
  goes into the path of the rows below it, as does a 类别/领域 column; a task column whose value repeats on
  following rows (a vertically merged cell) is read as such a category too;
- a row with only unit or deadline cells continues the row above.
Anything else with tabs is not a task table and is read as ordinary lines by the caller.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .annotations import Annotation, extract, parse_fields, split_names, starts_with_label
from .outline import detect_marker
from .text import first_sentence, fold

_IGNORE = re.compile(r"责任人|责任领导|分管领导|联系人|联系电话|备注|牵头领导|完成情况|进展情况|推进情况|领导")
_NUMBER = re.compile(r"^(?:序号|编号|序|项目编号|任务编号|No\.?|NO\.?)$")
_LEAD = re.compile(r"^(?:牵头|主办|主责)")
_PART = re.compile(r"^(?:配合|参加|参与|协办|协同|协助|承办|支持)")
_RESP = re.compile(r"^(?:责任|负责|实施|落实)(?:单位|部门|科室|处室|股室|主体|机关)|^责任单位")
_DEADLINE = re.compile(r"时限|时间|节点|期限|进度")
_CATEGORY = re.compile(r"类别|分类|领域|板块|类型|方面|专项")
_TASK = re.compile(r"任务|事项|项目|重点工作")
_DETAIL = re.compile(r"内容|措施|要求|目标|标准|举措|做法|安排|指标")
_NOTE = re.compile(r"[(（][^)）]*[)）]")
_KEY_ROLES = {"number", "lead", "participating", "responsible", "deadline"}


@dataclass
class TableRow:
    number: str
    path: list[str]
    title: str
    text: str
    ann: Annotation = field(default_factory=Annotation)


def classify_header(cell: str) -> tuple[str | None, bool]:
    """Column role of a header cell, and whether it notes that the first unit listed leads."""
    raw = re.sub(r"\s+", "", fold(cell))
    note = " ".join(_NOTE.findall(raw))
    name = _NOTE.sub("", raw)
    lead_first = "牵头" in note and bool(re.search(r"第一|首位|排名第一", note))
    if not name or len(name) > 12:
        return None, False
    if _IGNORE.search(name):
        return "ignore", False
    for role, pattern in (
        ("number", _NUMBER),
        ("lead", _LEAD),
        ("participating", _PART),
        ("responsible", _RESP),
    ):
        if pattern.search(name):
            return role, lead_first
    if _DEADLINE.search(name):
        return "deadline", False
    if _CATEGORY.search(name):
        return "category", False
    if _TASK.search(name):
        return "task", False
    if _DETAIL.search(name):
        return "detail", False
    return None, False


def _header(cells: list[str]) -> tuple[list[str | None], bool] | None:
    roles: list[str | None] = []
    lead_first = False
    for cell in cells:
        role, first = classify_header(cell)
        roles.append(role)
        lead_first = lead_first or first
    present = {role for role in roles if role and role != "ignore"}
    if len(present) < 2 or not present & {"task", "detail"} or not present & _KEY_ROLES:
        return None
    return roles, lead_first


@dataclass
class Table:
    rows: list[TableRow]
    positions: list[int]
    """For each row, the index of its line within the block."""
    header: list[str]
    roles: list[str | None]
    lead_first: bool


def parse_table(rows: list[str], previous: Table | None = None) -> Table | None:
    """Read a block of tab-separated lines as a task table; None if it has no task-table header.

    A block without a header of its own continues `previous` when it has as many columns: a .txt table
    whose section headings were typed as plain lines between the rows comes through as several blocks.
    """
    split = [[cell.strip() for cell in row.split("\t")] for row in rows]
    found = None
    for header_at in range(min(3, len(split))):
        found = _header(split[header_at])
        if found:
            break
    if found:
        roles, lead_first = found
        header_cells = split[header_at]
    elif previous is not None and max(len(cells) for cells in split) <= len(previous.roles):
        roles, lead_first, header_cells, header_at = previous.roles, previous.lead_first, previous.header, -1
    else:
        return None
    width = len(roles)
    body = [(i, (cells + [""] * width)[:width]) for i, cells in enumerate(split) if i > header_at]
    task_cols = [c for c, role in enumerate(roles) if role == "task"]
    detail_cols = [c for c, role in enumerate(roles) if role == "detail"]
    category_cols = [c for c, role in enumerate(roles) if role == "category"]
    if task_cols and detail_cols and _repeats(body, task_cols[0], detail_cols):
        category_cols.append(task_cols.pop(0))
    out: list[TableRow] = []
    positions: list[int] = []
    sections: list[tuple[str, str]] = []
    categories: dict[int, str] = {}
    for index, cells in body:
        filled = [(c, value) for c, value in enumerate(cells) if value]
        if not filled or cells[: len(header_cells)] == header_cells:
            continue
        if _is_section(filled, roles):
            _push_section(sections, filled[0][1])
            continue
        for c in category_cols:
            if cells[c]:
                categories[c] = cells[c]
        text_cells = [cells[c] for c in task_cols + detail_cols if cells[c]]
        if not text_cells and out:
            _continue_row(out[-1], cells, roles)
            continue
        if not text_cells:
            continue
        row = _row(cells, roles, task_cols, detail_cols, len(out) + 1)
        row.ann.lead_first = lead_first
        row.path = [entry for _, entry in sections] + [categories[c] for c in category_cols if c in categories]
        out.append(row)
        positions.append(index)
    return Table(rows=out, positions=positions, header=header_cells, roles=roles, lead_first=lead_first)


def _repeats(body: list[tuple[int, list[str]]], task_col: int, detail_cols: list[int]) -> bool:
    """True when the task column looks vertically merged: repeated, or blank beside a filled detail."""
    previous = ""
    for _, cells in body:
        value = cells[task_col]
        has_detail = any(cells[c] for c in detail_cols)
        if has_detail and previous and (value == previous or not value):
            return True
        if value:
            previous = value
    return False


def _is_section(filled: list[tuple[int, str]], roles: list[str | None]) -> bool:
    values = {value for _, value in filled}
    if len(values) != 1:
        return False
    value = next(iter(values))
    if len(value) < 2 or value.replace(".", "").replace("、", "").isdigit():
        return False
    marker = detect_marker(value)
    if marker and marker.kind in ("cn", "paren_cn", "chapter"):
        return True
    first_col = filled[0][0]
    return roles[first_col] not in ("task", "detail")


def _push_section(sections: list[tuple[str, str]], value: str) -> None:
    marker = detect_marker(value)
    kind = marker.kind if marker else "plain"
    entry = (marker.written + first_sentence(value[marker.end :])) if marker else first_sentence(value)
    kinds = [k for k, _ in sections]
    if kind in kinds:
        del sections[kinds.index(kind) :]
    elif kind == "plain":
        sections.clear()
    sections.append((kind, entry))


def _row(
    cells: list[str], roles: list[str | None], task_cols: list[int], detail_cols: list[int], position: int
) -> TableRow:
    ann = Annotation()
    number = ""
    texts: list[str] = []
    for c in task_cols + detail_cols:
        value = cells[c]
        if not value:
            continue
        if not texts:
            marker = detect_marker(value)
            if marker and marker.kind != "shi":
                number = marker.number
                value = value[marker.end :].strip()
        text, found = extract(value)
        ann.merge(found)
        if text:
            texts.append(text)
    for c, role in enumerate(roles):
        if role == "number" and cells[c]:
            number = cells[c].strip(" 、.．,，()（）")
    _add_cells(ann, cells, roles)
    title = first_sentence(texts[0]) if texts else ""
    return TableRow(number=number or str(position), path=[], title=title, text="\n".join(texts), ann=ann)


def _add_cells(ann: Annotation, cells: list[str], roles: list[str | None]) -> None:
    for value, role in zip(cells, roles, strict=True):
        if not value or role not in ("lead", "participating", "responsible", "deadline"):
            continue
        if role == "deadline":
            ann.add_deadline(value)
        elif starts_with_label(value):
            ann.merge(parse_fields(value))
        else:
            for name, forced in split_names(value):
                ann.add(forced or role, [name])


def _continue_row(row: TableRow, cells: list[str], roles: list[str | None]) -> None:
    _add_cells(row.ann, cells, roles)
