"""Template filters for Chinese presentation; they format, they never query."""

from __future__ import annotations

import datetime as dt

from django import template

from pufa.core import chinese

register = template.Library()


@register.filter
def cn_date(value: dt.date | dt.datetime | None) -> str:
    return chinese.cn_date(value)


@register.filter
def mask_phone(value: str | None) -> str:
    return chinese.mask_phone(value)


@register.filter
def mask_id(value: str | None) -> str:
    return chinese.mask_id_number(value)


@register.filter
def cn_number(value: int) -> str:
    return chinese.cn_number(int(value))


@register.filter
def label_of(labels: dict, key: str) -> str:
    """`labels|label_of:code` — a code's label from a dict, "" when it has none (never the code itself)."""
    try:
        return str(labels.get(key, ""))
    except AttributeError:
        return ""
