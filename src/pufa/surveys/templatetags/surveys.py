"""Small template helpers of the survey pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def given(values: dict[str, list[str]], key: str) -> list[str]:
    """The raw values a respondent sent for one field (kept when the page is shown again with errors)."""
    return values.get(key, []) if isinstance(values, dict) else []


@register.filter
def errors_for(errors: dict[str, list[str]], key: str) -> list[str]:
    return errors.get(key, []) if isinstance(errors, dict) else []


@register.simple_tag
def community_options(communities: Any, selected: Any) -> str:
    """The <option>s of the community question, built in one pass: a city-wide survey offers every community of
    the city (2,500), and a template loop (or format_html per option) over them cost 30-45 ms of CPU per
    answering page — the page every phone opens — where this costs about one. Ids are integers; names escaped."""
    chosen = str(selected or "")
    return mark_safe(  # noqa: S308  (every name goes through escape(); ids are ints)
        "".join(
            f'<option value="{int(pk)}"{" selected" if str(pk) == chosen else ""}>{escape(name)}</option>'
            for pk, name in communities
        )
    )


@register.filter
def as_str(value: Any) -> str:
    return str(value)


@register.filter
def joined(values: Any) -> str:
    return ",".join(str(v) for v in values)
