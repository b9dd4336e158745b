"""Template filters and tags for Chinese presentation; they format, they never query."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

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


@register.simple_tag
def options(items: Iterable[Any], selected: Any = None, value: str = "pk", label: str = "name") -> SafeString:
    """`{% options units filters.unit.pk %}` — the `<option>`s of a long select, each
    `<option value="…"[ selected]>…</option>`, built in one pass: a template loop costs a city office's list
    of 300 units a few milliseconds on every request. The standard library's escape (what Django's calls) spares
    the lazy-string wrapper around it on each of 600 labels, all plain strings. `selected` is one value or a
    list of them (compared as text); `value` and `label` name the attributes shown."""
    if isinstance(selected, list | tuple | set | frozenset):
        chosen = {str(v) for v in selected}
    else:
        chosen = set() if selected is None or selected == "" else {str(selected)}
    parts = []
    for item in items:
        v = str(getattr(item, value))
        mark = " selected" if v in chosen else ""
        parts.append(f'<option value="{html.escape(v)}"{mark}>{html.escape(str(getattr(item, label)))}</option>')
    return mark_safe("".join(parts))  # noqa: S308 - every value and label is escaped above
