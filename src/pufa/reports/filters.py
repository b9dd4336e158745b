"""The reports pages' query strings: a django-filter FilterSet for the list, forms for the overview
(pufa.core.filters). A value that does not parse is an ignored filter, never an error."""

from __future__ import annotations

import django_filters
from django import forms

from pufa.core.filters import QueryForm, YearFilter, id_field, year_field
from pufa.reports.models import Period, Report


class ReportFilter(django_filters.FilterSet):
    """报告列表: year, period and status, applied to the reports the selector already scoped."""

    year = YearFilter()
    period = django_filters.ChoiceFilter(choices=Period.choices)
    status = django_filters.ChoiceFilter(choices=Report.Status.choices)

    class Meta:
        model = Report
        fields = ["year", "period", "status"]


class OverviewQuery(QueryForm):
    """The overview's region, period and year (in the query string and in the forms it posts)."""

    region = id_field()
    year = year_field()
    period = forms.ChoiceField(required=False, choices=[("", ""), *Period.choices])
    unit = id_field()
