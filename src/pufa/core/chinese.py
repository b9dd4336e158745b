"""Chinese-first conventions (DESIGN.md, principle 5): pinyin sorting, dates, numbering, masking."""

from __future__ import annotations

import datetime as dt
import re

from pypinyin import Style, lazy_pinyin

_DIGITS = "零一二三四五六七八九"


def pinyin_key(text: str) -> str:
    """A sort key that orders Chinese names as offices expect (by pinyin, 安 before 北)."""
    return " ".join(lazy_pinyin(text or "", style=Style.NORMAL, errors="default")).lower()[:255]


def cn_date(value: dt.date | dt.datetime | None) -> str:
    """2023年3月31日 — the form in every official document."""
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 21 → 二十一: the numerals of 一、 headings (up to 99)."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _DIGITS[tens]
    return f"{head}十{_DIGITS[ones] if ones else ''}"


def mask_phone(phone: str | None) -> str:
    """138****5678: phone numbers are masked wherever the full number is not needed."""
    digits = (phone or "").strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


def mask_id_number(value: str | None) -> str:
    """320***********1234: ID card numbers keep only their first three and last four characters."""
    text = (value or "").strip()
    if len(text) < 8:
        return "*" * len(text)
    return f"{text[:3]}{'*' * (len(text) - 7)}{text[-4:]}"


_PHONE_RE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def mask_phones_in_text(text: str) -> str:
    """Mask mobile numbers inside free text before it is shown to someone who does not need them."""
    return _PHONE_RE.sub(r"\1****\2", text or "")
