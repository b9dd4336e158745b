"""The progress pages' query strings, parsed by forms (pufa.core.filters): an odd value is an ignored filter."""

from __future__ import annotations

from django import forms

from pufa.core.filters import QueryForm, id_field, year_field
from pufa.progress.rules import STATUS_CHOICES


class DashboardQuery(QueryForm):
    region = id_field()
    year = year_field()


class StatusQuery(DashboardQuery):
    unit = id_field()
    status = forms.ChoiceField(required=False, choices=[("", ""), *STATUS_CHOICES])
    due = forms.IntegerField(required=False, min_value=0, max_value=366)  # due within N days (the home inbox)
