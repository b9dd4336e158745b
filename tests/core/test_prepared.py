"""core.prepared: a one-row read compiled once gives what the ORM gives (converted values), None for no row,
one query, and refuses a queryset whose varying value is not compared as it is."""

from __future__ import annotations

import datetime as dt

import pytest

from pufa.core.prepared import OneRow
from pufa.surveys.models import Survey
from tests.surveys.conftest import make_survey

pytestmark = pytest.mark.django_db

FIELDS = ("pk", "token", "closes_on", "ask_community", "ask_audience", "published_at", "unit__name", "region__path")


def test_a_row_reads_as_the_orm_reads_it(world, django_assert_num_queries):
    survey = make_survey(world.committee_a)
    Survey.objects.filter(pk=survey.pk).update(closes_on=dt.date(2031, 5, 4), ask_audience=True)
    read = OneRow(lambda token: Survey.objects.filter(token=token, deleted_at__isnull=True).values(*FIELDS)[:1])
    expected = Survey.objects.filter(pk=survey.pk).values(*FIELDS).get()
    assert read.get(survey.token) == expected
    with django_assert_num_queries(1):  # compiled already: one query, nothing else
        row = read.get(survey.token)
    assert row is not None
    assert row["closes_on"] == dt.date(2031, 5, 4) and row["ask_audience"] is True and row["ask_community"] is True
    assert read.get("no-such-token") is None


def test_a_value_not_compared_as_it_is_is_refused(world):
    make_survey(world.committee_a)
    read = OneRow(lambda token: Survey.objects.filter(token__startswith=token).values("pk")[:1])
    with pytest.raises(ValueError, match="OneRow"):
        read.get("abc")
