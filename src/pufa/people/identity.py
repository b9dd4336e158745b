"""ID card numbers (居民身份证号码, GB 11643-1999) and phones: validation and what is kept of them.

The number itself is never stored. `id_digest()` keys an HMAC-SHA256 with PUFA_FIELD_KEY, so a database dump
cannot be matched against the (small, guessable) space of ID numbers without the key; equal numbers give
equal digests, which is all duplicate detection needs. The last four digits are kept for display.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")
_PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
_MASKED_RE = re.compile(r"^\d{3}\*{4}\d{4}$")


def normalise_id(value: str) -> str:
    return (value or "").strip().replace(" ", "").upper()


def check_digit(first17: str) -> str:
    """The GB 11643 check character of the first seventeen digits (ISO 7064 MOD 11-2)."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def id_error(value: str) -> str | None:
    """Why `value` is not a valid 18-digit ID number, in Chinese; None when it is valid."""
    number = normalise_id(value)
    if not _ID_RE.match(number):
        return "身份证号应为18位（最后一位可为X）"
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "身份证号中的出生日期无效"
    if check_digit(number[:17]) != number[17]:
        return "身份证号校验位不正确，请核对"
    return None


def id_birth_year(value: str) -> int:
    return int(normalise_id(value)[6:10])


def id_gender(value: str) -> str:
    """ "m" or "f" from the sequence digit (odd: male)."""
    return "m" if int(normalise_id(value)[16]) % 2 else "f"


def _key() -> bytes:
    key = getattr(settings, "PUFA_FIELD_KEY", "")
    if not key:
        raise ImproperlyConfigured("未配置 PUFA_FIELD_KEY，不能处理身份证号。")
    return key.encode()


def id_digest(value: str) -> str:
    """The keyed digest stored instead of the number (64 hex characters)."""
    return hmac.new(_key(), normalise_id(value).encode(), hashlib.sha256).hexdigest()


def normalise_phone(value: str) -> str:
    return re.sub(r"[\s-]", "", str(value or "")).strip()


def phone_error(value: str) -> str | None:
    phone = normalise_phone(value)
    if phone and not _PHONE_RE.match(phone):
        return "手机号应为11位数字，以1开头"
    return None


def is_masked_phone(value: str) -> bool:
    """138****1234, as exports write it: an import reads it as "unchanged"."""
    return bool(_MASKED_RE.match(normalise_phone(value)))
