"""The assessment's metric for targets and dashboards (registered in AssessmentConfig.ready).

- `assessment.score` 考核得分: a unit's published total (the scheme's results released, 已公布) in the schemes
  of the year the period ends in (per unit only: totals of different schemes mean nothing added up). Scores
  not yet published are the office's, not a figure for dashboards a unit sees. Publication announces
  `RecordsChanged` with this code.
"""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from pufa.plans import metrics as registry
from pufa.plans.metrics import Metric, MetricQuery

SCORE = "assessment.score"


def latest_scores(query: MetricQuery) -> dict[int, Decimal]:
    from pufa.assessment.models import Scheme, Score

    rows = (
        Score.objects.filter(
            unit_id__in=query.unit_ids, scheme__year=query.end.year, scheme__status=Scheme.Status.RELEASED
        )
        .order_by("unit_id", "scheme__released_at")
        .values_list("unit_id", "total")
    )
    return {uid: total for uid, total in rows}  # the latest published scheme's total wins


def records_url(unit_id: int, query: MetricQuery) -> str:
    return f"{reverse('assessment:index')}?year={query.end.year}"


def register() -> None:
    registry.register(
        Metric(
            SCORE,
            "考核得分",
            "分",
            latest_scores,
            records_url=records_url,
            cumulative=True,
            additive=False,
            reported=False,  # the work report is the 述职 the assessment reads, not a place for its result
        )
    )
