"""The query strings of the ledger's pages (list, export, calendar, task suggestions) and of the API's activity
list, parsed by forms (`pufa.core.filters`): an odd value is an ignored filter, never an error, and a unit or
region the actor may not see is a 404 (the URL reveals nothing)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.http import Http404, QueryDict
from django.utils import timezone

from pufa.core.filters import CodeListField, IdListField, MonthField, QueryForm, SearchField, id_field, year_field
from pufa.ledger import selectors
from pufa.org.access import scope
from pufa.org.models import Region, Unit

#: How far back a title search looks when no period is chosen.
TITLE_SEARCH_DAYS = 365


class ActivityFilterForm(QueryForm):
    """The ledger list's query string (also the export's and the calendar's)."""

    unit = id_field()
    participant = id_field()
    region = id_field()
    start = forms.DateField(required=False)
    end = forms.DateField(required=False)
    year = year_field()
    kind = CodeListField(required=False)
    domain = CodeListField(required=False)
    audience = CodeListField(required=False)
    task = IdListField(required=False)
    status = forms.ChoiceField(required=False, choices=[])
    q = SearchField(limit=100)
    highlight = forms.ChoiceField(required=False, choices=[(v, v) for v in ("", "1", "on", "true", "0")])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        statuses = [value for value, _ in selectors.STATUS_FILTERS] + ["deleted"]
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = [("", "")] + [(value, value) for value in statuses]


class TaskSuggestionQuery(QueryForm):
    unit = id_field()
    date = forms.DateField(required=False)
    tasks = IdListField(required=False)


class CalendarQuery(QueryForm):
    month = MonthField(required=False)


def _visible_unit(actor: Any, pk: int | None) -> Unit | None:
    if pk is None:
        return None
    unit = scope(Unit.objects.filter(pk=pk), actor, "ledger.view").select_related("region").first()
    if unit is None:
        raise Http404("未找到该单位")
    return unit


def _visible_region(actor: Any, pk: int | None) -> Region | None:
    """A region filter (the dashboard's figures link here): only regions the actor sees the ledger of."""
    if pk is None:
        return None
    region = scope(Region.objects.filter(pk=pk), actor, "ledger.view").first()
    if region is None:
        raise Http404("未找到该区划")
    return region


def parse_filters(params: QueryDict, actor: Any) -> selectors.ActivityFilter:
    """Read the list's filters from the query string (also used by the export and the calendar).

    `year` is a shortcut for the whole year when no start/end is given. A unit or region the actor may not see
    is 404, and so is one that does not parse; any other value that does not parse is ignored.
    """
    p, invalid = ActivityFilterForm.parse(params)
    if invalid & {"unit", "participant"}:
        raise Http404("未找到该单位")
    if "region" in invalid:
        raise Http404("未找到该区划")
    start, end = p["start"], p["end"]
    if p["year"] and start is None and end is None:
        start, end = dt.date(p["year"], 1, 1), dt.date(p["year"], 12, 31)
    q = p["q"] or ""
    if q and start is None and end is None:
        # A title search reads every title in scope; without a period it looks back one year (TITLE_SEARCH_DAYS).
        start = timezone.localdate() - dt.timedelta(days=TITLE_SEARCH_DAYS)
    return selectors.ActivityFilter(
        unit=_visible_unit(actor, p["unit"]),
        participant=_visible_unit(actor, p["participant"]),
        region=_visible_region(actor, p["region"]),
        start=start,
        end=end,
        kinds=p["kind"],
        domains=p["domain"],
        audiences=p["audience"],
        tasks=p["task"],
        status=p["status"] or "",
        q=q,
        highlight=p["highlight"] in {"1", "on", "true"},
    )
