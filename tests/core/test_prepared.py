"""core.prepared: a one-row read compiled once gives what the ORM gives (converted values), None for no row,
one query, and refuses a queryset whose varying value is not compared as it is."""

from __future__ import annotations

import datetime as dt

import pytest

from pufa.core.prepared import FixedRow, OneRow
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


def test_a_fixed_read_is_compiled_once_per_set_of_constants(world, django_assert_num_queries):
    """The progress listener's look at the target table: a few constants (metric codes) named by the code."""
    one = make_survey(world.committee_a, title="甲")
    two = make_survey(world.committee_b, title="乙")
    read = FixedRow(lambda titles: Survey.objects.filter(title__in=titles).values("pk", "unit__name")[:1])
    assert read.get(("甲",)) == {"pk": one.pk, "unit__name": world.committee_a.name}
    assert read.get(("乙", "丙")) == {"pk": two.pk, "unit__name": world.committee_b.name}
    assert read.get(("丙",)) is None
    Survey.objects.filter(pk=one.pk).update(title="丙")  # the rows are read each time; only the SQL is kept
    with django_assert_num_queries(1):
        assert read.get(("丙",)) == {"pk": one.pk, "unit__name": world.committee_a.name}
    assert read.get(("甲",)) is None
