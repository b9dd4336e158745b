"""Read a scoring table (考核评分表/督导检查标准) into sections and items, for the office to review.

Input: the lines of a .docx (through the plans reader, bounded: zip directory, paragraph count, text size;
a table row becomes one line with its cells separated by tabs, a vertically merged cell repeats its text) or
of a .txt. Output: `{"sections": [{"name", "points"}], "items": [{"section", "number", "text", "points",
"remark"}], "mismatches": [...], "problems": [...]}`.

The layouts met in real tables, each pinned by a test:

1. a table 项目 | 内容措施 | 分值 | 备注 whose first column holds the section ("组织保障有力（7分）", merged
   down the rows of its items);
2. a table 序号 | 考核内容 | 分值 | 考核方式 whose sections are rows of their own ("一、组织领导（10分）");
3. text: "一、组织领导（10分）" then "1.成立领导小组……（2分）见文件" — points after the text;
4. text with points before the text: "（2分）1.建立制度……" or "2分 建立制度……";
5. a table flattened into lines by copying it out of Word: cells separated by runs of spaces
   ("组织保障有力（7分）  1  成立领导小组  2  见文件"), sections carried down.

Points are read only where a scoring table puts them: the points column, a bracketed "（N分）" at the start
or end, or a standalone "N分"/"N" cell. "未建立的扣2分" inside a standard is the rule of the item, not its
points. A section's total that differs from the sum of its items is reported in `mismatches`.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from pufa.plans.parsing.text import cn_to_int

MAX_ITEMS = 500


class SchemeReadError(ValueError):
    """A file that is not a scoring table; the message is shown as it is."""


@dataclass
class ParsedSection:
    name: str
    points: Decimal | None = None


@dataclass
class ParsedItem:
    section: str
    number: str
    text: str
    points: Decimal | None = None
    remark: str = ""


@dataclass
class SchemeResult:
    sections: list[ParsedSection] = field(default_factory=list)
    items: list[ParsedItem] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def mismatches(self) -> list[dict[str, Any]]:
        """Sections whose stated points differ from the sum of their items' points."""
        found = []
        for section in self.sections:
            items = [i for i in self.items if i.section == section.name]
            total = sum((i.points or Decimal(0) for i in items), Decimal(0))
            if section.points is not None and items and total != section.points:
                found.append({"section": section.name, "points": _num(section.points), "items_sum": _num(total)})
        return found

    def total(self) -> Decimal:
        stated = [s.points for s in self.sections if s.points is not None]
        if stated and len(stated) == len(self.sections):
            return sum(stated, Decimal(0))
        return sum((i.points or Decimal(0) for i in self.items), Decimal(0))

    def as_dict(self) -> dict[str, Any]:
        return {
            "sections": [{"name": s.name, "points": _num(s.points)} for s in self.sections],
            "items": [{**asdict(i), "points": _num(i.points)} for i in self.items],
            "total": _num(self.total()),
            "mismatches": self.mismatches(),
            "problems": list(self.problems),
        }


def _num(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


# ---------------------------------------------------------------- patterns

_CN = "一二三四五六七八九十百零〇两"
_NUM = r"\d+(?:\.\d+)?"
#: "（7分）", "(7分)", "【7分】", "7分", "（满分7分）", "（分值：7分）"
_BRACKET_POINTS = re.compile(rf"[（(【\[]\s*(?:满分|分值|共|计)?[:：]?\s*({_NUM})\s*分\s*[)）】\]]")
_SECTION_PREFIX = re.compile(rf"^\s*(?:第[{_CN}\d]+(?:部分|项)|[{_CN}]+\s*[、.．]|[{_CN}]+\s+)\s*")
_ITEM_NUMBER = re.compile(rf"^\s*(?:[（(]\s*(\d+|[{_CN}]+)\s*[)）]|(\d+(?:\.\d+)*)\s*[、.．)）]?(?!\d)|([①-⑳]))\s*")
_LEADING_POINTS = re.compile(rf"^\s*(?:[（(【\[]\s*({_NUM})\s*分\s*[)）】\]]|({_NUM})\s*分(?=\s))\s*")
_TRAILING_POINTS = re.compile(rf"(?:[（(【\[]\s*({_NUM})\s*分\s*[)）】\]]|(?<=\s)({_NUM})\s*分?)\s*$")
#: Evidence hints (备注) at the end of an item: 见文件、见记录、查阅台账、现场查看 …
_REMARK = re.compile(
    r"[\s（(]*((?:见|查阅|查看|查验|现场|实地|抽查|提供|附)[^\s，。；;（）()]{0,12}"
    r"(?:[、，,/][^\s，。；;（）()]{1,12})*)[）)]?\s*$"
)
_HEADER_WORDS = {
    "section": ("项目", "考核项目", "一级指标", "考核类别", "类别", "评价项目"),
    "text": ("内容措施", "考核内容", "考核标准", "评分标准", "指标内容", "二级指标", "工作内容", "内容", "检查内容"),
    "points": ("分值", "分数", "标准分", "权重", "满分"),
    "remark": ("备注", "考核方式", "评分方法", "佐证材料", "说明", "考核方法", "检查方式"),
    "number": ("序号", "编号"),
}


def _points(text: str) -> Decimal | None:
    text = text.strip().removesuffix("分").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        number = cn_to_int(text)
        return Decimal(number) if number is not None else None
    return value if value.is_finite() and Decimal(0) <= value <= Decimal(1000) else None


def _section_of(text: str) -> ParsedSection | None:
    """A section heading: "一、组织领导（10分）", "组织保障有力（7分）", "第一部分 基础工作 20分", "二、加分项"."""
    raw = text.strip()
    if not raw or len(raw) > 60:
        return None
    prefixed = _SECTION_PREFIX.match(raw)
    found = _BRACKET_POINTS.search(raw)
    if found is not None and found.end() >= len(raw.rstrip()) - 1:
        name = raw[: found.start()]
        points: Decimal | None = Decimal(found.group(1))
    else:
        trailing = re.search(rf"\s+({_NUM})\s*分$", raw)
        name, points = (raw[: trailing.start()], Decimal(trailing.group(1))) if trailing else (raw, None)
    if prefixed is None and points is None:
        return None
    if prefixed is None and _ITEM_NUMBER.match(raw) and re.match(r"^\s*[\d（(①-⑳]", raw):
        return None  # "1.成立领导小组（2分）" is an item
    name = _SECTION_PREFIX.sub("", name).strip(" ：:，,。")
    if not name or re.search(r"[，。；;]", name):
        return None
    return ParsedSection(name, points)


def _split_item(text: str) -> tuple[str, str, Decimal | None, str]:
    """(number, text, points, remark) of an item written on one line, points before or after the text."""
    rest = text.strip()
    points: Decimal | None = None
    lead = _LEADING_POINTS.match(rest)
    if lead:
        points = Decimal(lead.group(1) or lead.group(2))
        rest = rest[lead.end() :]
    number = ""
    numbered = _ITEM_NUMBER.match(rest)
    if numbered and numbered.end() < len(rest):
        number = next(g for g in numbered.groups() if g)
        rest = rest[numbered.end() :]
    if points is None:
        lead = _LEADING_POINTS.match(rest)
        if lead:
            points = Decimal(lead.group(1) or lead.group(2))
            rest = rest[lead.end() :]
    remark = ""
    for _ in range(2):  # "……（2分）见文件" and "……见文件 2分" both end in points or a remark
        tail = _TRAILING_POINTS.search(rest)
        if tail and points is None and tail.start() > 0:
            points = Decimal(tail.group(1) or tail.group(2))
            rest = rest[: tail.start()].rstrip()
            continue
        hint = _REMARK.search(rest)
        if hint and not remark and hint.start() > 0 and _remark_is_separate(rest, hint):
            remark = hint.group(1)
            rest = rest[: hint.start()].rstrip(" ，,；;")
            continue
        break
    return number, rest.strip(), points, remark


def _remark_is_separate(text: str, hint: re.Match[str]) -> bool:
    """A hint is a remark when it stands apart (after a space, bracket or sentence end), not mid-sentence."""
    before = text[: hint.start(1)]
    return before.endswith((" ", "（", "(", "。", "；", ";", "）", ")")) or before.rstrip() != before


# ---------------------------------------------------------------- the reader


class _Reader:
    def __init__(self) -> None:
        self.result = SchemeResult()
        self.section: ParsedSection | None = None
        self.columns: dict[str, int] = {}

    def open_section(self, section: ParsedSection) -> None:
        for known in self.result.sections:
            if known.name == section.name:
                if known.points is None:
                    known.points = section.points
                self.section = known
                return
        self.result.sections.append(section)
        self.section = section

    def add_item(self, number: str, text: str, points: Decimal | None, remark: str) -> None:
        if self.section is None:
            self.open_section(ParsedSection("未分类"))
        assert self.section is not None
        last = self.result.items[-1] if self.result.items else None
        if (
            not number
            and last is not None
            and last.section == self.section.name
            and (points is None or last.points is None)
        ):
            # a line that continues the item above (a wrapped standard), perhaps bringing its points
            last.text = f"{last.text}{text}"
            last.remark = last.remark or remark
            last.points = last.points if last.points is not None else points
            return
        if len(self.result.items) >= MAX_ITEMS:
            raise SchemeReadError(f"评分表超过 {MAX_ITEMS} 项，不像是一份考核评分表")
        if not number:
            number = str(sum(1 for i in self.result.items if i.section == self.section.name) + 1)
        self.result.items.append(ParsedItem(self.section.name, number, text, points, remark))

    # ------------------------------------------------------------ tables (cells)

    def header(self, cells: list[str]) -> bool:
        found: dict[str, int] = {}
        for index, cell in enumerate(cells):
            plain = re.sub(r"\s+", "", cell)
            for role, words in _HEADER_WORDS.items():
                if plain in words and role not in found:
                    found[role] = index
                    break
        if "points" in found and ("text" in found or "section" in found):
            self.columns = found
            return True
        return False

    def row(self, cells: list[str]) -> None:
        cols = self.columns

        def cell(role: str) -> str:
            index = cols.get(role)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        filled = [c for c in cells if c.strip()]
        if not filled or re.sub(r"\s+", "", filled[0]) in ("合计", "总计", "总分", "合计分值"):
            return
        if len(set(filled)) == 1:  # a row spanning the table: a section heading, or a note
            section = _section_of(filled[0])
            if section is not None:
                self.open_section(section)
            elif _split_item(filled[0])[0]:
                self.add_item(*_split_item(filled[0]))
            return
        section_text = cell("section")
        if section_text:
            section = _section_of(section_text) or ParsedSection(_SECTION_PREFIX.sub("", section_text).strip())
            if self.section is None or section.name != self.section.name:
                self.open_section(section)
        text = cell("text")
        if "text" not in cols:  # 项目 | 分值 only: the section column is the item
            text = section_text
        number, body, inline_points, remark = _split_item(text)
        number = cell("number") or number
        number = number.rstrip("、.．")
        points = _points(cell("points")) if "points" in cols else None
        if points is None:
            points = inline_points
        remark = cell("remark") or remark
        if not body:
            return
        self.add_item(number, body, points, remark)

    # ------------------------------------------------------------ text lines

    def waiting(self) -> bool:
        """The last item has no points yet: an unnumbered line may be its continuation."""
        return bool(self.result.items) and self.result.items[-1].points is None

    def line(self, line: str) -> None:
        section = _section_of(line)
        if section is not None and self.waiting() and not _SECTION_PREFIX.match(line):
            section = None
        if section is not None:
            self.open_section(section)
            return
        parts = [p for p in re.split(r"\s{2,}|\t", line.strip()) if p]
        if len(parts) >= 3 and not self.columns:
            self.flattened(parts)
            return
        number, text, points, remark = _split_item(line)
        if text:
            self.add_item(number, text, points, remark)

    def flattened(self, parts: list[str]) -> None:
        """A table row copied out as text: [section] [number] text [points] [remark], by runs of spaces."""
        first = _section_of(parts[0])
        if first is not None and len(parts) > 1:
            self.open_section(first)
            parts = parts[1:]
        number = ""
        if re.fullmatch(r"\d+[、.．]?", parts[0]):
            number, parts = parts[0].rstrip("、.．"), parts[1:]
        remark = ""
        if len(parts) > 1 and _points(parts[-1]) is None and _REMARK.fullmatch(parts[-1]):
            remark, parts = parts[-1], parts[:-1]
        points = None
        if len(parts) > 1 and _points(parts[-1]) is not None:
            points, parts = _points(parts[-1]), parts[:-1]
        if len(parts) > 1 and points is None and _points(parts[0]) is not None:
            points, parts = _points(parts[0]), parts[1:]
        inline_number, text, inline_points, inline_remark = _split_item(" ".join(parts))
        self.add_item(
            number or inline_number, text, points if points is not None else inline_points, remark or inline_remark
        )


_TITLE = re.compile(r"(评分表|评分标准|考核细则|检查标准|考核办法|考核表|考评表|指标体系|评分细则)\s*$")


def parse_lines(lines: list[str]) -> SchemeResult:
    """Sections and items of a scoring table from its lines (tab-separated cells for table rows)."""
    reader = _Reader()
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if "\t" in line:
            cells = [c.strip() for c in raw.split("\t")]
            if reader.header(cells):
                continue
            if reader.columns:
                reader.row(cells)
                continue
        spaced = [c for c in re.split(r"\s{2,}", line) if c]
        if len(spaced) >= 2 and _Reader().header(spaced):
            continue  # the heading row of a table copied out as text: its cells are found by position
        if _TITLE.search(line) and not reader.result.items:
            continue  # the table's title
        if re.fullmatch(r"(合计|总计|总分)\s*[:：]?\s*\S*", line.replace("\t", " ")):
            continue
        reader.line(line.replace("\t", "  "))
    result = reader.result
    result.sections = [s for s in result.sections if any(i.section == s.name for i in result.items)]
    if not result.items:
        raise SchemeReadError("没有识别出考核项目：请上传包含“项目、内容、分值”的考核评分表")
    for item in result.items:
        if item.points is None:
            result.problems.append(f"{item.section} 第{item.number}项没有分值：{item.text[:30]}")
    return result


def read_scheme(source: bytes | IO[bytes], filename: str) -> SchemeResult:
    """Read a .docx or .txt scoring table (bounded like every document import). Raises `SchemeReadError`."""
    from pufa.plans.parsing.model import PlanReadError
    from pufa.plans.parsing.reader import read_document

    data = source if isinstance(source, bytes) else source.read()
    try:
        lines = read_document(data, filename)
    except PlanReadError as error:
        raise SchemeReadError(str(error).replace("规划计划", "考核评分表").replace("规划正文", "评分表")) from error
    return parse_lines(lines)
