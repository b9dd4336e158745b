"""The portal's query strings, parsed by forms (pufa.core.filters): an odd value is an ignored filter."""

from __future__ import annotations

from django import forms

from pufa.core.filters import QueryForm, SearchField, id_field, page_field, year_field


class YearQuery(QueryForm):
    year = year_field()


class RegionQuery(YearQuery):
    q = SearchField(limit=50)
    kind = SearchField(limit=50)
    page = page_field()


class CalendarQuery(YearQuery):
    month = forms.IntegerField(required=False, min_value=1, max_value=12)
    day = forms.IntegerField(required=False, min_value=1, max_value=31)
    region = id_field()
    page = page_field()


class SearchQuery(YearQuery):
    q = SearchField(limit=50)
    law = id_field()
    domain = id_field()
    audience = id_field()
    region = id_field()
    page = page_field()


class CaseQuery(QueryForm):
    """The public case library: a search, its filters and the page; `print` asks for the clean print view."""

    q = SearchField(limit=100)
    case_type = SearchField(limit=20)
    domain = SearchField(limit=50)
    law = id_field()
    page = page_field()
    print = forms.BooleanField(required=False)
