"""Query parameters are read through forms: a value that does not parse is an ignored filter, never a 500.

Hand-written `raw.isdigit()` then `int(raw)` let `²` and `①` through (they are digits to `isdigit()`, not to
`int()`), huge numbers reached SQLite (which overflows past 64 bits) and NUL reached PostgreSQL (which refuses
it in text). Every list and filter view now reads `request.GET` through a `QueryForm` (this module) or a
django-filter `FilterSet` (the apps' `filters.py`): the fields bound the numbers, choice fields know their
values, and `CharField` refuses NUL. An invalid field is dropped, so the page shows what it would without it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms

YEAR_MIN, YEAR_MAX = 2000, 2100
#: The largest primary key a URL may name (PostgreSQL `integer`; SQLite keys stay far below it).
ID_MAX = 2**31 - 1
PAGE_MAX = 100_000


def year_field(**kwargs: Any) -> forms.IntegerField:
    return forms.IntegerField(required=False, min_value=YEAR_MIN, max_value=YEAR_MAX, **kwargs)


def date_field(**kwargs: Any) -> forms.DateField:
    """A day within YEAR_MIN..YEAR_MAX: a page adding months to 0001-01-01 or 9999-12-31 would overflow."""
    from django.core.validators import MaxValueValidator, MinValueValidator

    bounds = [MinValueValidator(dt.date(YEAR_MIN, 1, 1)), MaxValueValidator(dt.date(YEAR_MAX, 12, 31))]
    return forms.DateField(required=False, validators=bounds, **kwargs)


def id_field(**kwargs: Any) -> forms.IntegerField:
    return forms.IntegerField(required=False, min_value=1, max_value=ID_MAX, **kwargs)


def page_field() -> forms.IntegerField:
    return forms.IntegerField(required=False, min_value=1, max_value=PAGE_MAX)


class SearchField(forms.CharField):
    """Free text (a search box), cut to `limit` characters; NUL makes it an ignored filter (CharField)."""

    def __init__(self, *, limit: int = 100, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.limit = limit

    def to_python(self, value: Any) -> str:
        return str(super().to_python(value))[: self.limit]


class MonthField(forms.Field):
    """A month as `YYYY-MM` (ASCII digits, 2000–2100), cleaned to its first day."""

    def to_python(self, value: Any) -> dt.date | None:
        if value in (None, ""):
            return None
        text = str(value)
        digits = text[:4] + text[5:]
        if not (len(text) == 7 and text[4] == "-" and digits.isascii() and digits.isdigit()):
            raise forms.ValidationError("月份格式应为 YYYY-MM")
        year, month = int(text[:4]), int(text[5:])
        if not (YEAR_MIN <= year <= YEAR_MAX and 1 <= month <= 12):
            raise forms.ValidationError("月份超出范围")
        return dt.date(year, month, 1)


class IdListField(forms.Field):
    """Several ids from a repeated parameter (`?task=1&task=2`); values that are not ids are dropped."""

    widget = forms.MultipleHiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[int]:
        ids: list[int] = []
        for raw in value or []:
            try:
                number = int(str(raw)) if str(raw).isascii() else 0
            except ValueError:
                continue
            if 1 <= number <= ID_MAX and number not in ids:
                ids.append(number)
        return ids


class CodeListField(forms.Field):
    """Several short codes from a repeated parameter (`?kind=ztjz&kind=jzxc`); odd values are dropped."""

    widget = forms.MultipleHiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[str]:
        return [v for v in (str(raw) for raw in value or []) if v and len(v) <= 50 and v.isprintable()]


class QueryForm(forms.Form):
    """A form over `request.GET`. `read()` returns every field, None (or the field's empty value) where the
    parameter was missing or did not parse."""

    @classmethod
    def read(cls, params: Any, **kwargs: Any) -> dict[str, Any]:
        return cls.parse(params, **kwargs)[0]

    @classmethod
    def parse(cls, params: Any, **kwargs: Any) -> tuple[dict[str, Any], set[str]]:
        """The values, and the names of the parameters that were given but did not parse."""
        form = cls(params, **kwargs)
        form.is_valid()
        values = {
            name: form.cleaned_data[name] if name in form.cleaned_data else _empty(field)
            for name, field in form.fields.items()
        }
        return values, set(form.errors)


def _empty(field: forms.Field) -> Any:
    """What a field cleans to when its parameter is absent ("" for text, None for a number, [] for a list)."""
    try:
        return field.clean(None)
    except forms.ValidationError:
        return None


class YearFilter(django_filters.NumberFilter):
    """A year between 2000 and 2100; anything else is an ignored filter."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", YEAR_MIN)
        kwargs.setdefault("max_value", YEAR_MAX)
        super().__init__(*args, **kwargs)


def parse_id(raw: Any) -> int | None:
    """One id from a raw value (a form's bound data before validation), or None."""
    try:
        return id_field().clean(raw if isinstance(raw, str) else None)
    except forms.ValidationError:
        return None
