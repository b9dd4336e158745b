"""Small text helpers shared by every stage of the plan parser.

Chinese government documents mix full- and half-width punctuation freely (often inside one line), so the
parser never compares raw characters: it looks at a *folded* copy of a line in which （）：；，．and full-width
digits have their ASCII forms. `fold` keeps the length of the string, so a position found in the folded
copy is the same position in the original, and everything handed back to the user stays as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_FULL = "（）［］【】｛｝：；，．！？０１２３４５６７８９　％"
_HALF = "()[][]{}:;,.!?0123456789 %"
_FOLD = str.maketrans(_FULL, _HALF)

_OPEN = "(（[［【{｛〔"
_CLOSE = ")）]］】}｝〕"

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = str.maketrans({"\xa0": " ", "\u3000": " ", "\u2002": " ", "\u2003": " ", "\u2009": " "})
_STRIP = " \r\n\f\v"

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUMERAL = "零〇一二两三四五六七八九十百千"


def fold(text: str) -> str:
    """Return `text` with full-width brackets, punctuation and digits in ASCII form, same length."""
    return text.translate(_FOLD)


def clean_line(line: str) -> str:
    """Remove conversion debris (Word bookmarks, zero-width characters, odd spaces) and outer blanks.

    Tabs are kept: they separate table cells, and the outline stage decides what to do with them.
    """
    line = _BOOKMARK.sub("", line).translate(_INVISIBLE).translate(_SPACES)
    line = line.strip(_STRIP)
    if not line.replace("\t", "").strip():
        return ""
    return line


def split_lines(text: str) -> list[str]:
    """Split pasted or decoded text into cleaned, non-empty lines."""
    lines = (clean_line(raw) for raw in text.splitlines())
    return [line for line in lines if line]


def cn_to_int(text: str) -> int | None:
    """Read an Arabic or Chinese numeral (一, 十二, 两, 二十三, １５); None if it is not one."""
    text = fold(text.strip())
    if not text:
        return None
    if text.isdigit():
        return int(text)
    total = section = digit = 0
    for ch in text:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (digit or 1) * _CN_UNITS[ch]
            digit = 0
        elif ch == "万":
            total += (section + digit) * 10000
            section = digit = 0
        else:
            return None
    return total + section + digit


def int_to_cn(value: int) -> str:
    """Write 1–99 as Chinese numerals (一, 十, 十二, 二十三), as Word's chineseCounting format does."""
    digits = "零一二三四五六七八九"
    if value < 10:
        return digits[value]
    if value < 100:
        tens, ones = divmod(value, 10)
        head = "十" if tens == 1 else digits[tens] + "十"
        return head + (digits[ones] if ones else "")
    return str(value)


def matching_close(text: str, start: int) -> int:
    """Index of the bracket closing the one at `start` (any width mix), or -1 if it is never closed."""
    depth = 0
    for i in range(start, len(text)):
        ch = text[i]
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
            if depth == 0:
                return i
    return -1


def split_outside_brackets(text: str, separators: str) -> list[str]:
    """Split on any of `separators`, but not inside brackets: "各镇（街道、社区）" stays one name."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in text:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
        if ch in separators and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


CLAUSE_SEPARATORS = "，,；;。！？!?\n"
SENTENCE_END = "。！？!?"


def clauses(text: str) -> Iterable[tuple[int, int]]:
    """Yield (start, end) spans of the clauses of `text`, split at ，；。 in either width."""
    start = 0
    for i, ch in enumerate(text):
        if ch in CLAUSE_SEPARATORS:
            if i > start:
                yield start, i
            start = i + 1
    if start < len(text):
        yield start, len(text)


def first_sentence(text: str, limit: int = 80) -> str:
    """The lead phrase of an item: up to the first 。！？, or a heading's text; trailing ：stripped.

    A colon closes the lead phrase too ("开展三项活动：一是…"), because what follows it is the detail.
    """
    text = text.strip()
    cut = len(text)
    for i, ch in enumerate(text):
        if ch in SENTENCE_END:
            cut = i
            break
        if ch in ":：" and i >= 2:
            cut = i
            break
    head = text[:cut].strip().rstrip(":：;；,，、")
    if len(head) > limit:
        comma = min((head.find(c) for c in "，," if 2 <= head.find(c) <= limit), default=-1)
        if comma > 0:
            head = head[:comma]
    return head


def normalize_name(name: str) -> str:
    """Comparison key for unit names and paths: folded width, no blanks."""
    return re.sub(r"\s+", "", fold(name))
