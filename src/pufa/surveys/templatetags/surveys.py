"""Small template helpers of the survey pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def given(values: dict[str, list[str]], key: str) -> list[str]:
    """The raw values a respondent sent for one field (kept when the page is shown again with errors)."""
    return values.get(key, []) if isinstance(values, dict) else []


@register.filter
def errors_for(errors: dict[str, list[str]], key: str) -> list[str]:
    return errors.get(key, []) if isinstance(errors, dict) else []


@register.filter
def as_str(value: Any) -> str:
    return str(value)


@register.filter
def joined(values: Any) -> str:
    return ",".join(str(v) for v in values)
