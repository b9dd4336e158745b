"""Deadlines (完成时限/时间节点) and recurrences as Chinese plans write them.

Rules (so that a figure on a progress page can be explained):
- A date: "6月30日前", "3月底前" (月底/月末/下旬 = last day of the month, 中旬 = 20th, 上旬 = 10th, a bare
  "5月" = end of May), "2023年12月底", "2025年底前", "年底前", "上半年" (30 June), "下半年" (31 December),
  "第一季度" (end of the quarter), ISO "2023-06-30". A year missing from the text comes from the plan.
- A recurrence: 贯穿全年/全年/长期/常态化 → all_year, 每月 → monthly, 每季度 → quarterly, 每年/年内 → yearly;
  the first one written wins.
- When several dates are written ("人员调整4月底前完成，电话抽查5月底前完成"), the task's deadline is the
  latest: the task is done when its last part is done. Each quantified part keeps its own due date as a
  target (see targets.py).
- Without a 完成时限 annotation, the task text itself is searched, but only for unambiguous deadline
  phrases (a date followed by 前/底/末, "YYYY年底", 每月/每季度/每年) so that commemorative dates in the text
  ("3月15日国际消费者权益日") are not mistaken for deadlines.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from .model import Recurrence
from .text import clauses, cn_to_int, fold

_NUM = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
_DATE = re.compile(
    r"(?P<iso>(?P<iy>\d{4})\s*[-./]\s*(?P<im>\d{1,2})\s*[-./]\s*(?P<id>\d{1,2}))"
    rf"|(?:(?P<y>\d{{4}})\s*年\s*)?(?P<m>{_NUM})\s*月\s*(?:份\s*)?"
    rf"(?:(?P<d>{_NUM}|[二三]?十[一二三四五六七八九]?)\s*[日号]|(?P<mod>底|末|下旬|中旬|上旬))?"
    r"|(?P<yy>\d{4})\s*年\s*(?P<ymod>底|末|年底|年末|上半年|下半年|年中|第?[一二三四1-4]\s*季度(?:末|底)?)?"
    r"|(?P<rel>年底|年末|上半年|下半年|年中|第?[一二三四1-4]\s*季度(?:末|底)?)"
)
# A date phrase counts as a deadline inside running text only when it says "by": 前/底/末/截止.
_BY_AFTER = re.compile(r"\s*(?:以前|之前|前(?!后)|为止|截止|底|末)")

_RECURRENCES: list[tuple[Recurrence, str]] = [
    ("all_year", r"贯穿全年|全年|长期|常态化|持续|经常性"),
    ("monthly", r"每月|每个月|按月|月度"),
    ("quarterly", r"每季度|每个季度|每季|按季度|季度"),
    ("yearly", r"每年|年内|每年度|年度|本年度|每一年"),
]
_RECURRENCE = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in _RECURRENCES))
# In running text (no 完成时限 annotation) only explicit 每… phrases are recurrences; "全年工作" is not.
_TEXT_RECURRENCE = re.compile(r"(?P<monthly>每月|每个月)|(?P<quarterly>每季度|每个季度)|(?P<yearly>每年度|每年)")
_QUARTER_END = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}


@dataclass(frozen=True)
class DateMatch:
    start: int
    end: int
    value: date
    explicit_by: bool
    """True when the phrase itself says "by" (年底, 月底, …前): safe to read as a deadline in running text."""


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _quarter(text: str) -> int | None:
    m = re.search(r"[一二三四1-4]", text)
    return cn_to_int(m.group()) if m else None


def _match_to_date(m: re.Match[str], year: int) -> tuple[date, bool] | None:
    """Turn one `_DATE` match into (date, says-by-itself-it-is-a-deadline), or None if impossible."""
    try:
        if m.group("iso"):
            return date(int(m.group("iy")), int(m.group("im")), int(m.group("id"))), False
        if m.group("m"):
            y = int(m.group("y")) if m.group("y") else year
            month = cn_to_int(m.group("m"))
            if month is None or not 1 <= month <= 12:
                return None
            if m.group("d"):
                day = cn_to_int(m.group("d"))
                return (date(y, month, day), False) if day else None
            mod = m.group("mod")
            if mod == "上旬":
                return date(y, month, 10), True
            if mod == "中旬":
                return date(y, month, 20), True
            return month_end(y, month), mod in ("底", "末", "下旬")
        if m.group("yy"):
            y = int(m.group("yy"))
            mod = m.group("ymod") or ""
            return _relative(mod, y, default=(date(y, 12, 31), False))
        return _relative(m.group("rel"), year, default=None)
    except ValueError:
        return None


def _relative(mod: str, year: int, default: tuple[date, bool] | None) -> tuple[date, bool] | None:
    if mod in ("底", "末", "年底", "年末"):
        return date(year, 12, 31), True
    if mod in ("上半年", "年中"):
        return date(year, 6, 30), True
    if mod == "下半年":
        return date(year, 12, 31), True
    if "季度" in mod:
        quarter = _quarter(mod)
        if quarter and quarter in _QUARTER_END:
            return date(year, *_QUARTER_END[quarter]), True
        return None
    return default


def find_dates(text: str, year: int) -> list[DateMatch]:
    """Every date phrase in `text`, in order, with `year` supplied where the text omits it."""
    folded = fold(text)
    found: list[DateMatch] = []
    for m in _DATE.finditer(folded):
        # "2022年" inside "2022年度" or a bare year in "2023年，确保…" is not a date on its own.
        if m.group("yy") and not m.group("ymod") and not _BY_AFTER.match(folded, m.end()):
            continue
        result = _match_to_date(m, year)
        if result is None:
            continue
        value, by = result
        by = by or bool(_BY_AFTER.match(folded, m.end()))
        found.append(DateMatch(m.start(), m.end(), value, by))
    return found


def find_recurrence(text: str, *, strict: bool = False) -> Recurrence | None:
    """The first recurrence phrase in `text`; `strict` keeps only explicit 每月/每季度/每年 phrases."""
    pattern = _TEXT_RECURRENCE if strict else _RECURRENCE
    m = pattern.search(text)
    if not m:
        return None
    return m.lastgroup  # type: ignore[return-value]


def parse_deadline(text: str, year: int) -> tuple[date | None, Recurrence | None]:
    """Read a 完成时限 value: the latest date written in it, and its recurrence if any."""
    dates = [m.value for m in find_dates(text, year)]
    recurrence = find_recurrence(_without_dates(text))
    return (max(dates) if dates else None), recurrence


def _without_dates(text: str) -> str:
    """Blank out date phrases so "第一季度" is not read as the recurrence 季度."""
    folded = fold(text)
    spans = [(m.start(), m.end()) for m in _DATE.finditer(folded) if m.group("rel") or m.group("ymod")]
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            chars[i] = " "
    return "".join(chars)


def deadline_in_text(text: str, year: int) -> tuple[str, date | None, Recurrence | None] | None:
    """Find deadline phrases in a task's own text (no 完成时限 given): (clauses as written, date, recurrence).

    The clauses that contain a "by" date or an explicit 每… recurrence are kept; neighbouring clauses are
    returned as one span of the original text, separate ones joined with "；".
    """
    spans: list[tuple[int, int]] = []
    dates: list[date] = []
    recurrence: Recurrence | None = None
    for start, end in clauses(text):
        clause = text[start:end]
        clause_dates = [m.value for m in find_dates(clause, year) if m.explicit_by]
        clause_recurrence = find_recurrence(clause, strict=True)
        if not clause_dates and not clause_recurrence:
            continue
        dates.extend(clause_dates)
        recurrence = recurrence or clause_recurrence
        if spans and _adjacent(text, spans[-1][1], start):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    if not spans:
        return None
    written = "；".join(text[start:end].strip() for start, end in spans)
    return written, (max(dates) if dates else None), recurrence


def _adjacent(text: str, end: int, start: int) -> bool:
    """True when only one separator (and blanks) lies between two clauses, so they read as one span."""
    between = text[end:start]
    return len(between.strip()) <= 1 and "\n" not in between
